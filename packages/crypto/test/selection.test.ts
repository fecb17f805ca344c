// Backend selection under Node.js: native by default, forcible, and WebCrypto on request.
import { afterEach, describe, expect, it } from 'vitest'
import {
  availableBackends,
  createWebCryptoBackend,
  ed25519Sign,
  getBackend,
  selectBackend,
  useBackend,
} from '../src/index.js'
import { hex, toHex } from './helpers.js'
import { RFC8032_ED25519 } from './vectors/rfc8032.js'

afterEach(() => {
  useBackend('auto')
})

const v = RFC8032_ED25519[1]!

describe('backend selection under Node.js', () => {
  it('uses the native backend by default, and lists node and noble', () => {
    expect(getBackend().name).toBe('node')
    expect([...availableBackends().keys()]).toEqual(['node', 'noble'])
  })

  it('useBackend forces a backend until useBackend("auto")', async () => {
    expect(useBackend('noble').name).toBe('noble')
    expect(getBackend().name).toBe('noble')
    expect(toHex(await ed25519Sign(hex(v.message), hex(v.secretKey)))).toBe(v.signature)
    expect(useBackend('auto').name).toBe('node')
    expect(getBackend().name).toBe('node')
  })

  it('selectBackend picks the first that works, and registers WebCrypto once probed', async () => {
    expect((await selectBackend()).name).toBe('node')
    expect((await selectBackend({ prefer: ['webcrypto', 'noble'] })).name).toBe('webcrypto')
    expect(getBackend().name).toBe('webcrypto')
    expect([...availableBackends().keys()]).toEqual(['node', 'webcrypto', 'noble'])
    expect(useBackend('webcrypto').name).toBe('webcrypto')
    expect((await selectBackend({ prefer: ['noble', 'node'] })).name).toBe('noble')
  })

  it('falls back along the list when WebCrypto lacks Ed25519', async () => {
    const crypto = { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) } as Crypto
    expect((await selectBackend({ prefer: ['webcrypto', 'noble'], crypto })).name).toBe('noble')
  })

  it('a choice forced while a probe runs wins over the probe', async () => {
    const probe = selectBackend({ prefer: ['webcrypto'] })
    useBackend('noble')
    expect((await probe).name).toBe('webcrypto')
    expect(getBackend().name).toBe('noble')
  })

  it('useBackend(object) registers a WebCrypto backend made by the caller', async () => {
    const backend = await createWebCryptoBackend()
    expect(useBackend(backend)).toBe(backend)
    expect(availableBackends().get('webcrypto')).toBe(backend)
  })
})
