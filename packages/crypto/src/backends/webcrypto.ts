import { base64url } from 'multiformats/bases/base64'
import { CryptoError, CryptoErrorCode } from '../errors.js'
import { createKeyCache } from './key-cache.js'
import { nobleBackend } from './noble.js'
import type { CryptoBackend } from './types.js'

/** The parameters of {@link createWebCryptoBackend}. */
export interface CreateWebCryptoBackendParameters {
  /** The WebCrypto implementation to use; `globalThis.crypto` when omitted. Tests inject one. */
  crypto?: Crypto
}

// PKCS#8 prefixes that wrap a raw 32-byte private key (RFC 8410 §7): WebCrypto imports
// Ed25519 and X25519 private keys as `pkcs8` or `jwk` only, and `jwk` wants `x` as well.
const ED25519_PKCS8 = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]
const X25519_PKCS8 = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]

type Curve = 'Ed25519' | 'X25519'

/** A view WebCrypto accepts: it refuses views of a SharedArrayBuffer, so those are copied. */
function source(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
}

/** A bounded cache of imported Ed25519 public keys, as the node backend keeps. */
const VERIFY_KEY_CACHE_SIZE = 4096

/**
 * Builds the WebCrypto backend over `c`: Ed25519 and X25519 through `c.subtle` (the
 * platform's native code), SHA-256, HMAC, HKDF and ChaCha20-Poly1305 through @noble, which
 * stay synchronous (WebCrypto has no sync API and no ChaCha20-Poly1305).
 */
function webCryptoBackend(c: Crypto): CryptoBackend & { deriveX25519: CryptoBackend['x25519'] } {
  const subtle = c.subtle

  /** Imports a raw private key, then wipes the DER copy we made of it. */
  function importPrivate(curve: Curve, raw: Uint8Array, extractable: boolean, usages: KeyUsage[]) {
    const der = new Uint8Array(48)
    der.set(curve === 'Ed25519' ? ED25519_PKCS8 : X25519_PKCS8)
    der.set(raw, 16)
    return subtle.importKey('pkcs8', der, { name: curve }, extractable, usages).finally(() => der.fill(0))
  }

  /** The raw public key of a private one, read from its JWK export (RFC 8037 §2, member x). */
  async function publicOf(curve: Curve, raw: Uint8Array): Promise<Uint8Array> {
    const usages: KeyUsage[] = curve === 'Ed25519' ? ['sign'] : ['deriveBits']
    const jwk = await subtle.exportKey('jwk', await importPrivate(curve, raw, true, usages))
    const publicKey = base64url.baseDecode(jwk.x ?? '')
    if (publicKey.length !== 32) throw new Error(`the platform exported a ${curve} JWK without a 32-byte x`)
    return publicKey
  }

  const privateKeys = createKeyCache<Promise<CryptoKey>>()
  const verifyKeys = new Map<string, Promise<CryptoKey>>()
  function verifyKey(raw: Uint8Array): Promise<CryptoKey> {
    const id = String.fromCharCode(...raw)
    let key = verifyKeys.get(id)
    if (key === undefined) {
      key = subtle.importKey('raw', source(raw).slice(), { name: 'Ed25519' }, false, ['verify'])
      key.catch(() => verifyKeys.delete(id))
      if (verifyKeys.size >= VERIFY_KEY_CACHE_SIZE)
        verifyKeys.delete(verifyKeys.keys().next().value as string)
      verifyKeys.set(id, key)
    }
    return key
  }

  async function deriveX25519(secret: Uint8Array, peer: Uint8Array): Promise<Uint8Array> {
    const [privateKey, publicKey] = await Promise.all([
      privateKeys.get('X25519', secret, () => importPrivate('X25519', secret, false, ['deriveBits'])),
      subtle.importKey('raw', source(peer).slice(), { name: 'X25519' }, false, []),
    ])
    return new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: publicKey }, privateKey, 256))
  }

  return Object.freeze({
    name: 'webcrypto' as const,
    ed25519PublicKey: (seed: Uint8Array) => publicOf('Ed25519', seed),
    ed25519Signer(seed: Uint8Array) {
      const key = privateKeys.get('Ed25519', seed, () => importPrivate('Ed25519', seed, false, ['sign']))
      // Mark the rejection handled here; a signer that is never called must not raise an
      // unhandled rejection, and one that is called still sees it.
      key.catch(() => undefined)
      return async (message: Uint8Array) =>
        new Uint8Array(await subtle.sign('Ed25519', await key, source(message)))
    },
    async ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) {
      try {
        return await subtle.verify('Ed25519', await verifyKey(publicKey), source(signature), source(message))
      } catch {
        return false
      }
    },
    x25519PublicKey: (secret: Uint8Array) => publicOf('X25519', secret),
    async x25519(secret: Uint8Array, peer: Uint8Array) {
      try {
        return await deriveX25519(secret, peer)
      } catch {
        // WebCrypto refuses to return an all-zero secret (Secure Curves, X25519 deriveBits);
        // compute the raw value portably so the caller sees what the arithmetic gives.
        return nobleBackend.x25519(secret, peer)
      }
    },
    sha256: nobleBackend.sha256,
    hmacSha256: nobleBackend.hmacSha256,
    hkdfSha256: nobleBackend.hkdfSha256,
    chacha20poly1305Seal: nobleBackend.chacha20poly1305Seal,
    chacha20poly1305Open: nobleBackend.chacha20poly1305Open,
    randomBytes: (length: number) => c.getRandomValues(new Uint8Array(length)),
    deriveX25519,
  })
}

