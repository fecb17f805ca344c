import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { x25519 } from '@noble/curves/ed25519.js'
import * as ed from '@noble/ed25519'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import type { CryptoBackend } from './types.js'

let hashesSet = false
/**
 * @noble/ed25519, ready to sign: it needs a SHA-512, set on first use rather than at import
 * time so that a bundler can drop the module when it is not used.
 */
export function nobleEd25519(): typeof ed {
  if (!hashesSet) {
    ed.hashes.sha512 = sha512
    hashesSet = true
  }
  return ed
}

/**
 * The portable backend: pure JavaScript (@noble), no Node built-in, loads in any browser
 * bundle. Ed25519 verification uses RFC 8032 strict decoding (`zip215: false`).
 */
export const nobleBackend: CryptoBackend = {
  name: 'noble',
  async ed25519PublicKey(seed) {
    return nobleEd25519().getPublicKey(seed)
  },
  ed25519Signer(seed) {
    const key = seed.slice()
    return async (message) => nobleEd25519().sign(message, key)
  },
  async ed25519Verify(signature, message, publicKey) {
    return verifyCofactorless(signature, message, publicKey)
  },
  async x25519PublicKey(secret) {
    return x25519.getPublicKey(secret)
  },
  async x25519(secret, publicKey) {
    return x25519ScalarMult(secret, publicKey)
  },
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
  chacha20poly1305Seal: (key, nonce, plaintext, aad) => chacha20poly1305(key, nonce, aad).encrypt(plaintext),
  chacha20poly1305Open(key, nonce, ciphertext, aad) {
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(ciphertext)
    } catch {
      return undefined
    }
  },
  randomBytes: (length) => randomBytes(length),
}

/** The order of the prime-order subgroup, 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
const L = 7237005577332262213973186563042994240857116359379907606001950938285454250989n

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return n
}

/**
 * RFC 8032 §5.1.7 with the cofactorless equation [S]B = R + [k]A, the one OpenSSL (and so
 * the native backends) use. @noble/ed25519's own verify checks the cofactored equation,
 * which accepts some crafted signatures whose R or A has a torsion component; composing
 * the check from noble's point arithmetic keeps every backend's answer identical.
 */
function verifyCofactorless(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const { Point } = nobleEd25519()
  try {
    const rBytes = signature.subarray(0, 32)
    const s = littleEndianToBigInt(signature.subarray(32, 64))
    if (s >= L) return false // RFC 8032 §5.1.7 step 1: S must be canonical
    const A = Point.fromBytes(publicKey, false) // strict: y < p
    const R = Point.fromBytes(rBytes, false)
    const k = littleEndianToBigInt(sha512(concat3(rBytes, publicKey, message))) % L
    return Point.BASE.multiply(s, false).equals(R.add(A.multiply(k, false)))
  } catch {
    return false
  }
}

function concat3(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length + c.length)
  out.set(a, 0)
  out.set(b, a.length)
  out.set(c, a.length + b.length)
  return out
}

/** noble's getSharedSecret throws on an all-zero result; we return it so the caller decides. */
function x25519ScalarMult(secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    return x25519.scalarMult(secret, publicKey)
  } catch {
    return new Uint8Array(32)
  }
}
