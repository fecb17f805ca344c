// Shared by the tests: did:marque-shaped DIDs and operations without the did package
// (which this package may not import), built by the rule the registry relies on.
import { base58btc } from 'multiformats/bases/base58'
import { hexToBytes, sha256 } from 'viem'

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

/**
 * A genesis in the did:marque version 1 layout the registry reads when it seals
 * (docs/ledger-evm.md, "Deactivation on chain"): the CBOR array [map, signature] with map
 * keys 0 version, 1 type (create), 3 locator, 4 keys, 7 update key, 8 recovery
 * commitment and, when given, 10 the anchor account. Keys and signature are random: the
 * registry never verifies them.
 */
export function marqueGenesis(
  locator: Uint8Array,
  anchorAccount?: `0x${string}`,
): { did: string; bytes: Uint8Array } {
  const parts: number[] = [
    0x82,
    anchorAccount === undefined ? 0xa6 : 0xa7,
    0x00,
    0x01,
    0x01,
    0x00,
    0x03,
    0x46,
    ...locator,
  ]
  parts.push(0x04, 0x81, 0x58, 0x20, ...random(32))
  parts.push(0x07, 0x58, 0x20, ...random(32))
  parts.push(0x08, 0x58, 0x20, ...random(32))
  if (anchorAccount !== undefined) parts.push(0x0a, 0x54, ...hexToBytes(anchorAccount))
  parts.push(0x58, 0x40, ...random(64))
  const bytes = Uint8Array.from(parts)
  return { did: didOf(bytes, locator), bytes }
}

/** A deactivate in the did:marque version 1 layout: exactly 142 bytes. */
export function marqueDeactivate(): Uint8Array {
  return Uint8Array.from([
    0x82,
    0xa4,
    0x00,
    0x01,
    0x01,
    0x03,
    0x02,
    0x58,
    0x20,
    ...random(32),
    0x09,
    0x58,
    0x20,
    ...random(32),
    0x58,
    0x40,
    ...random(64),
  ])
}
