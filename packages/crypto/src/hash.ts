import { getBackend } from './backend.js'
import { bytesOf } from './bytes.js'
import { CryptoError, CryptoErrorCode } from './errors.js'

/** SHA-256 (FIPS 180-4) of `data`. @throws CryptoError `CRYPTO_INVALID_TYPE`. */
export function sha256(data: Uint8Array): Uint8Array {
  return getBackend().sha256(bytesOf(data, undefined, 'data'))
}

/** HMAC-SHA-256 (RFC 2104). @throws CryptoError `CRYPTO_INVALID_TYPE`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return getBackend().hmacSha256(bytesOf(key, undefined, 'key'), bytesOf(data, undefined, 'data'))
}

/** The longest output HKDF-SHA-256 can produce: 255 blocks of 32 bytes (RFC 5869 §2.3). */
export const HKDF_MAX_LENGTH = 8160

/**
 * HKDF-SHA-256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes.
 * An empty salt means a salt of 32 zero bytes (RFC 5869 §2.2).
 * @throws CryptoError `CRYPTO_INVALID_TYPE` for non-bytes, `CRYPTO_INVALID_LENGTH` when
 *   `length` is not an integer in [1, 8160].
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  bytesOf(ikm, undefined, 'ikm')
  bytesOf(salt, undefined, 'salt')
  bytesOf(info, undefined, 'info')
  if (!Number.isSafeInteger(length) || length < 1 || length > HKDF_MAX_LENGTH) {
    throw new CryptoError(
      CryptoErrorCode.InvalidLength,
      `length must be an integer from 1 to ${HKDF_MAX_LENGTH}`,
      {
        details: `got ${String(length)}`,
      },
    )
  }
  return getBackend().hkdfSha256(ikm, salt, info, length)
}
