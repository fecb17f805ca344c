import { getBackend } from './backend.js'
import { bytesOf } from './bytes.js'
import { CryptoError, CryptoErrorCode } from './errors.js'

/** ChaCha20-Poly1305 key, nonce and tag sizes (RFC 8439 §2.8). */
export const AEAD_KEY_LENGTH = 32
/** The ChaCha20-Poly1305 nonce size in bytes (RFC 8439 §2.8). */
export const AEAD_NONCE_LENGTH = 12
/** The size in bytes of the Poly1305 tag that ends every ciphertext (RFC 8439 §2.8). */
export const AEAD_TAG_LENGTH = 16
const EMPTY = /* @__PURE__ */ new Uint8Array(0)

/**
 * Encrypts with ChaCha20-Poly1305 (RFC 8439 §2.8) and returns ciphertext || tag.
 * Never reuse a nonce with the same key.
 * @throws CryptoError `CRYPTO_INVALID_TYPE`, or `CRYPTO_INVALID_LENGTH` for a key that is not
 *   32 bytes or a nonce that is not 12.
 */
export function aeadSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  return getBackend().chacha20poly1305Seal(
    bytesOf(key, AEAD_KEY_LENGTH, 'key'),
    bytesOf(nonce, AEAD_NONCE_LENGTH, 'nonce'),
    bytesOf(plaintext, undefined, 'plaintext'),
    bytesOf(aad, undefined, 'aad'),
  )
}

/**
 * Decrypts and authenticates ChaCha20-Poly1305 output (RFC 8439 §2.8).
 * @throws CryptoError `CRYPTO_DECRYPT_FAILED` when the tag does not verify (wrong key, nonce,
 *   associated data, or a tampered or truncated ciphertext); `CRYPTO_INVALID_TYPE` or
 *   `CRYPTO_INVALID_LENGTH` for malformed arguments.
 */
export function aeadOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  aad: Uint8Array = EMPTY,
): Uint8Array {
  bytesOf(key, AEAD_KEY_LENGTH, 'key')
  bytesOf(nonce, AEAD_NONCE_LENGTH, 'nonce')
  bytesOf(ciphertext, undefined, 'ciphertext')
  bytesOf(aad, undefined, 'aad')
  const plaintext =
    ciphertext.length < AEAD_TAG_LENGTH
      ? undefined
      : getBackend().chacha20poly1305Open(key, nonce, ciphertext, aad)
  if (plaintext === undefined) {
    throw new CryptoError(CryptoErrorCode.DecryptFailed, 'decryption failed: the message is not authentic', {
      hint: 'the key, nonce or associated data differ from the sender’s, or the ciphertext was altered',
    })
  }
  return plaintext
}
