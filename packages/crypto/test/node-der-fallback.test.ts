// The node backend imports private keys as JWK and falls back to PKCS#8 DER should a
// Node.js version refuse the JWK form; this file makes it refuse and runs vectors again.
import { describe, expect, it, vi } from 'vitest'

const refused = vi.hoisted(() => ({ count: 0 }))

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>()
  const createPrivateKey: typeof original.createPrivateKey = (key) => {
    if (typeof key === 'object' && 'format' in key && key.format === 'jwk') {
      refused.count++
      throw new TypeError('JWK private keys refused (simulated)')
    }
    return original.createPrivateKey(key)
  }
  return { ...original, createPrivateKey }
})

const { availableBackends, ed25519PublicKey, ed25519Sign, useBackend, x25519SharedSecret, fromHex, toHex } =
  await import('../src/index.js')
const { RFC8032_ED25519 } = await import('./vectors/rfc8032.js')
const { RFC7748_DH } = await import('./vectors/rfc7748.js')

describe('node backend, DER fallback for private keys', () => {
  it('still gives the RFC 8032 and RFC 7748 answers', async () => {
    useBackend(availableBackends().get('node')!)
    for (const v of RFC8032_ED25519.slice(0, 3)) {
      expect(toHex(await ed25519PublicKey(fromHex(v.secretKey)))).toBe(v.publicKey)
      expect(toHex(await ed25519Sign(fromHex(v.message), fromHex(v.secretKey)))).toBe(v.signature)
    }
    const shared = await x25519SharedSecret(fromHex(RFC7748_DH.alicePrivate), fromHex(RFC7748_DH.bobPublic))
    expect(toHex(shared)).toBe(RFC7748_DH.shared)
    expect(refused.count).toBeGreaterThanOrEqual(7)
  })
})
