// Property tests for every encode/decode pair: hex, base64url, multikey and JWK. Each
// decoder is strict: a string it accepts is exactly the one its encoder writes, and
// anything else gets a specific error code.
import { x25519 } from '@noble/curves/ed25519.js'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  base64urlDecode,
  base64urlEncode,
  CryptoError,
  decodeMultikey,
  encodeMultikey,
  fromHex,
  importJwk,
  jwkThumbprint,
  type KeyType,
  privateKeyToJwk,
  publicKeyToJwk,
  toHex,
} from '../src/index.js'

ed.hashes.sha512 = sha512

/** The code of the CryptoError `fn` throws, or undefined when it returns. */
function attempt<T>(fn: () => T): { value: T } | { code: string } {
  try {
    return { value: fn() }
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error
    return { code: error.code }
  }
}

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 })
/** A key pair of either type from a random seed (the portable code derives it synchronously). */
const keyPair = fc.tuple(seed, fc.constantFrom<KeyType>('Ed25519', 'X25519')).map(([secretKey, type]) => ({
  type,
  secretKey,
  publicKey: type === 'Ed25519' ? ed.getPublicKey(secretKey) : x25519.getPublicKey(secretKey),
}))
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const from = (alphabet: string, extra = '') =>
  fc.string({ unit: fc.constantFrom(...(alphabet + extra).split('')), maxLength: 60 })
/** 43 characters, the length of 32 bytes in base64url: many of these decode. */
const exactly43 = fc.string({ unit: fc.constantFrom(...B64URL.split('')), minLength: 43, maxLength: 43 })

describe('hex', () => {
  it('round-trips any bytes, in either case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = toHex(bytes)
        expect(text).toMatch(/^[0-9a-f]*$/)
        expect(fromHex(text)).toEqual(bytes)
        expect(fromHex(text.toUpperCase())).toEqual(bytes)
      }),
    )
  })
  it('accepts a string only when it is hex, and then only as the encoder writes it (up to case)', () => {
    fc.assert(
      fc.property(from('0123456789abcdefABCDEF', 'xg -'), (text) => {
        const result = attempt(() => fromHex(text))
        if ('code' in result) expect(result.code).toBe('CRYPTO_INVALID_ENCODING')
        else expect(toHex(result.value)).toBe(text.toLowerCase())
      }),
    )
  })
})

describe('base64url', () => {
  it('round-trips any bytes, without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = base64urlEncode(bytes)
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/)
        expect(text.length).toBe(Math.ceil((bytes.length * 4) / 3))
        expect(base64urlDecode(text)).toEqual(bytes)
      }),
    )
  })
  it('accepts exactly one spelling per byte string: no padding, no other alphabet, no stray bits', () => {
    fc.assert(
      fc.property(from(B64URL, '=+/ '), (text) => {
        const result = attempt(() => base64urlDecode(text))
        if ('code' in result) expect(result.code).toBe('CRYPTO_INVALID_ENCODING')
        else expect(base64urlEncode(result.value)).toBe(text)
      }),
    )
  })
})

describe('multikey', () => {
  it('round-trips every key of both types, with the did:key prefixes', () => {
    fc.assert(
      fc.property(keyPair, ({ type, publicKey }) => {
        const multikey = encodeMultikey(publicKey, type)
        expect(multikey.startsWith(type === 'Ed25519' ? 'z6Mk' : 'z6LS')).toBe(true)
        expect(decodeMultikey(multikey)).toEqual({ type, publicKey })
        expect(decodeMultikey(multikey, type)).toEqual({ type, publicKey })
      }),
      { numRuns: 50 },
    )
  })
  it('accepts a string only when it decodes to a valid key, and then only as the encoder writes it', () => {
    const codes = [
      'CRYPTO_INVALID_MULTIBASE',
      'CRYPTO_INVALID_MULTICODEC',
      'CRYPTO_INVALID_LENGTH',
      'CRYPTO_INVALID_KEY',
    ]
    const mutated = fc
      .tuple(keyPair, fc.nat(), fc.constantFrom(...B58.split('')))
      .map(([{ type, publicKey }, at, c]) => {
        const multikey = encodeMultikey(publicKey, type)
        const i = 1 + (at % (multikey.length - 1))
        return multikey.slice(0, i) + c + multikey.slice(i + 1)
      })
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          from(B58, '0OIl').map((s) => `z${s}`),
        ),
        (text) => {
          const result = attempt(() => decodeMultikey(text))
          if ('code' in result) expect(codes).toContain(result.code)
          else expect(encodeMultikey(result.value.publicKey, result.value.type)).toBe(text)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('JWK', () => {
  it('round-trips public and private JWKs of both curves; the thumbprint ignores other members', () => {
    fc.assert(
      fc.property(keyPair, fc.string({ maxLength: 20 }), ({ type, secretKey, publicKey }, kid) => {
        const jwk = publicKeyToJwk(publicKey, type)
        expect(importJwk(jwk)).toEqual({ crv: type, publicKey })
        expect(importJwk(JSON.parse(JSON.stringify(jwk)), type)).toEqual({ crv: type, publicKey })
        const privateJwk = privateKeyToJwk(secretKey, publicKey, type)
        expect(importJwk(privateJwk)).toEqual({ crv: type, publicKey, secretKey })
        expect(jwkThumbprint({ ...jwk, kid })).toBe(jwkThumbprint(jwk))
        expect(jwkThumbprint(privateJwk)).toBe(jwkThumbprint(jwk))
      }),
      { numRuns: 50 },
    )
  })
  it('accepts an x member only when it is the encoder’s spelling of a valid key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<KeyType>('Ed25519', 'X25519'),
        fc.oneof(exactly43, from(B64URL, '=+/')),
        (crv, x) => {
          const result = attempt(() => importJwk({ kty: 'OKP', crv, x }))
          if ('code' in result) expect(['CRYPTO_INVALID_JWK', 'CRYPTO_INVALID_KEY']).toContain(result.code)
          else expect(publicKeyToJwk(result.value.publicKey, crv).x).toBe(x)
        },
      ),
      { numRuns: 200 },
    )
  })
})