const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
const equal = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i])

/**
 * Known answers that prove the platform really has Ed25519 and X25519, not only the names:
 * RFC 8032 §7.1 TEST 1 and RFC 7748 §6.1.
 */
async function selfTest(backend: ReturnType<typeof webCryptoBackend>): Promise<void> {
  const seed = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
  const pub = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
  const sig = hex(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  )
  const alice = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
  const alicePub = hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
  const bobPub = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
  const shared = hex('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
  const empty = new Uint8Array(0)
  const checks: [string, boolean][] = [
    ['Ed25519 public key', equal(await backend.ed25519PublicKey(seed), pub)],
    ['Ed25519 signature', equal(await backend.ed25519Signer(seed)(empty), sig)],
    ['Ed25519 verification', await backend.ed25519Verify(sig, empty, pub)],
    ['X25519 public key', equal(await backend.x25519PublicKey(alice), alicePub)],
    ['X25519 agreement', equal(await backend.deriveX25519(alice, bobPub), shared)],
  ]
  const failed = checks.filter(([, ok]) => !ok).map(([what]) => what)
  if (failed.length > 0) throw new Error(`wrong answers for ${failed.join(', ')}`)
}

/**
 * A backend on the platform's WebCrypto (`crypto.subtle`): Ed25519 and X25519 in native
 * code where the platform has them (current browsers, Deno, Node.js 20 and later), the rest
 * through @noble. Feature-detects by running known-answer tests, so a platform that only
 * names the algorithms is refused. Pass the result to `useBackend`, or let `selectBackend`
 * choose it.
 * @throws CryptoError `CRYPTO_BACKEND_UNAVAILABLE` when there is no `crypto.subtle`, or it
 *   lacks Ed25519 or X25519, or gives wrong answers.
 */
export async function createWebCryptoBackend(
  parameters: CreateWebCryptoBackendParameters = {},
): Promise<CryptoBackend> {
  const c = parameters.crypto ?? (globalThis.crypto as Crypto | undefined)
  if (c?.subtle === undefined || typeof c.getRandomValues !== 'function') {
    throw new CryptoError(
      CryptoErrorCode.BackendUnavailable,
      'WebCrypto (crypto.subtle) is not available here',
      {
        hint: "use the portable backend: useBackend('noble'), or selectBackend() to choose automatically",
      },
    )
  }
  const backend = webCryptoBackend(c)
  try {
    await selfTest(backend)
  } catch (cause) {
    throw new CryptoError(
      CryptoErrorCode.BackendUnavailable,
      'WebCrypto here does not support Ed25519 and X25519 correctly',
      {
        cause,
        ...(cause instanceof Error ? { details: cause.message } : {}),
        hint: "use the portable backend: useBackend('noble'), or selectBackend() to choose automatically",
      },
    )
  }
  const { deriveX25519: _, ...rest } = backend
  return Object.freeze(rest)
}
