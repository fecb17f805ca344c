import { varint } from 'multiformats'
import { base58btc } from 'multiformats/bases/base58'
import { bytesOf, concatBytes } from './bytes.js'
import { assertEd25519PublicKey } from './ed25519.js'
import { CryptoError, CryptoErrorCode } from './errors.js'
import { assertX25519PublicKey } from './x25519.js'

/** The public key types suite 1 uses. */
export type KeyType = 'Ed25519' | 'X25519'

/** Multicodec codes (https://github.com/multiformats/multicodec, table.csv). */
export const MULTICODEC = { Ed25519: 0xed, X25519: 0xec } as const

const PREFIX: Record<KeyType, Uint8Array> = {
  Ed25519: /* @__PURE__ */ Uint8Array.of(0xed, 0x01),
  X25519: /* @__PURE__ */ Uint8Array.of(0xec, 0x01),
}

/**
 * The Multikey form of a public key (Controlled Identifiers v1.0 §2.2.2): `z` + base58btc of
 * the varint multicodec prefix and the raw key. Ed25519 keys start `z6Mk`, X25519 `z6LS`,
 * byte for byte as in did:key.
 * @throws CryptoError `CRYPTO_INVALID_LENGTH` / `CRYPTO_INVALID_KEY` for a bad key.
 */
export function encodeMultikey(publicKey: Uint8Array, type: KeyType): string {
  checkKey(publicKey, type)
  return base58btc.encode(concatBytes(PREFIX[type], publicKey))
}

export interface DecodedMultikey {
  type: KeyType
  publicKey: Uint8Array
}

/**
 * Parses a Multikey string, checking the base, the multicodec, the length and the key.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a string; `CRYPTO_INVALID_MULTIBASE`
 *   when not `z`-prefixed base58btc; `CRYPTO_INVALID_MULTICODEC` for another key type (or
 *   not `expected`); `CRYPTO_INVALID_LENGTH` when the key is not 32 bytes;
 *   `CRYPTO_INVALID_KEY` for a key that is not acceptable.
 */
export function decodeMultikey(multikey: string, expected?: KeyType): DecodedMultikey {
  if (typeof multikey !== 'string') {
    throw new CryptoError(CryptoErrorCode.InvalidType, 'a multikey must be a string')
  }
  if (!multikey.startsWith('z')) {
    throw new CryptoError(
      CryptoErrorCode.InvalidMultibase,
      'a multikey must be base58btc multibase (start with "z")',
      {
        details: `starts with ${JSON.stringify(multikey.slice(0, 1))}`,
      },
    )
  }
  let bytes: Uint8Array
  try {
    bytes = base58btc.decode(multikey)
  } catch (cause) {
    throw new CryptoError(CryptoErrorCode.InvalidMultibase, 'a multikey must be valid base58btc', { cause })
  }
  let code: number
  let prefixLength: number
  try {
    ;[code, prefixLength] = varint.decode(bytes)
  } catch (cause) {
    throw new CryptoError(CryptoErrorCode.InvalidMulticodec, 'the multikey has no valid multicodec prefix', {
      cause,
    })
  }
  const type = (Object.keys(MULTICODEC) as KeyType[]).find((t) => MULTICODEC[t] === code)
  if (type === undefined || (expected !== undefined && type !== expected)) {
    throw new CryptoError(
      CryptoErrorCode.InvalidMulticodec,
      `the multikey is not ${expected === undefined ? 'an Ed25519 or X25519' : `an ${expected}`} public key`,
      { details: `multicodec 0x${code.toString(16)}` },
    )
  }
  const publicKey = bytes.slice(prefixLength)
  checkKey(publicKey, type)
  return { type, publicKey }
}

function checkKey(publicKey: Uint8Array, type: KeyType): void {
  bytesOf(publicKey, 32, `${type} public key`)
  if (type === 'Ed25519') assertEd25519PublicKey(publicKey)
  else assertX25519PublicKey(publicKey)
}

/** The did:key identifier of a public key (did:key v0.9 §3.1.1). */
export function toDidKey(publicKey: Uint8Array, type: KeyType = 'Ed25519'): string {
  return `did:key:${encodeMultikey(publicKey, type)}`
}
