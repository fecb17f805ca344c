import { x25519 } from '@noble/curves/ed25519.js'
import { base64url } from 'multiformats/bases/base64'
import { nobleEd25519 } from './backends/noble.js'
import { bytesOf, constantTimeEqual, describe, stringOf, utf8 } from './bytes.js'
import { CryptoError, CryptoErrorCode, type MarqueErrorOptions } from './errors.js'
import { sha256 } from './hash.js'
import { assertPublicKey, type KeyType, keyTypeOf } from './multikey.js'

/** An Octet Key Pair JWK (RFC 8037 §2). */
export interface OkpJwk {
  /** The key type: always `OKP` (RFC 8037 §2). */
  kty: 'OKP'
  /** The curve: `Ed25519` or `X25519` (RFC 8037 §2). */
  crv: KeyType
  /** base64url of the public key, no padding. */
  x: string
  /** base64url of the private key, only in an exported private JWK. */
  d?: string
  /** A key id (RFC 7517 §4.5); this package never sets it and {@link importJwk} ignores it. */
  kid?: string
  /**
   * The algorithm the key is for (RFC 7517 §4.4); this package never sets it. When present on
   * an Ed25519 key, {@link importJwk} accepts only `EdDSA` or `Ed25519`.
   */
  alg?: string
  /** The intended use, `sig` or `enc` (RFC 7517 §4.2); this package neither sets nor checks it. */
  use?: string
}

/**
 * base64url without padding (RFC 7515 §2).
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a Uint8Array.
 */
export function base64urlEncode(bytes: Uint8Array): string {
  return base64url.baseEncode(bytesOf(bytes, undefined, 'bytes'))
}

/**
 * Strict base64url without padding (RFC 7515 §2, RFC 4648 §5): rejects padding, white
 * space, the `+/` alphabet, an impossible length and non-zero trailing bits, so each byte
 * string has exactly one accepted spelling.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a string; `CRYPTO_INVALID_ENCODING`
 *   otherwise (with `name` in the message).
 */
export function base64urlDecode(text: string, name = 'value'): Uint8Array {
  stringOf(text, name)
  const fail = (why: string, options: MarqueErrorOptions = {}) =>
    new CryptoError(CryptoErrorCode.InvalidEncoding, `${name} must be base64url without padding`, {
      details: why,
      ...options,
    })
  const bad = text.search(/[^A-Za-z0-9_-]/)
  // Say where, never what: the text may be a secret key.
  if (bad >= 0) throw fail(`a character outside the base64url alphabet at offset ${bad}`)
  if (text.length % 4 === 1) throw fail(`a length of ${text.length} characters is impossible`)
  try {
    // multiformats refuses non-zero trailing bits ("Unexpected end of data").
    return base64url.baseDecode(text)
  } catch (cause) {
    throw fail('the last character has bits set beyond the data', { cause })
  }
}

/**
 * The public JWK of an Ed25519 or X25519 key (RFC 8037 §2).
 * @throws CryptoError `CRYPTO_INVALID_TYPE` for an unknown curve; `CRYPTO_INVALID_LENGTH` /
 *   `CRYPTO_INVALID_KEY` for a bad key.
 */
export function publicKeyToJwk(publicKey: Uint8Array, crv: KeyType = 'Ed25519'): OkpJwk {
  keyTypeOf(crv, 'crv')
  assertPublicKey(publicKey, crv)
  return { kty: 'OKP', crv, x: base64urlEncode(publicKey) }
}

/**
 * The public key of a private one, computed synchronously with @noble (JWK functions are
 * synchronous, and a private JWK is rare enough that the portable code's speed does not matter).
 */
function publicKeyOf(secretKey: Uint8Array, crv: KeyType): Uint8Array {
  return crv === 'X25519' ? x25519.getPublicKey(secretKey) : nobleEd25519().getPublicKey(secretKey)
}

/**
 * A private JWK (with `d`). Only for explicit export to a protected store.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH` for keys that are not
 *   32 bytes; `CRYPTO_INVALID_KEY` when `publicKey` is not the public key of `secretKey`.
 */
export function privateKeyToJwk(
  secretKey: Uint8Array,
  publicKey: Uint8Array,
  crv: KeyType = 'Ed25519',
): OkpJwk {
  const jwk = publicKeyToJwk(publicKey, crv)
  bytesOf(secretKey, 32, 'secretKey')
  if (!constantTimeEqual(publicKeyOf(secretKey, crv), publicKey)) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, 'publicKey is not the public key of secretKey')
  }
  return { ...jwk, d: base64urlEncode(secretKey) }
}

