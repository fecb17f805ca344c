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

const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

function privateKey(prefix: Buffer, raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'pkcs8' })
}
function publicKey(prefix: Buffer, raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([prefix, raw]), format: 'der', type: 'spki' })
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
  chacha20poly1305Seal(key, nonce, plaintext, aad) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    cipher.setAAD(aad, { plaintextLength: plaintext.length })
    return view(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]))
  },
  chacha20poly1305Open(key, nonce, ciphertext, aad) {
    if (ciphertext.length < 16) return undefined
    const body = ciphertext.subarray(0, ciphertext.length - 16)
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
    decipher.setAAD(aad, { plaintextLength: body.length })
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
    try {
      return view(Buffer.concat([decipher.update(body), decipher.final()]))
    } catch {
      return undefined
    }
  },
  randomBytes: (length) => getRandomValues(new Uint8Array(length)),
}
