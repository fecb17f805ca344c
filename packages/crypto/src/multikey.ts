import { base58btc } from 'multiformats/bases/base58'
import { bytesOf, concatBytes, stringOf } from './bytes.js'
import { assertEd25519PublicKey } from './ed25519.js'
import { CryptoError, CryptoErrorCode } from './errors.js'
import { assertX25519PublicKey } from './x25519.js'

/** The public key types suite 1 uses. */
export type KeyType = 'Ed25519' | 'X25519'

/** Multicodec codes (https://github.com/multiformats/multicodec, table.csv: ed25519-pub, x25519-pub). */
export const MULTICODEC = {
  /** `ed25519-pub`: an Ed25519 public key. */
  Ed25519: 0xed,
  /** `x25519-pub`: an X25519 public key. */
  X25519: 0xec,
} as const

/** The unsigned-varint encodings of the codes above: 0xed → ed 01, 0xec → ec 01. */
const PREFIX: Record<KeyType, readonly [number, number]> = { Ed25519: [0xed, 0x01], X25519: [0xec, 0x01] }

/** The length of a multikey string for a 32-byte key: `z` and 46 or 47 base58 digits. */
const MAX_MULTIKEY_LENGTH = 64

/**
 * Checks that `type` is a {@link KeyType} and returns it.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` otherwise.
 */
export function keyTypeOf(type: unknown, name = 'type'): KeyType {
  if (type !== 'Ed25519' && type !== 'X25519') {
    throw new CryptoError(CryptoErrorCode.InvalidType, `${name} must be "Ed25519" or "X25519"`, {
      details: typeof type === 'string' ? `got ${JSON.stringify(type.slice(0, 32))}` : `got a ${typeof type}`,
    })
  }
  return type
}

/**
 * Checks that `publicKey` is acceptable for `type` and returns it.
 * @throws CryptoError as {@link assertEd25519PublicKey} or {@link assertX25519PublicKey}.
 */
export function assertPublicKey(publicKey: Uint8Array, type: KeyType): Uint8Array {
  return type === 'Ed25519' ? assertEd25519PublicKey(publicKey) : assertX25519PublicKey(publicKey)
}

/**
 * The Multikey form of a public key (Controlled Identifiers v1.0 §2.2.2): `z` + base58btc of
 * the varint multicodec prefix and the raw key. Ed25519 keys start `z6Mk`, X25519 `z6LS`,
 * byte for byte as in did:key.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` for an unknown type; `CRYPTO_INVALID_LENGTH` /
 *   `CRYPTO_INVALID_KEY` for a bad key.
 */
export function encodeMultikey(publicKey: Uint8Array, type: KeyType): string {
  keyTypeOf(type)
  assertPublicKey(publicKey, type)
  return base58btc.encode(concatBytes(Uint8Array.from(PREFIX[type]), publicKey))
}

/** A public key read from its Multikey form by {@link decodeMultikey}. */
export interface DecodedMultikey {
  /** The key type its multicodec prefix names. */
  type: KeyType
  /** The raw 32-byte public key, already checked to be acceptable for `type`. */
  publicKey: Uint8Array
}

/**
 * Parses a Multikey string, checking the base, the multicodec, the length and the key.
 * Only the exact two-byte prefixes `ed01` and `ec01` are accepted: a longer (non-minimal)
 * varint for the same code would give the same key a second spelling.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a string (or `expected` not a key type);
 *   `CRYPTO_INVALID_MULTIBASE` when not `z`-prefixed base58btc; `CRYPTO_INVALID_MULTICODEC`
 *   for a missing or truncated prefix, another key type, or not `expected`;
 *   `CRYPTO_INVALID_LENGTH` when the key is not 32 bytes; `CRYPTO_INVALID_KEY` for a key
 *   that is not acceptable.
 */
export function decodeMultikey(multikey: string, expected?: KeyType): DecodedMultikey {
  stringOf(multikey, 'multikey')
  if (expected !== undefined) keyTypeOf(expected, 'expected')
  if (!multikey.startsWith('z')) {
    throw new CryptoError(
      CryptoErrorCode.InvalidMultibase,
      'a multikey must be base58btc multibase (start with "z")',
      {
        details: `starts with ${JSON.stringify(multikey.slice(0, 1))}`,
      },
    )
  }
  // Refuse long input before decoding: base58 decoding is quadratic in the length.
  if (multikey.length > MAX_MULTIKEY_LENGTH) {
    throw new CryptoError(CryptoErrorCode.InvalidLength, 'the multikey is too long for a 32-byte key', {
      details: `got ${multikey.length} characters`,
    })
  }
  let bytes: Uint8Array
  try {
    bytes = base58btc.decode(multikey)
  } catch (cause) {
    throw new CryptoError(CryptoErrorCode.InvalidMultibase, 'a multikey must be valid base58btc', { cause })
  }
  // An unsigned varint ends at the first byte below 0x80 (multiformats/unsigned-varint).
  const end = bytes.findIndex((b) => b < 0x80)
  if (end < 0) {
    throw new CryptoError(
      CryptoErrorCode.InvalidMulticodec,
      'the multikey has no complete multicodec prefix',
      {
        details: bytes.length === 0 ? 'it is empty' : 'the varint is truncated',
      },
    )
  }
  const type = (Object.keys(PREFIX) as KeyType[]).find(
    (t) => end === 1 && PREFIX[t].every((b, i) => bytes[i] === b),
  )
  if (type === undefined || (expected !== undefined && type !== expected)) {
    const prefix = Array.from(bytes.subarray(0, end + 1), (b) => b.toString(16).padStart(2, '0')).join('')
    throw new CryptoError(
      CryptoErrorCode.InvalidMulticodec,
      `the multikey is not ${expected === undefined ? 'an Ed25519 or X25519' : `an ${expected}`} public key`,
      { details: `multicodec prefix 0x${prefix}` },
    )
  }
  const publicKey = bytes.slice(2)
  bytesOf(publicKey, 32, `the ${type} public key`)
  assertPublicKey(publicKey, type)
  return { type, publicKey }
}

/**
 * The did:key identifier of a public key (did:key v0.9 §3.1.1).
 * @throws CryptoError as {@link encodeMultikey}.
 */
export function toDidKey(publicKey: Uint8Array, type: KeyType = 'Ed25519'): string {
  return `did:key:${encodeMultikey(publicKey, type)}`
}
