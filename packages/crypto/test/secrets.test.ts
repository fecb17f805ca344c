// No secret in an error, a log line or the printable forms of a Signer: for each secret we
// look for its hex, its base64url and its base58 anywhere in what a caller could print.
import { inspect } from 'node:util'
import { base58btc } from 'multiformats/bases/base58'
import { describe, expect, it } from 'vitest'
import {
  aeadOpen,
  aeadSeal,
  base64urlDecode,
  base64urlEncode,
  CryptoError,
  createSigner,
  exportSecretKey,
  fromHex,
  generateSigner,
  importJwk,
  privateKeyToJwk,
  randomBytes,
  type Signer,
  toHex,
  withKeyId,
} from '../src/index.js'

/** Every printable form of `value`, joined. */
function printed(value: unknown): string {
  const forms = [String(value), inspect(value, { showHidden: true, depth: 10, getters: true })]
  try {
    forms.push(JSON.stringify(value) ?? '')
  } catch {}
  if (value instanceof Error) {
    const e = value as CryptoError
    forms.push(e.message, e.stack ?? '', String(e.details), String(e.hint), inspect(e.cause, { depth: 10 }))
  }
  return forms.join('\n')
}

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

function expectNoSecret(text: string, secret: Uint8Array): void {
  for (const form of [
    toHex(secret),
    toHex(secret).toUpperCase(),
    base64urlEncode(secret),
    base58btc.baseEncode(secret),
  ]) {
    // Long enough that a match cannot be chance; a secret also must not appear in part.
    expect(text).not.toContain(form.slice(0, 16))
    expect(text).not.toContain(form.slice(-16))
  }
}

describe('secrets stay out of printable forms', () => {
  it('a Signer prints, serializes and inspects as its public parts only', async () => {
    const signer = await generateSigner()
    const secret = exportSecretKey(signer)
    for (const s of [signer, withKeyId(signer, 'did:marque:x#k')]) {
      const text = [
        printed(s),
        printed({ signer: s }),
        Object.keys(s).join(','),
        printed(Object.entries(s)),
      ].join('\n')
      expectNoSecret(text, secret)
      expect(String(s)).toBe(`Signer(Ed25519, ${s.keyId})`)
      expect(JSON.parse(JSON.stringify(s))).toEqual({
        keyId: s.keyId,
        algorithm: 'Ed25519',
        publicKeyMultibase: signer.keyId, // the multikey: the default key id
      })
    }
  })

  it('errors about secret-bearing arguments never quote them', async () => {
    const seed = randomBytes(32)
    const signer = await createSigner({ secretKey: seed })
    const d = base64urlEncode(seed)
    const x = base64urlEncode(signer.publicKey)
    const other = await generateSigner()
    const errors: unknown[] = [
      // a private JWK with each kind of malformed d
      thrown(() => importJwk({ kty: 'OKP', crv: 'Ed25519', x, d: `${d}=` })),
      thrown(() => importJwk({ kty: 'OKP', crv: 'Ed25519', x, d: d.replace(/[A-Z]/, '+') })),
      thrown(() => importJwk({ kty: 'OKP', crv: 'Ed25519', x, d: d.slice(0, -3) })),
      thrown(() => importJwk({ kty: 'OKP', crv: 'Ed25519', x, d: `${d.slice(0, -1)}/` })),
      thrown(() => base64urlDecode(`${d}!`, 'seed')),
      thrown(() => fromHex(`${toHex(seed)}z`)),
      thrown(() => fromHex(`${toHex(seed)}0`)),
      // a mismatched key pair
      thrown(() => privateKeyToJwk(seed, other.publicKey)),
    ]
    // AEAD: the key and the plaintext are secrets.
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    const plaintext = randomBytes(64)
    const sealed = aeadSeal(key, nonce, plaintext)
    sealed[0]! ^= 1
    errors.push(thrown(() => aeadOpen(key, nonce, sealed)))
    for (const error of errors) {
      expect(error).toBeInstanceOf(CryptoError)
      const text = printed(error)
      expectNoSecret(text, seed)
      expectNoSecret(text, key)
      expectNoSecret(text, plaintext)
    }
  })

  it('a failed open returns no plaintext and leaves no partial output behind', () => {
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    const sealed = aeadSeal(key, nonce, randomBytes(100))
    sealed[sealed.length - 1]! ^= 1
    expect(() => aeadOpen(key, nonce, sealed)).toThrow(CryptoError)
  })

  it('outputs do not share memory with other operations (a .buffer of its own)', async () => {
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    for (const length of [0, 1, 100, 1000]) {
      const sealed = aeadSeal(key, nonce, randomBytes(length))
      expect(sealed.buffer.byteLength).toBe(sealed.length)
      const opened = aeadOpen(key, nonce, sealed)
      expect(opened.byteOffset + opened.length).toBeLessThanOrEqual(opened.buffer.byteLength)
      expect(opened.buffer.byteLength).toBe(length)
    }
    const signer: Signer = await generateSigner()
    expect(exportSecretKey(signer).buffer.byteLength).toBe(32)
  })
})
