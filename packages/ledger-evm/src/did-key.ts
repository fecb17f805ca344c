// How a DID string maps to the 32-byte key the registry files its operations under
// (docs/ledger-evm.md, "DID keys").
import { base58btc } from 'multiformats/bases/base58'
import { bytesToHex, type Hex, keccak256, stringToBytes } from 'viem'

/** Bytes of the anchor locator that leads a did:marque id. */
export const LOCATOR_LENGTH = 6
/** Bytes of SHA-256 over the signed genesis that follow the locator in the id. */
export const DIGEST_LENGTH = 16
/** Bytes of a did:marque id. */
export const ID_LENGTH = LOCATOR_LENGTH + DIGEST_LENGTH

const PREFIX = 'did:marque:'

/** Where the registry files a DID's operations, as {@link didKey} computes it. */
export interface DidKey {
  /** The key as the registry's `Anchored` event names it. */
  readonly key: Hex
  /**
   * The DID's 22-byte id (locator, then digest) when the DID is a did:marque DID of this
   * ledger's network in its canonical spelling; absent for any other DID string.
   */
  readonly id?: Uint8Array
}

/**
 * The registry key of `did` on the ledger of `network`.
 *
 * A did:marque DID of this network, spelled canonically (docs/did-method.md, "Syntax": no
 * segment on the default network, the id base58btc of exactly 22 bytes), is keyed by its
 * id, left-aligned in 32 bytes with 10 zero bytes after it: the registry derives the same
 * key for a genesis operation from the locator and the operation's hash. Any other DID
 * string is keyed by its keccak256, so that every string names its own operations and no
 * two strings share a key (a keccak256 ending in 10 zero bytes is out of reach).
 */
export function didKey(did: string, network: string): DidKey {
  const id = marqueId(did, network)
  if (id === undefined) return { key: keccak256(stringToBytes(did)) }
  const key = new Uint8Array(32)
  key.set(id)
  return { key: bytesToHex(key), id }
}

function marqueId(did: string, network: string): Uint8Array | undefined {
  if (!did.startsWith(PREFIX)) return undefined
  const parts = did.slice(PREFIX.length).split(':')
  const segment = parts.length === 2 ? parts[0] : undefined
  if (parts.length > 2 || (network === 'default' ? segment !== undefined : segment !== network))
    return undefined
  const encoded = parts[parts.length - 1]!
  let bytes: Uint8Array
  try {
    bytes = base58btc.baseDecode(encoded)
  } catch {
    return undefined
  }
  if (bytes.length !== ID_LENGTH || base58btc.baseEncode(bytes) !== encoded) return undefined
  return bytes
}
