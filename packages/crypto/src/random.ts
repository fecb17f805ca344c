import { getBackend } from './backend.js'
import { CryptoError, CryptoErrorCode } from './errors.js'

/** The most bytes one call returns (the WebCrypto `getRandomValues` limit). */
export const MAX_RANDOM_BYTES = 65536

/**
 * `length` bytes from the platform's cryptographically secure random source.
 * @throws CryptoError `CRYPTO_INVALID_LENGTH` when `length` is not an integer in
 *   [0, 65536]; `CRYPTO_RANDOM_UNAVAILABLE` when the platform has no secure source.
 */
export function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_RANDOM_BYTES) {
    throw new CryptoError(
      CryptoErrorCode.InvalidLength,
      `length must be an integer from 0 to ${MAX_RANDOM_BYTES}`,
      {
        details: `got ${String(length)}`,
      },
    )
  }
  try {
    return getBackend().randomBytes(length)
  } catch (cause) {
    throw new CryptoError(CryptoErrorCode.RandomUnavailable, 'no secure random source is available', {
      cause,
    })
  }
}
