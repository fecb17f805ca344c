// Shared by the tests: did:marque-shaped DIDs and operations without the did package
// (which this package may not import), built by the rule the registry relies on.
import { base58btc } from 'multiformats/bases/base58'
import { sha256 } from 'viem'

/** Random bytes from node:crypto's CSPRNG via WebCrypto. */
export function random(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n))
}

/** The DID whose genesis is `genesis` under `locator` on `network`. */
export function didOf(genesis: Uint8Array, locator: Uint8Array, network = 'default'): string {
  const id = new Uint8Array(22)
  id.set(locator)
  id.set(sha256(genesis, 'bytes').subarray(0, 16), 6)
  const encoded = base58btc.baseEncode(id)
  return network === 'default' ? `did:marque:${encoded}` : `did:marque:${network}:${encoded}`
}

/** A stand-in genesis: opaque bytes of a realistic size (the ledger never parses them). */
export function fakeGenesis(locator: Uint8Array, size = 190): { did: string; bytes: Uint8Array } {
  const bytes = random(size)
  return { did: didOf(bytes, locator), bytes }
}
