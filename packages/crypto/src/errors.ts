/** What a {@link MarqueError} carries beside its code and message. */
export interface MarqueErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown
  /** More context on what was wrong (never secret material). */
  details?: string
  /** How to fix it. */
  hint?: string
}

/**
 * The base class of every error Marque throws: each package throws its own subclass
 * ({@link CryptoError}, `LedgerError`, …). `code` is stable and safe to branch on (not the
 * message); `message` is short and says what went wrong; `details` and `hint` add context and
 * what to do. Messages never carry secret material (keys, seeds, plaintexts): only lengths,
 * names and public values.
 */
export class MarqueError extends Error {
  /** `MarqueError`; each subclass sets its own class name. */
  override name = 'MarqueError'
  /**
   * A stable, machine-readable code, prefixed by the package that throws it
   * (`CRYPTO_INVALID_LENGTH`, `DID_NOT_FOUND`, `HANDSHAKE_TIMEOUT`…); each package lists its
   * codes beside its error class.
   */
  readonly code: string
  /** More context on what was wrong (never secret material); undefined when there is none. */
  readonly details: string | undefined
  /** How to fix it; undefined when there is no advice to give. */
  readonly hint: string | undefined

  /** An error with a stable `code`, a short `message`, and the cause, details and hint of `options`. */
  constructor(code: string, message: string, options: MarqueErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details
    this.hint = options.hint
  }
}

/** Every code the crypto package throws. */
export const CryptoErrorCode = {
  /** An argument had the wrong type (for example a string where bytes were expected). */
  InvalidType: 'CRYPTO_INVALID_TYPE',
  /** An argument had the wrong length or was out of range. */
  InvalidLength: 'CRYPTO_INVALID_LENGTH',
  /** A public key is not acceptable: non-canonical, small order, or otherwise invalid. */
  InvalidKey: 'CRYPTO_INVALID_KEY',
  /** X25519 produced (or would produce) an all-zero shared secret: a low-order peer key. */
  WeakSharedSecret: 'CRYPTO_WEAK_SHARED_SECRET',
  /** AEAD decryption failed: wrong key, nonce or associated data, or tampered ciphertext. */
  DecryptFailed: 'CRYPTO_DECRYPT_FAILED',
  /** Text is not valid in its encoding: hex with a non-hex digit or an odd length, base64url
   * with padding, another alphabet or non-zero trailing bits. */
  InvalidEncoding: 'CRYPTO_INVALID_ENCODING',
  /** A multibase string does not use the expected base (`z`, base58btc). */
  InvalidMultibase: 'CRYPTO_INVALID_MULTIBASE',
  /** A multicodec prefix does not name the expected key type. */
  InvalidMulticodec: 'CRYPTO_INVALID_MULTICODEC',
  /** A JWK is malformed or names an unsupported key type or curve. */
  InvalidJwk: 'CRYPTO_INVALID_JWK',
  /** The requested backend is not available on this platform. */
  BackendUnavailable: 'CRYPTO_BACKEND_UNAVAILABLE',
  /** A signer cannot export its secret key (it is not an in-memory signer). */
  NotExportable: 'CRYPTO_NOT_EXPORTABLE',
  /** The secure random source failed or is missing. */
  RandomUnavailable: 'CRYPTO_RANDOM_UNAVAILABLE',
} as const
export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode]

/** Thrown by the crypto package; `code` is one of {@link CryptoErrorCode}. */
export class CryptoError extends MarqueError {
  /** `CryptoError`. */
  override name = 'CryptoError'
  declare readonly code: CryptoErrorCode
  /** A crypto error with one of the {@link CryptoErrorCode} codes. */
  constructor(code: CryptoErrorCode, message: string, options?: MarqueErrorOptions) {
    super(code, message, options)
  }
}
