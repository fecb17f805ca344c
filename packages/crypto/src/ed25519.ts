import { getBackend } from './backend.js'
import { bytesOf } from './bytes.js'
import { CryptoError, CryptoErrorCode } from './errors.js'
import { isNonCanonicalFieldElement, isSmallOrderEd25519 } from './points.js'
import { randomBytes } from './random.js'

export const ED25519_PUBLIC_KEY_LENGTH = 32
export const ED25519_SEED_LENGTH = 32
export const ED25519_SIGNATURE_LENGTH = 64

/** L, the order of the prime-order subgroup, little-endian (RFC 8032 §5.1). */
const L_LE = /* @__PURE__ */ Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
])

/** True when the little-endian scalar in `s` is below L (RFC 8032 §5.1.7: S must be canonical). */
export function isCanonicalScalar(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[i]! < L_LE[i]!) return true
    if (s[i]! > L_LE[i]!) return false
  }
  return false // equal to L
}

/** Why a 32-byte string is not an acceptable Ed25519 public key, or undefined if it is. */
export function ed25519PublicKeyProblem(publicKey: Uint8Array): string | undefined {
  if (isNonCanonicalFieldElement(publicKey))
    return 'its y-coordinate is not reduced modulo p (non-canonical encoding)'
  if (isSmallOrderEd25519(publicKey)) return 'it is a point of small order'
  return undefined
}

/**
 * Checks that `publicKey` is an acceptable Ed25519 public key and returns it.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH` for anything but 32
 *   bytes; `CRYPTO_INVALID_KEY` for a non-canonical encoding or a point of small order.
 */
export function assertEd25519PublicKey(publicKey: Uint8Array, name = 'publicKey'): Uint8Array {
  bytesOf(publicKey, ED25519_PUBLIC_KEY_LENGTH, name)
  const problem = ed25519PublicKeyProblem(publicKey)
  if (problem !== undefined) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, `${name} is not a valid Ed25519 public key: ${problem}`)
  }
  return publicKey
}

/** A new random 32-byte Ed25519 seed (the RFC 8032 private key). */
export function generateEd25519Seed(): Uint8Array {
  return randomBytes(ED25519_SEED_LENGTH)
}

/**
 * The Ed25519 public key of a 32-byte seed (RFC 8032 §5.1.5).
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH`.
 */
export function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  return getBackend().ed25519PublicKey(bytesOf(seed, ED25519_SEED_LENGTH, 'seed'))
}

/**
 * Signs `message` with a 32-byte seed (RFC 8032 §5.1.6). Prefer a {@link Signer}, which keeps
 * the seed out of reach.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH`.
 */
export function ed25519Sign(message: Uint8Array, seed: Uint8Array): Promise<Uint8Array> {
  bytesOf(message, undefined, 'message')
  return getBackend().ed25519Signer(bytesOf(seed, ED25519_SEED_LENGTH, 'seed'))(message)
}

/**
 * Verifies an Ed25519 signature (RFC 8032 §5.1.7) under strict rules that every backend
 * applies identically (docs/crypto.md, "Verification rules"):
 * S must be below L; A and R must be canonical encodings and not of small order; the
 * equation is the cofactorless [S]B = R + [k]A. Returns false for any signature that breaks
 * a rule or does not verify.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH` only for arguments of
 *   the wrong type or length (a signature that is not 64 bytes, a key that is not 32).
 */
export async function ed25519Verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  bytesOf(signature, ED25519_SIGNATURE_LENGTH, 'signature')
  bytesOf(message, undefined, 'message')
  bytesOf(publicKey, ED25519_PUBLIC_KEY_LENGTH, 'publicKey')
  if (!isCanonicalScalar(signature.subarray(32))) return false
  if (ed25519PublicKeyProblem(publicKey) !== undefined) return false
  const r = signature.subarray(0, 32)
  if (isNonCanonicalFieldElement(r) || isSmallOrderEd25519(r)) return false
  return getBackend().ed25519Verify(signature, message, publicKey)
}
