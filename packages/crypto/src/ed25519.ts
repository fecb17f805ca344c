import { activeBackend } from './backend.js'
import { bytesOf } from './bytes.js'
import { CryptoError, CryptoErrorCode } from './errors.js'
import { isEd25519Point, isNonCanonicalFieldElement, isSmallOrderEd25519 } from './points.js'
import { randomBytes } from './random.js'

/** The size of an Ed25519 public key in bytes (RFC 8032 §5.1.5). */
export const ED25519_PUBLIC_KEY_LENGTH = 32
/** The size of an Ed25519 seed, the private key, in bytes (RFC 8032 §5.1.5). */
export const ED25519_SEED_LENGTH = 32
/** The size of an Ed25519 signature in bytes: R then S, 32 bytes each (RFC 8032 §5.1.6). */
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

/** True when a 32-byte point encoding breaks the encoding rules: y ≥ p, or small order. */
function isRejectedPoint(bytes: Uint8Array): boolean {
  return isNonCanonicalFieldElement(bytes) || isSmallOrderEd25519(bytes)
}

/**
 * Checks that `publicKey` is an acceptable Ed25519 public key and returns it: 32 bytes, a
 * canonical encoding (y < p), a point on the curve, not of small order.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH` for anything but 32
 *   bytes; `CRYPTO_INVALID_KEY` for a non-canonical encoding, a point that is not on the
 *   curve, or a point of small order.
 */
export function assertEd25519PublicKey(publicKey: Uint8Array, name = 'publicKey'): Uint8Array {
  bytesOf(publicKey, ED25519_PUBLIC_KEY_LENGTH, name)
  const id = keyId(publicKey)
  if (validKeys.has(id)) return publicKey
  const problem = isNonCanonicalFieldElement(publicKey)
    ? 'its y-coordinate is not reduced modulo p (non-canonical encoding)'
    : isSmallOrderEd25519(publicKey)
      ? 'it is a point of small order'
      : !isEd25519Point(publicKey)
        ? 'it is not a point on the curve'
        : undefined
  if (problem !== undefined) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, `${name} is not a valid Ed25519 public key: ${problem}`)
  }
  rememberValidKey(id)
  return publicKey
}

function rememberValidKey(id: string): void {
  if (validKeys.has(id)) return
  if (validKeys.size >= VALID_KEY_CACHE_SIZE) validKeys.delete(validKeys.keys().next().value as string)
  validKeys.add(id)
}

/**
 * Keys that passed the check recently. The on-curve test decompresses the point (a field
 * square root, about 100 µs in JavaScript), and the same key is checked again and again:
 * when an operation is decoded, when its DID document encodes the key as a Multikey, and
 * for a manufacturer's key shared by its whole fleet. Only keys that passed are kept, in
 * insertion order, at most {@link VALID_KEY_CACHE_SIZE}; a key never leaves the set it was
 * checked against, so a hit is exactly as good as a new check.
 */
export const VALID_KEY_CACHE_SIZE = 1024
const validKeys = /* @__PURE__ */ new Set<string>()

function keyId(publicKey: Uint8Array): string {
  let s = ''
  for (let i = 0; i < 32; i++) s += String.fromCharCode(publicKey[i]!)
  return s
}

/** Forgets every cached validation, and tells how many there were (for tests). */
export function clearValidatedKeys(): number {
  const size = validKeys.size
  validKeys.clear()
  return size
}

/** A new random 32-byte Ed25519 seed (the RFC 8032 private key). */
export function generateEd25519Seed(): Uint8Array {
  return randomBytes(ED25519_SEED_LENGTH)
}

/**
 * The Ed25519 public key of a 32-byte seed (RFC 8032 §5.1.5).
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH`.
 */
export async function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  bytesOf(seed, ED25519_SEED_LENGTH, 'seed')
  return (await activeBackend()).ed25519PublicKey(seed)
}

/**
 * Signs `message` with a 32-byte seed (RFC 8032 §5.1.6). Prefer a {@link Signer}, which keeps
 * the seed out of reach.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH`.
 */
export async function ed25519Sign(message: Uint8Array, seed: Uint8Array): Promise<Uint8Array> {
  bytesOf(message, undefined, 'message')
  bytesOf(seed, ED25519_SEED_LENGTH, 'seed')
  return (await activeBackend()).ed25519Signer(seed)(message)
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
  // RFC 8032 §5.1.7 step 1 and our stricter rules, checked here so every backend agrees.
  if (!isCanonicalScalar(signature.subarray(32))) return false
  if (isRejectedPoint(publicKey) || isRejectedPoint(signature.subarray(0, 32))) return false
  const valid = await (await activeBackend()).ed25519Verify(signature, message, publicKey)
  // Every backend decodes A to verify (RFC 8032 §5.1.7 step 1) and fails for a point off the
  // curve, so a key that verified a signature is a valid key: remember it.
  if (valid) rememberValidKey(keyId(publicKey))
  return valid
}

/**
 * Checks only the encoding of an Ed25519 public key: 32 bytes, canonical (y < p), not of
 * small order; not whether it is on the curve, which costs a point decompression. For a key
 * whose signature is verified next (the verification decodes the point and fails for one off
 * the curve), this is the whole check at a fraction of the cost.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH` for anything but 32
 *   bytes; `CRYPTO_INVALID_KEY` for a non-canonical encoding or a point of small order.
 */
export function assertEd25519Encoding(publicKey: Uint8Array, name = 'publicKey'): Uint8Array {
  bytesOf(publicKey, ED25519_PUBLIC_KEY_LENGTH, name)
  const problem = isNonCanonicalFieldElement(publicKey)
    ? 'its y-coordinate is not reduced modulo p (non-canonical encoding)'
    : isSmallOrderEd25519(publicKey)
      ? 'it is a point of small order'
      : undefined
  if (problem !== undefined) {
    throw new CryptoError(CryptoErrorCode.InvalidKey, `${name} is not a valid Ed25519 public key: ${problem}`)
  }
  return publicKey
}