/** A key read from a JWK by {@link importJwk}. */
export interface ImportedJwk {
  /** The curve the JWK names in `crv`. */
  crv: KeyType
  /** The 32-byte public key from `x`, checked to be acceptable for `crv`. */
  publicKey: Uint8Array
  /** Present when the JWK carried `d`. */
  secretKey?: Uint8Array
}

function invalidJwk(message: string, details?: string, cause?: unknown): CryptoError {
  return new CryptoError(CryptoErrorCode.InvalidJwk, message, {
    ...(details === undefined ? {} : { details }),
    ...(cause === undefined ? {} : { cause }),
    hint: 'an OKP JWK is {"kty":"OKP","crv":"Ed25519" or "X25519","x":<32 bytes, base64url>} (RFC 8037 §2)',
  })
}

/** A short, safe description of a JWK member for an error (never a `d` value). */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : describe(value)
}

/**
 * Decodes a 32-byte base64url member, turning every failure into `CRYPTO_INVALID_JWK`. For
 * `d` the error says what is wrong but quotes nothing, not even one character, and keeps no
 * cause that would.
 */
function member(jwk: Record<string, unknown>, name: 'x' | 'd'): Uint8Array {
  const value = jwk[name]
  if (typeof value !== 'string')
    throw invalidJwk(`the JWK member "${name}" must be a string`, `got ${describe(value)}`)
  let bytes: Uint8Array
  try {
    bytes = base64urlDecode(value, `the JWK member "${name}"`)
  } catch (cause) {
    const message = `the JWK member "${name}" must be base64url without padding`
    if (name === 'd') throw invalidJwk(message)
    throw invalidJwk(message, (cause as CryptoError).details, cause)
  }
  if (bytes.length !== 32)
    throw invalidJwk(`the JWK member "${name}" must hold 32 bytes`, `got ${bytes.length}`)
  return bytes
}

/**
 * Parses an OKP JWK (RFC 8037 §2): `kty` must be `OKP`, `crv` `Ed25519` or `X25519` (or
 * `expected`), `x` 32 bytes of strict base64url, `d` likewise when present, `alg` (when
 * present) `EdDSA` or `Ed25519` for an Ed25519 key. Members it does not know are ignored
 * (RFC 7517 §4). It does not check that `d` matches `x`: derive the public key from
 * `secretKey` (ed25519PublicKey, x25519PublicKey) and compare when that matters.
 * @throws CryptoError `CRYPTO_INVALID_JWK` for any malformed member;
 *   `CRYPTO_INVALID_KEY` for a key that is not acceptable; `CRYPTO_INVALID_TYPE` for an
 *   `expected` that is not a key type.
 */
export function importJwk(jwk: unknown, expected?: KeyType): ImportedJwk {
  if (expected !== undefined) keyTypeOf(expected, 'expected')
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalidJwk('a JWK must be a JSON object', `got ${describe(jwk)}`)
  }
  const record = jwk as Record<string, unknown>
  const { kty, crv, alg } = record
  if (kty !== 'OKP') throw invalidJwk('the JWK must have kty "OKP"', `kty is ${shown(kty)}`)
  if (crv !== 'Ed25519' && crv !== 'X25519') {
    throw invalidJwk('the JWK curve must be Ed25519 or X25519', `crv is ${shown(crv)}`)
  }
  if (expected !== undefined && crv !== expected)
    throw invalidJwk(`the JWK must be an ${expected} key`, `crv is ${crv}`)
  if (
    alg !== undefined &&
    (typeof alg !== 'string' || (crv === 'Ed25519' && alg !== 'EdDSA' && alg !== 'Ed25519'))
  ) {
    throw invalidJwk(`the JWK alg does not fit an ${crv} key`, `alg is ${shown(alg)}`)
  }
  const publicKey = member(record, 'x')
  assertPublicKey(publicKey, crv)
  if (record.d === undefined) return { crv, publicKey }
  return { crv, publicKey, secretKey: member(record, 'd') }
}

/**
 * The RFC 7638 thumbprint of an OKP JWK: base64url(SHA-256) of the required members
 * `crv`, `kty`, `x` in lexicographic order, no white space (RFC 8037 §2, Appendix A.3).
 * @throws CryptoError as {@link importJwk}.
 */
export function jwkThumbprint(jwk: OkpJwk): string {
  const { crv, publicKey } = importJwk(jwk)
  return base64urlEncode(sha256(utf8(`{"crv":"${crv}","kty":"OKP","x":"${base64urlEncode(publicKey)}"}`)))
}
