/**
 * What a crypto backend provides. Every backend passes the same compliance suite
 * (`test/compliance.ts`); the public functions in this package add argument checks and the
 * verification rules (see docs/crypto.md) on top, so backends only do the arithmetic.
 *
 * Signatures and agreement are async so a backend can use WebCrypto; hashing, HKDF and
 * AEAD are sync because every backend we ship has a sync path for them.
 */
export interface CryptoBackend {
  /** `node` (node:crypto), `webcrypto` (globalThis.crypto.subtle) or `noble` (portable). */
  readonly name: BackendName
  /** Ed25519 public key from a 32-byte seed (RFC 8032 §5.1.5). */
  ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array>
  /** A signing function bound to a seed, so backends can prepare the key once. */
  ed25519Signer(seed: Uint8Array): (message: Uint8Array) => Promise<Uint8Array>
  /**
   * RFC 8032 §5.1.7 verification of well-formed inputs. The caller has already rejected
   * non-canonical S, non-canonical and small-order keys and R; the backend must not throw
   * for any 64-byte signature and 32-byte key: it returns false.
   */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>
  /** X25519 public key from a 32-byte secret (RFC 7748 §6.1). */
  x25519PublicKey(secret: Uint8Array): Promise<Uint8Array>
  /** Raw X25519 output (RFC 7748 §5); may be all zero, the caller checks. */
  x25519(secret: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>
  /** SHA-256 (FIPS 180-4) of `data`: 32 bytes. */
  sha256(data: Uint8Array): Uint8Array
  /** HMAC-SHA-256 (RFC 2104) of `data` under `key`: 32 bytes. */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array
  /** RFC 5869 HKDF-SHA-256. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array
  /** RFC 8439 AEAD: returns ciphertext || 16-byte tag. */
  chacha20poly1305Seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array
  /** RFC 8439 AEAD: returns the plaintext, or undefined when the tag does not verify. */
  chacha20poly1305Open(
    key: Uint8Array,
    nonce: Uint8Array,
    ciphertext: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array | undefined
  /**
   * `length` bytes from the platform's secure random source; throws when there is none. The
   * caller has already checked `length`.
   */
  randomBytes(length: number): Uint8Array
}

/**
 * The name of a backend: `node` (node:crypto, only under Node.js), `webcrypto`
 * (globalThis.crypto.subtle, where it has Ed25519 and X25519) or `noble` (portable, everywhere).
 */
export type BackendName = 'node' | 'webcrypto' | 'noble'
