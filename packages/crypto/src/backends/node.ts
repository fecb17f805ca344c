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
import type { CryptoBackend } from './types.js'

// DER prefixes that wrap a raw 32-byte key as PKCS#8 / SPKI (RFC 8410 §7 and §4).
const ED25519_PKCS8 = /* @__PURE__ */ Buffer.from('302e020100300506032b657004220420', 'hex')
const ED25519_SPKI = /* @__PURE__ */ Buffer.from('302a300506032b6570032100', 'hex')
const X25519_PKCS8 = /* @__PURE__ */ Buffer.from('302e020100300506032b656e04220420', 'hex')
const X25519_SPKI = /* @__PURE__ */ Buffer.from('302a300506032b656e032100', 'hex')

/**
 * A Uint8Array over a Buffer's bytes. Only for Buffers node:crypto allocated on their own:
 * small Buffers made in JavaScript share one pool, whose other bytes `.buffer` would expose.
 */
function view(b: Buffer): Uint8Array {
  return b.buffer.byteLength === b.byteLength
    ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    : new Uint8Array(b)
}

/** DER of prefix || raw in a Buffer of its own (Buffer.alloc never uses the shared pool). */
function der(prefix: Buffer, raw: Uint8Array): Buffer {
  const out = Buffer.alloc(prefix.length + raw.length)
  out.set(prefix)
  out.set(raw, prefix.length)
  return out
}

function privateKey(prefix: Buffer, raw: Uint8Array): KeyObject {
  const key = der(prefix, raw)
  try {
    return createPrivateKey({ key, format: 'der', type: 'pkcs8' })
  } finally {
    key.fill(0) // the KeyObject holds its own copy; wipe ours
  }
}
function publicKey(prefix: Buffer, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: der(prefix, raw), format: 'der', type: 'spki' })
}
function rawPublic(key: KeyObject): Uint8Array {
  return view(key.export({ format: 'der', type: 'spki' })).slice(12)
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
    key = publicKey(ED25519_SPKI, raw)
    if (verifyKeys.size >= VERIFY_KEY_CACHE_SIZE) verifyKeys.delete(verifyKeys.keys().next().value as string)
    verifyKeys.set(id, key)
  }
  return key
}

/** The native backend for Node.js: OpenSSL through node:crypto. */
export const nativeBackend: CryptoBackend | undefined = {
  name: 'node',
  async ed25519PublicKey(seed) {
    return rawPublic(createPublicKey(privateKey(ED25519_PKCS8, seed)))
  },
  ed25519Signer(seed) {
    const key = privateKey(ED25519_PKCS8, seed)
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
    return rawPublic(createPublicKey(privateKey(X25519_PKCS8, secret)))
  },
  async x25519(secret, peer) {
    try {
      return view(
        diffieHellman({
          privateKey: privateKey(X25519_PKCS8, secret),
          publicKey: publicKey(X25519_SPKI, peer),
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
    cipher.setAAD(aad, { plaintextLength: plaintext.length })
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
    decipher.setAAD(aad, { plaintextLength: body.length })
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
