// Backend selection where there is no native backend, as in a browser: '#native' resolves
// to nothing there, which this file reproduces by mocking it.
import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('#native', () => ({ nativeBackend: undefined }))

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

/** A fresh copy of the package, so each test starts from the automatic choice. */
const load = () => import('../src/index.js')

/** The code of the error `fn` throws (each fresh copy has its own CryptoError class). */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return (error as { code?: string }).code
  }
  return undefined
}

describe('backend selection without a native backend (browser)', () => {
  it('starts on the portable backend, then the first signature picks WebCrypto automatically', async () => {
    const crypto = await load()
    expect(crypto.getBackend().name).toBe('noble')
    expect([...crypto.availableBackends().keys()]).toEqual(['noble'])
    const signer = await crypto.generateSigner()
    expect(
      await crypto.ed25519Verify(await signer(new Uint8Array(1)), new Uint8Array(1), signer.publicKey),
    ).toBe(true)
    expect(crypto.getBackend().name).toBe('webcrypto')
    expect([...crypto.availableBackends().keys()]).toEqual(['webcrypto', 'noble'])
    expect(crypto.sha256(new Uint8Array(0)).length).toBe(32)
  })

  it('concurrent first operations share one probe', async () => {
    // Count exportKey calls: the probe makes 2 (an Ed25519 and an X25519 public key), and
    // each ed25519PublicKey on WebCrypto makes 1.
    const real = globalThis.crypto
    let exports = 0
    vi.stubGlobal('crypto', {
      getRandomValues: real.getRandomValues.bind(real),
      subtle: new Proxy(real.subtle, {
        get(target, property) {
          const value = Reflect.get(target, property, target)
          if (property !== 'exportKey') return typeof value === 'function' ? value.bind(target) : value
          return (...args: Parameters<SubtleCrypto['exportKey']>) => {
            exports++
            return target.exportKey(...args)
          }
        },
      }),
    })
    const crypto = await load()
    const keys = await Promise.all(
      Array.from({ length: 8 }, (_, i) => crypto.ed25519PublicKey(new Uint8Array(32).fill(i))),
    )
    expect(keys.every((k) => k.length === 32)).toBe(true)
    expect(crypto.getBackend().name).toBe('webcrypto')
    expect(exports).toBe(2 + 8)
  })

  it('stays on the portable backend where WebCrypto lacks Ed25519', async () => {
    const real = globalThis.crypto
    vi.stubGlobal('crypto', {
      getRandomValues: real.getRandomValues.bind(real),
      subtle: { importKey: () => Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError')) },
    })
    const crypto = await load()
    await crypto.x25519PublicKey(new Uint8Array(32).fill(7))
    expect(crypto.getBackend().name).toBe('noble')
    expect(codeOf(() => crypto.useBackend('webcrypto'))).toBe('CRYPTO_BACKEND_UNAVAILABLE')
  })

  it("useBackend('node') is CRYPTO_BACKEND_UNAVAILABLE, and a forced choice skips the probe", async () => {
    const crypto = await load()
    expect(codeOf(() => crypto.useBackend('node'))).toBe('CRYPTO_BACKEND_UNAVAILABLE')
    crypto.useBackend('noble')
    await crypto.ed25519PublicKey(new Uint8Array(32))
    expect(crypto.getBackend().name).toBe('noble')
    expect([...crypto.availableBackends().keys()]).toEqual(['noble'])
  })
})
