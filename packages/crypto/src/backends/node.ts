import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  getRandomValues,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto'
import { createKeyCache } from './key-cache.js'
import type { CryptoBackend } from './types.js'

type Curve = 'Ed25519' | 'X25519'

/**
 * A Uint8Array over a Buffer's bytes. Only for Buffers node:crypto allocated on their own:
 * small Buffers made in JavaScript share one pool, whose other bytes `.buffer` would expose.
 */
function view(b: Buffer): Uint8Array {
  return b.buffer.byteLength === b.byteLength
    ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    : new Uint8Array(b)
}

const base64url = (raw: Uint8Array): string =>
  Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url')

// DER prefixes that wrap a raw 32-byte private key as PKCS#8 (RFC 8410 §7), for the fallback.
const PKCS8: Record<Curve, string> = {
  Ed25519: '302e020100300506032b657004220420',
  X25519: '302e020100300506032b656e04220420',
}

/**
 * A private KeyObject from a raw key. Keys go in as JWK (RFC 8037 §2), not DER: OpenSSL 3
 * decodes DER through its generic decoder, about ten times slower (measured on Node.js 20:
 * some 400 µs against 45 µs for an X25519 key). Node.js derives the public key from `d`
 * itself and only checks that `x` is a string, so none is computed here; should a later
 * Node.js insist on a real `x`, the DER path takes over (a test covers both).
 */
function privateKey(crv: Curve, raw: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv, d: base64url(raw), x: '' }, format: 'jwk' })
  } catch {
    // Buffer.alloc never uses the shared pool; the KeyObject keeps its own copy, so wipe ours.
    const der = Buffer.alloc(48)
    der.write(PKCS8[crv], 'hex')
    der.set(raw, 16)
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    } finally {
      der.fill(0)
    }
  }
}

const privateKeys = createKeyCache<KeyObject>()
const cachedPrivateKey = (crv: Curve, raw: Uint8Array): KeyObject =>
  privateKeys.get(crv, raw, () => privateKey(crv, raw))

function publicKey(crv: Curve, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv, x: base64url(raw) }, format: 'jwk' })
}

function rawPublic(key: KeyObject): Uint8Array {
  const { x } = createPublicKey(key).export({ format: 'jwk' })
  return view(Buffer.from(x ?? '', 'base64url'))
}

/**
 * A bounded cache of parsed Ed25519 public keys: a gateway verifies the same device keys
 * again and again, and parsing a key costs a noticeable share of one verification.
 */
const VERIFY_KEY_CACHE_SIZE = 4096
const verifyKeys = new Map<string, KeyObject>()
function verifyKey(raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1')
  let key = verifyKeys.get(id)
  if (key === undefined) {
    key = publicKey('Ed25519', raw)
    if (verifyKeys.size >= VERIFY_KEY_CACHE_SIZE) verifyKeys.delete(verifyKeys.keys().next().value as string)
    verifyKeys.set(id, key)
  }
  return key
}

/** The native backend for Node.js: OpenSSL through node:crypto. */
export const nativeBackend: CryptoBackend | undefined = {
  name: 'node',
  async ed25519PublicKey(seed) {
    return rawPublic(cachedPrivateKey('Ed25519', seed))
  },
  ed25519Signer(seed) {
    const key = cachedPrivateKey('Ed25519', seed)
    return async (message) => view(sign(null, message, key))
  },
  async ed25519Verify(signature, message, publicKeyBytes) {
    try {
      return verify(null, message, verifyKey(publicKeyBytes), signature)
    } catch {
      return false
    }
  },
  async x25519PublicKey(secret) {
    return rawPublic(cachedPrivateKey('X25519', secret))
  },
  async x25519(secret, peer) {
    try {
      return view(
        diffieHellman({
          privateKey: cachedPrivateKey('X25519', secret),
          publicKey: publicKey('X25519', peer),
        }),
      )
    } catch {
      // OpenSSL refuses an all-zero result; report it as such and let the caller decide.
      return new Uint8Array(32)
    }
  },
  sha256: (data) => view(createHash('sha256').update(data).digest()),
  hmacSha256: (key, data) => view(createHmac('sha256', key).update(data).digest()),
  hkdfSha256: (ikm, salt, info, length) => new Uint8Array(hkdfSync('sha256', ikm, salt, info, length)),
  // Outputs are assembled in a fresh Uint8Array, never with Buffer.concat: small Buffers
  // share one pool, and a caller reading `.buffer` would see other operations' plaintexts.
  chacha20poly1305Seal(key, nonce, plaintext, aad) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    if (aad.length > 0) cipher.setAAD(aad, { plaintextLength: plaintext.length })
    const out = new Uint8Array(plaintext.length + 16)
    const body = cipher.update(plaintext)
    out.set(body)
    out.set(cipher.final(), body.length)
    out.set(cipher.getAuthTag(), plaintext.length)
    return out
  },
  chacha20poly1305Open(key, nonce, ciphertext, aad) {
    if (ciphertext.length < 16) return undefined
    const body = ciphertext.subarray(0, ciphertext.length - 16)
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    if (aad.length > 0) decipher.setAAD(aad, { plaintextLength: body.length })
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
    const plaintext = decipher.update(body)
    try {
      decipher.final()
    } catch {
      plaintext.fill(0) // unauthenticated plaintext never leaves
      return undefined
    }
    return view(plaintext)
  },
  randomBytes: (length) => getRandomValues(new Uint8Array(length)),
}
