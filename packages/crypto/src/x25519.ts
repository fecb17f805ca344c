import { activeBackend } from './backend.js'
import { bytesOf } from './bytes.js'
import { CryptoError, CryptoErrorCode } from './errors.js'
import { isLowOrderX25519 } from './points.js'
import { randomBytes } from './random.js'

/** The size of an X25519 secret key, public key and shared secret in bytes (RFC 7748 §5). */
export const X25519_KEY_LENGTH = 32

/** An X25519 key pair, as {@link generateX25519KeyPair} makes it. */
export interface X25519KeyPair {
  /** The 32-byte public key, to send to the peer. */
  readonly publicKey: Uint8Array
  /** The 32-byte secret key: random bytes, clamped when used (RFC 7748 §5). Keep it private. */
  readonly secretKey: Uint8Array
}

/**
 * Checks that `publicKey` is an acceptable X25519 public key and returns it.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH`; `CRYPTO_INVALID_KEY`
 *   for a point of low order (RFC 7748 §6.1, https://cr.yp.to/ecdh.html#validate).
 */
export function assertX25519PublicKey(publicKey: Uint8Array, name = 'publicKey'): Uint8Array {
  bytesOf(publicKey, X25519_KEY_LENGTH, name)
  if (isLowOrderX25519(publicKey)) {
    throw new CryptoError(
      CryptoErrorCode.InvalidKey,
      `${name} is not a valid X25519 public key: it is a point of low order`,
    )
  }
  return publicKey
}

/** A new random X25519 key pair (RFC 7748 §6.1). */
export async function generateX25519KeyPair(): Promise<X25519KeyPair> {
  const secretKey = randomBytes(X25519_KEY_LENGTH)
  return { publicKey: await (await activeBackend()).x25519PublicKey(secretKey), secretKey }
}

/**
 * The X25519 public key of a 32-byte secret key (RFC 7748 §6.1).
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH`.
 */
export async function x25519PublicKey(secretKey: Uint8Array): Promise<Uint8Array> {
  bytesOf(secretKey, X25519_KEY_LENGTH, 'secretKey')
  return (await activeBackend()).x25519PublicKey(secretKey)
}

/**
 * The X25519 shared secret of our secret key and a peer's public key (RFC 7748 §6.1).
 * Low-order peer keys are refused before any computation, and an all-zero result is refused
 * after it, as RFC 7748 §6.1 recommends.
 * @throws CryptoError `CRYPTO_INVALID_KEY` for a low-order peer key,
 *   `CRYPTO_WEAK_SHARED_SECRET` for an all-zero result, `CRYPTO_INVALID_TYPE` /
 *   `CRYPTO_INVALID_LENGTH` for malformed arguments.
 */
export async function x25519SharedSecret(
  secretKey: Uint8Array,
  peerPublicKey: Uint8Array,
): Promise<Uint8Array> {
  bytesOf(secretKey, X25519_KEY_LENGTH, 'secretKey')
  assertX25519PublicKey(peerPublicKey, 'peerPublicKey')
  const shared = await (await activeBackend()).x25519(secretKey, peerPublicKey)
  // RFC 7748 §6.1: check for the all-zero value and abort. The blocklist above already
  // refuses every input that yields it; this check holds even if a backend disagrees.
  let acc = 0
  for (const b of shared) acc |= b
  if (acc === 0) {
    throw new CryptoError(CryptoErrorCode.WeakSharedSecret, 'the X25519 shared secret is all zero', {
      hint: 'the peer sent a low-order public key; abort the exchange',
    })
  }
  return shared
}
