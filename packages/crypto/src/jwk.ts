import { base64url } from 'multiformats/bases/base64'
import { bytesOf } from './bytes.js'
import { assertEd25519PublicKey } from './ed25519.js'
import { CryptoError, CryptoErrorCode } from './errors.js'
import { sha256 } from './hash.js'
import type { KeyType } from './multikey.js'
import { assertX25519PublicKey } from './x25519.js'

/** An Octet Key Pair JWK (RFC 8037 §2). */
export interface OkpJwk {
  kty: 'OKP'
  crv: KeyType
  /** base64url of the public key, no padding. */
  x: string
  /** base64url of the private key, only in an exported private JWK. */
  d?: string
  kid?: string
  alg?: string
  use?: string
}

/** base64url without padding (RFC 7515 §2). */
export function base64urlEncode(bytes: Uint8Array): string {
  return base64url.baseEncode(bytes)
}

/**
 * Strict base64url without padding: rejects padding, other alphabets and non-zero trailing bits.
 * @throws CryptoError `CRYPTO_INVALID_JWK` (with `name` in the message).
 */
export function base64urlDecode(text: string, name = 'value'): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new CryptoError(CryptoErrorCode.InvalidJwk, `${name} must be base64url without padding`)
  }
  try {
    return base64url.baseDecode(text)
  } catch (cause) {
    throw new CryptoError(CryptoErrorCode.InvalidJwk, `${name} must be base64url without padding`, { cause })
  }
}

/** The public JWK of an Ed25519 or X25519 key (RFC 8037 §2). */
export function publicKeyToJwk(publicKey: Uint8Array, crv: KeyType = 'Ed25519'): OkpJwk {
  checkPublic(publicKey, crv)
  return { kty: 'OKP', crv, x: base64urlEncode(publicKey) }
}

/**
 * A private JWK (with `d`). Only for explicit export to a protected store.
 * @throws CryptoError `CRYPTO_INVALID_LENGTH` for keys that are not 32 bytes.
 */
export function privateKeyToJwk(
  secretKey: Uint8Array,
  publicKey: Uint8Array,
  crv: KeyType = 'Ed25519',
): OkpJwk {
  bytesOf(secretKey, 32, 'secretKey')
  return { ...publicKeyToJwk(publicKey, crv), d: base64urlEncode(secretKey) }
}

export interface ImportedJwk {
  crv: KeyType
  publicKey: Uint8Array
  /** Present when the JWK carried `d`. */
  secretKey?: Uint8Array
}

/**
 * Parses an OKP JWK (RFC 8037 §2): `kty` must be `OKP`, `crv` `Ed25519` or `X25519` (or
 * `expected`), `x` 32 bytes of strict base64url, `d` likewise when present.
 * @throws CryptoError `CRYPTO_INVALID_JWK` for any malformed member;
 *   `CRYPTO_INVALID_KEY` for a key that is not acceptable.
 */
export function importJwk(jwk: unknown, expected?: KeyType): ImportedJwk {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new CryptoError(CryptoErrorCode.InvalidJwk, 'a JWK must be a JSON object')
  }
  const { kty, crv, x, d } = jwk as Record<string, unknown>
  if (kty !== 'OKP') {
    throw new CryptoError(CryptoErrorCode.InvalidJwk, 'the JWK must have kty "OKP"', {
      details: `kty is ${JSON.stringify(kty)}`,
    })
  }
  if (crv !== 'Ed25519' && crv !== 'X25519') {
    throw new CryptoError(CryptoErrorCode.InvalidJwk, 'the JWK curve must be Ed25519 or X25519', {
      details: `crv is ${JSON.stringify(crv)}`,
    })
  }
  if (expected !== undefined && crv !== expected) {
    throw new CryptoError(CryptoErrorCode.InvalidJwk, `the JWK must be an ${expected} key`, {
      details: `crv is ${crv}`,
    })
  }
  const publicKey = base64urlDecode(x as string, 'the JWK member "x"')
  if (publicKey.length !== 32) {
    throw new CryptoError(CryptoErrorCode.InvalidJwk, 'the JWK member "x" must hold 32 bytes', {
      details: `got ${publicKey.length}`,
    })
  }
  checkPublic(publicKey, crv)
  if (d === undefined) return { crv, publicKey }
  const secretKey = base64urlDecode(d as string, 'the JWK member "d"')
  if (secretKey.length !== 32) {
    throw new CryptoError(CryptoErrorCode.InvalidJwk, 'the JWK member "d" must hold 32 bytes')
  }
  return { crv, publicKey, secretKey }
}

/**
 * The RFC 7638 thumbprint of an OKP JWK: base64url(SHA-256) of the required members
 * `crv`, `kty`, `x` in lexicographic order, no white space (RFC 8037 §2, Appendix A.3).
 * @throws CryptoError as {@link importJwk}.
 */
export function jwkThumbprint(jwk: OkpJwk): string {
  const { crv, publicKey } = importJwk(jwk)
  const canonical = `{"crv":"${crv}","kty":"OKP","x":"${base64urlEncode(publicKey)}"}`
  return base64urlEncode(sha256(new TextEncoder().encode(canonical)))
}

function checkPublic(publicKey: Uint8Array, crv: KeyType): void {
  if (crv === 'Ed25519') assertEd25519PublicKey(publicKey)
  else assertX25519PublicKey(publicKey)
}
