// Differential tests: for random seeds, messages, keys and mutations, every backend gives
// the same bytes, the same verdicts and the same error codes through the public API.
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  aeadOpen,
  aeadSeal,
  availableBackends,
  type CryptoBackend,
  CryptoError,
  createWebCryptoBackend,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  fromHex,
  hkdfSha256,
  hmacSha256,
  sha256,
  toHex,
  useBackend,
  x25519PublicKey,
  x25519SharedSecret,
} from '../src/index.js'

let backends: CryptoBackend[] = []

beforeAll(async () => {
  backends = [
    availableBackends().get('node')!,
    availableBackends().get('noble')!,
    await createWebCryptoBackend(),
  ]
  return () => {
    useBackend('auto')
  }
})

/** What `fn` gives on one backend, as text: the hex of bytes, a boolean, or the error code. */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    const value = await fn()
    return value instanceof Uint8Array ? toHex(value) : String(value)
  } catch (error) {
    if (error instanceof CryptoError) return error.code
    throw error
  }
}

/** Runs `fn` on every backend and checks they agree; returns the common outcome. */
async function agreed(fn: () => unknown): Promise<string> {
  const results: string[] = []
  for (const backend of backends) {
    useBackend(backend)
    results.push(await outcome(fn))
  }
  expect(results, backends.map((b) => b.name).join(' / ')).toEqual(results.map(() => results[0]))
  return results[0]!
}

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max })
const RUNS = { numRuns: 40 }

describe('every backend gives identical results', () => {
  it('Ed25519: public key, signature and verification for random seeds and messages', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(32, 32), bytes(0, 300), async (seed, message) => {
        const publicKey = await agreed(() => ed25519PublicKey(seed))
        const signature = await agreed(() => ed25519Sign(message, seed))
        expect(await agreed(async () => ed25519Verify(fromHex(signature), message, fromHex(publicKey)))).toBe(
          'true',
        )
      }),
      RUNS,
    )
  })

  it('Ed25519: verification of randomly mutated signatures, messages and keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytes(32, 32),
        bytes(0, 100),
        fc.nat({ max: 64 * 8 - 1 }),
        fc.nat({ max: 32 * 8 - 1 }),
        async (seed, message, sigBit, keyBit) => {
          useBackend(backends[1]!)
          const signature = await ed25519Sign(message, seed)
          const publicKey = await ed25519PublicKey(seed)
          const badSignature = signature.slice()
          badSignature[sigBit >> 3]! ^= 1 << (sigBit & 7)
          const badKey = publicKey.slice()
          badKey[keyBit >> 3]! ^= 1 << (keyBit & 7)
          expect(await agreed(() => ed25519Verify(badSignature, message, publicKey))).toBe('false')
          expect(await agreed(() => ed25519Verify(signature, message, badKey))).toBe('false')
          const longer = new Uint8Array(message.length + 1)
          longer.set(message)
          expect(await agreed(() => ed25519Verify(signature, longer, publicKey))).toBe('false')
        },
      ),
      RUNS,
    )
  })

  it('Ed25519: verification of random signatures under random keys never throws and agrees', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(64, 64), bytes(0, 50), bytes(32, 32), async (signature, message, publicKey) => {
        expect(await agreed(() => ed25519Verify(signature, message, publicKey))).toBe('false')
      }),
      RUNS,
    )
  })

  it('X25519: public keys and shared secrets for random secrets and random peer values', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(32, 32), bytes(32, 32), async (secret, peer) => {
        await agreed(() => x25519PublicKey(secret))
        await agreed(() => x25519SharedSecret(secret, peer))
      }),
      RUNS,
    )
  })

  it('SHA-256, HMAC and HKDF for random inputs and lengths', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytes(0, 200),
        bytes(0, 100),
        bytes(0, 100),
        fc.integer({ min: 1, max: 600 }),
        async (ikm, salt, info, length) => {
          await agreed(() => sha256(ikm))
          await agreed(() => hmacSha256(salt, ikm))
          await agreed(() => hkdfSha256(ikm, salt, info, length))
        },
      ),
      RUNS,
    )
  })

  it('ChaCha20-Poly1305: seal, open, and open after tampering', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytes(32, 32),
        bytes(12, 12),
        bytes(0, 400),
        bytes(0, 40),
        fc.nat(),
        async (key, nonce, plaintext, aad, where) => {
          const sealed = await agreed(() => aeadSeal(key, nonce, plaintext, aad))
          const box = fromHex(sealed)
          expect(await agreed(() => aeadOpen(key, nonce, box, aad))).toBe(toHex(plaintext))
          const tampered = Uint8Array.from(box)
          tampered[where % tampered.length]! ^= 0x01
          expect(await agreed(() => aeadOpen(key, nonce, tampered, aad))).toBe('CRYPTO_DECRYPT_FAILED')
        },
      ),
      RUNS,
    )
  })
})
