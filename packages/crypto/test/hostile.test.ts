// Hostile input for every public function: each case asserts the specific error code.
import { base58btc } from 'multiformats/bases/base58'
import { describe, expect, it } from 'vitest'
import {
  aeadOpen,
  aeadSeal,
  assertEd25519PublicKey,
  assertX25519PublicKey,
  base64urlDecode,
  base64urlEncode,
  bytesOf,
  concatBytes,
  constantTimeEqual,
  createSigner,
  createWebCryptoBackend,
  decodeMultikey,
  defineSigner,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  encodeMultikey,
  exportSecretKey,
  fromHex,
  generateEd25519Seed,
  generateSigner,
  generateX25519KeyPair,
  getBackend,
  hkdfSha256,
  hmacSha256,
  importJwk,
  jwkThumbprint,
  type KeyType,
  privateKeyToJwk,
  publicKeyToJwk,
  randomBytes,
  type Signer,
  selectBackend,
  sha256,
  toDidKey,
  toHex,
  useBackend,
  utf8,
  withKeyId,
  x25519PublicKey,
  x25519SharedSecret,
} from '../src/index.js'
import { asyncCodeOf, codeOf, hex } from './helpers.js'
import { RFC8032_ED25519 } from './vectors/rfc8032.js'
import { A1_PRIVATE_JWK, A2_PUBLIC_JWK } from './vectors/rfc8037.js'
import { ED25519_SMALL_ORDER, X25519_LOW_ORDER } from './vectors/small-order.js'

const TYPE = 'CRYPTO_INVALID_TYPE'
const LENGTH = 'CRYPTO_INVALID_LENGTH'
const KEY = 'CRYPTO_INVALID_KEY'
const ENCODING = 'CRYPTO_INVALID_ENCODING'
const JWK = 'CRYPTO_INVALID_JWK'
const MULTIBASE = 'CRYPTO_INVALID_MULTIBASE'
const MULTICODEC = 'CRYPTO_INVALID_MULTICODEC'

/** Values that are not a Uint8Array, each of which every bytes argument must refuse. */
const NOT_BYTES: unknown[] = [
  undefined,
  null,
  'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  32,
  [1, 2, 3],
  { length: 32 },
  new ArrayBuffer(32),
  new Uint16Array(16),
  new Int8Array(32),
  new DataView(new ArrayBuffer(32)),
]
const bad = (value: unknown) => value as Uint8Array

const seed = hex(RFC8032_ED25519[0]!.secretKey)
const edPublic = hex(RFC8032_ED25519[0]!.publicKey)
const signature = hex(RFC8032_ED25519[0]!.signature)
const xSecret = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
const xPublic = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
const key = new Uint8Array(32)
const nonce = new Uint8Array(12)
const empty = new Uint8Array(0)

describe('bytes arguments of the wrong type get CRYPTO_INVALID_TYPE', () => {
  const sync: [string, (v: Uint8Array) => unknown][] = [
    ['bytesOf', (v) => bytesOf(v, undefined, 'value')],
    ['concatBytes', (v) => concatBytes(empty, v)],
    ['constantTimeEqual a', (v) => constantTimeEqual(v, empty)],
    ['constantTimeEqual b', (v) => constantTimeEqual(empty, v)],
    ['toHex', (v) => toHex(v)],
    ['sha256', (v) => sha256(v)],
    ['hmacSha256 key', (v) => hmacSha256(v, empty)],
    ['hmacSha256 data', (v) => hmacSha256(empty, v)],
    ['hkdfSha256 ikm', (v) => hkdfSha256(v, empty, empty, 32)],
    ['hkdfSha256 salt', (v) => hkdfSha256(empty, v, empty, 32)],
    ['hkdfSha256 info', (v) => hkdfSha256(empty, empty, v, 32)],
    ['aeadSeal key', (v) => aeadSeal(v, nonce, empty)],
    ['aeadSeal nonce', (v) => aeadSeal(key, v, empty)],
    ['aeadSeal plaintext', (v) => aeadSeal(key, nonce, v)],
    ['aeadSeal aad', (v) => aeadSeal(key, nonce, empty, v === undefined ? null! : v)],
    ['aeadOpen key', (v) => aeadOpen(v, nonce, new Uint8Array(16))],
    ['aeadOpen nonce', (v) => aeadOpen(key, v, new Uint8Array(16))],
    ['aeadOpen ciphertext', (v) => aeadOpen(key, nonce, v)],
    ['aeadOpen aad', (v) => aeadOpen(key, nonce, new Uint8Array(16), v === undefined ? null! : v)],
    ['assertEd25519PublicKey', (v) => assertEd25519PublicKey(v)],
    ['assertX25519PublicKey', (v) => assertX25519PublicKey(v)],
    ['encodeMultikey', (v) => encodeMultikey(v, 'Ed25519')],
    ['toDidKey', (v) => toDidKey(v)],
    ['publicKeyToJwk', (v) => publicKeyToJwk(v)],
    ['privateKeyToJwk secretKey', (v) => privateKeyToJwk(v, edPublic)],
    ['privateKeyToJwk publicKey', (v) => privateKeyToJwk(seed, v)],
    ['base64urlEncode', (v) => base64urlEncode(v)],
    ['defineSigner publicKey', (v) => defineSigner({ sign: async () => signature, publicKey: v })],
  ]
  for (const [name, fn] of sync) {
    it(name, () => {
      for (const value of NOT_BYTES)
        expect(
          codeOf(() => fn(bad(value))),
          String(value),
        ).toBe(TYPE)
    })
  }
  const async: [string, (v: Uint8Array) => Promise<unknown>][] = [
    ['ed25519PublicKey', (v) => ed25519PublicKey(v)],
    ['ed25519Sign message', (v) => ed25519Sign(v, seed)],
    ['ed25519Sign seed', (v) => ed25519Sign(empty, v)],
    ['ed25519Verify signature', (v) => ed25519Verify(v, empty, edPublic)],
    ['ed25519Verify message', (v) => ed25519Verify(signature, v, edPublic)],
    ['ed25519Verify publicKey', (v) => ed25519Verify(signature, empty, v)],
    ['x25519PublicKey', (v) => x25519PublicKey(v)],
    ['x25519SharedSecret secretKey', (v) => x25519SharedSecret(v, xPublic)],
    ['x25519SharedSecret peerPublicKey', (v) => x25519SharedSecret(xSecret, v)],
    ['createSigner secretKey', (v) => createSigner({ secretKey: v })],
  ]
  for (const [name, fn] of async) {
    it(name, async () => {
      for (const value of NOT_BYTES) expect(await asyncCodeOf(() => fn(bad(value))), String(value)).toBe(TYPE)
    })
  }
  it('a Uint8Array from another realm is accepted (an iframe, a worker)', async () => {
    const { runInNewContext } = await import('node:vm')
    const foreign = runInNewContext('new Uint8Array(32)') as Uint8Array
    expect(foreign instanceof Uint8Array).toBe(false)
    expect(toHex(sha256(foreign))).toBe(toHex(sha256(new Uint8Array(32))))
  })
})

describe('wrong lengths get CRYPTO_INVALID_LENGTH', () => {
  const sizes = (ok: number) => [0, 1, ok - 1, ok + 1, 2 * ok]
  it('keys, seeds, signatures, nonces', async () => {
    for (const n of sizes(32)) {
      const b = new Uint8Array(n)
      expect(await asyncCodeOf(() => ed25519PublicKey(b))).toBe(LENGTH)
      expect(await asyncCodeOf(() => ed25519Sign(empty, b))).toBe(LENGTH)
      expect(await asyncCodeOf(() => ed25519Verify(signature, empty, b))).toBe(LENGTH)
      expect(await asyncCodeOf(() => x25519PublicKey(b))).toBe(LENGTH)
      expect(await asyncCodeOf(() => x25519SharedSecret(b, xPublic))).toBe(LENGTH)
      expect(await asyncCodeOf(() => x25519SharedSecret(xSecret, b))).toBe(LENGTH)
      expect(await asyncCodeOf(() => createSigner({ secretKey: b }))).toBe(LENGTH)
      expect(codeOf(() => assertEd25519PublicKey(b))).toBe(LENGTH)
      expect(codeOf(() => assertX25519PublicKey(b))).toBe(LENGTH)
      expect(codeOf(() => encodeMultikey(b, 'X25519'))).toBe(LENGTH)
      expect(codeOf(() => publicKeyToJwk(b, 'X25519'))).toBe(LENGTH)
      expect(codeOf(() => privateKeyToJwk(b, edPublic))).toBe(LENGTH)
      expect(codeOf(() => aeadSeal(b, nonce, empty))).toBe(LENGTH)
      expect(codeOf(() => aeadOpen(b, nonce, new Uint8Array(16)))).toBe(LENGTH)
    }
    for (const n of sizes(64)) {
      expect(await asyncCodeOf(() => ed25519Verify(new Uint8Array(n), empty, edPublic))).toBe(LENGTH)
    }
    for (const n of [...sizes(12), 24]) {
      expect(codeOf(() => aeadSeal(key, new Uint8Array(n), empty))).toBe(LENGTH)
      expect(codeOf(() => aeadOpen(key, new Uint8Array(n), new Uint8Array(16)))).toBe(LENGTH)
    }
  })
  it('HKDF lengths outside 1..8160, and lengths that are not integers', () => {
    for (const length of [
      0,
      -1,
      8161,
      1e9,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '32',
      null,
      undefined,
    ]) {
      expect(
        codeOf(() => hkdfSha256(empty, empty, empty, length as number)),
        String(length),
      ).toBe(LENGTH)
    }
    expect(hkdfSha256(empty, empty, empty, 8160).length).toBe(8160)
  })
  it('random lengths outside 0..65536', () => {
    for (const length of [-1, 65537, 2 ** 32, 0.5, Number.NaN, '16', undefined]) {
      expect(
        codeOf(() => randomBytes(length as number)),
        String(length),
      ).toBe(LENGTH)
    }
  })
})

describe('hex', () => {
  it('refuses odd lengths and non-hex characters with CRYPTO_INVALID_ENCODING, non-strings with CRYPTO_INVALID_TYPE', () => {
    for (const text of ['a', 'abc', 'zz', '0x00', ' 00', '00 ', 'gg', '０１', '1g']) {
      expect(
        codeOf(() => fromHex(text)),
        text,
      ).toBe(ENCODING)
    }
    for (const value of [12, null, undefined, new Uint8Array(2)]) {
      expect(codeOf(() => fromHex(value as unknown as string))).toBe(TYPE)
    }
  })
  it('utf8 refuses non-strings', () => {
    for (const value of [12, null, undefined, new Uint8Array(2)])
      expect(codeOf(() => utf8(value as unknown as string))).toBe(TYPE)
  })
})

describe('base64url', () => {
  it('refuses padding, another alphabet, white space, impossible lengths and non-zero trailing bits', () => {
    for (const text of [
      'AA==', // padding
      'AAA=', // padding
      'A+/B', // the base64 alphabet
      'AA AA', // white space
      'AA\n', // a line break
      'A', // 6 bits cannot hold a byte
      'AAAAA', // neither can 30
      'AB', // one byte, but the last 4 bits are not zero
      'AAB', // two bytes, the last 2 bits are not zero
      'ä',
    ]) {
      expect(
        codeOf(() => base64urlDecode(text)),
        text,
      ).toBe(ENCODING)
    }
    expect(codeOf(() => base64urlDecode(5 as unknown as string))).toBe(TYPE)
    expect(base64urlDecode('AQ')).toEqual(Uint8Array.of(1))
  })
})

describe('multikey', () => {
  const valid = encodeMultikey(edPublic, 'Ed25519')
  const b58 = (...parts: (number[] | Uint8Array)[]) =>
    base58btc.encode(Uint8Array.from(parts.flatMap((p) => [...p])))
  it('refuses other multibases, invalid base58, bad prefixes, wrong lengths and bad keys', () => {
    const cases: [string, string][] = [
      [`m${valid.slice(1)}`, MULTIBASE], // base64 multibase
      [`f${toHex(edPublic)}`, MULTIBASE], // base16 multibase
      [valid.slice(1), MULTIBASE], // no prefix at all
      ['', MULTIBASE],
      ['z6Mk0OIl', MULTIBASE], // 0, O, I, l are not base58
      ['z6Mk+/==', MULTIBASE],
      ['z', MULTICODEC], // nothing after the prefix
      [b58([0xed]), MULTICODEC], // truncated varint
      [b58([0x80, 0x80, 0x80]), MULTICODEC], // truncated varint
      [b58([0xe7, 0x01], new Uint8Array(33)), MULTICODEC], // secp256k1-pub
      [b58([0x12, 0x20], new Uint8Array(32)), MULTICODEC], // a sha2-256 multihash
      [b58([0xed, 0x81, 0x00], edPublic), MULTICODEC], // non-minimal varint for 0xed
      [b58([0xed, 0x01], edPublic.subarray(1)), LENGTH],
      [b58([0xed, 0x01], edPublic, [0]), LENGTH],
      [b58([0xed, 0x01]), LENGTH],
      [b58([0xed, 0x01], hex(ED25519_SMALL_ORDER[1])), KEY],
      [b58([0xec, 0x01], hex(X25519_LOW_ORDER[2])), KEY],
      [`${valid}${'1'.repeat(40)}`, LENGTH], // far too long: refused before decoding
    ]
    for (const [text, code] of cases)
      expect(
        codeOf(() => decodeMultikey(text)),
        text,
      ).toBe(code)
  })
  it('refuses a valid key of the other type when one is expected', () => {
    expect(codeOf(() => decodeMultikey(valid, 'X25519'))).toBe(MULTICODEC)
    expect(codeOf(() => decodeMultikey(encodeMultikey(xPublic, 'X25519'), 'Ed25519'))).toBe(MULTICODEC)
  })
  it('refuses non-string input and unknown key types', () => {
    for (const value of [undefined, null, 12, edPublic])
      expect(codeOf(() => decodeMultikey(value as unknown as string))).toBe(TYPE)
    expect(codeOf(() => decodeMultikey(valid, 'RSA' as KeyType))).toBe(TYPE)
    expect(codeOf(() => encodeMultikey(edPublic, 'secp256k1' as KeyType))).toBe(TYPE)
    expect(codeOf(() => encodeMultikey(edPublic, undefined as unknown as KeyType))).toBe(TYPE)
    expect(codeOf(() => toDidKey(edPublic, 'P-256' as KeyType))).toBe(TYPE)
  })
})

describe('JWK', () => {
  const x = A2_PUBLIC_JWK.x
  it('refuses malformed members with CRYPTO_INVALID_JWK', () => {
    const cases: unknown[] = [
      undefined,
      null,
      'a string',
      [A2_PUBLIC_JWK],
      {},
      { crv: 'Ed25519', x }, // no kty
      { kty: 'EC', crv: 'Ed25519', x },
      { kty: 'okp', crv: 'Ed25519', x },
      { kty: 'OKP', x }, // no crv
      { kty: 'OKP', crv: 'P-256', x },
      { kty: 'OKP', crv: 'Ed448', x },
      { kty: 'OKP', crv: 'Ed25519' }, // no x
      { kty: 'OKP', crv: 'Ed25519', x: 12 },
      { kty: 'OKP', crv: 'Ed25519', x: null },
      { kty: 'OKP', crv: 'Ed25519', x: `${x}=` }, // padding
      { kty: 'OKP', crv: 'Ed25519', x: x.replace(/_/g, '/') }, // the base64 alphabet
      { kty: 'OKP', crv: 'Ed25519', x: `${x.slice(0, -1)}p` }, // non-zero trailing bits
      { kty: 'OKP', crv: 'Ed25519', x: x.slice(0, -2) }, // 31 bytes
      { kty: 'OKP', crv: 'Ed25519', x: `${x}AAAA` }, // 35 bytes
      { kty: 'OKP', crv: 'Ed25519', x: '' },
      { ...A1_PRIVATE_JWK, d: `${A1_PRIVATE_JWK.d}=` },
      { ...A1_PRIVATE_JWK, d: A1_PRIVATE_JWK.d.slice(0, -4) },
      { ...A1_PRIVATE_JWK, d: 42 },
      { ...A1_PRIVATE_JWK, d: null },
      { ...A2_PUBLIC_JWK, alg: 'ES256' },
      { ...A2_PUBLIC_JWK, alg: 'ECDH-ES' },
      { ...A2_PUBLIC_JWK, alg: 7 },
    ]
    for (const jwk of cases) {
      expect(
        codeOf(() => importJwk(jwk)),
        JSON.stringify(jwk),
      ).toBe(JWK)
      if (typeof jwk === 'object' && jwk !== null && !Array.isArray(jwk)) {
        expect(codeOf(() => jwkThumbprint(jwk as typeof A2_PUBLIC_JWK))).toBe(JWK)
      }
    }
    expect(codeOf(() => importJwk(A2_PUBLIC_JWK, 'X25519'))).toBe(JWK)
    expect(importJwk({ ...A2_PUBLIC_JWK, alg: 'EdDSA', use: 'sig', kid: 'k' }).publicKey).toEqual(edPublic)
  })
  it('refuses keys that are not acceptable with CRYPTO_INVALID_KEY', () => {
    for (const point of ED25519_SMALL_ORDER) {
      expect(codeOf(() => importJwk({ kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(hex(point)) }))).toBe(
        KEY,
      )
    }
    for (const u of X25519_LOW_ORDER) {
      expect(codeOf(() => importJwk({ kty: 'OKP', crv: 'X25519', x: base64urlEncode(hex(u)) }))).toBe(KEY)
    }
    expect(codeOf(() => publicKeyToJwk(hex(ED25519_SMALL_ORDER[0])))).toBe(KEY)
  })
  it('refuses unknown curves and a private key that does not match its public key', () => {
    expect(codeOf(() => publicKeyToJwk(edPublic, 'P-256' as KeyType))).toBe(TYPE)
    expect(codeOf(() => importJwk(A2_PUBLIC_JWK, 'Ed448' as KeyType))).toBe(TYPE)
    expect(codeOf(() => privateKeyToJwk(hex(RFC8032_ED25519[1]!.secretKey), edPublic))).toBe(KEY)
    expect(codeOf(() => privateKeyToJwk(seed, xPublic, 'X25519'))).toBe(KEY)
  })
})

describe('signers', () => {
  it('createSigner and generateSigner refuse bad parameters', async () => {
    for (const parameters of [undefined, null, 'seed', [seed]]) {
      expect(await asyncCodeOf(() => createSigner(parameters as unknown as { secretKey: Uint8Array }))).toBe(
        TYPE,
      )
    }
    expect(await asyncCodeOf(() => createSigner({ secretKey: seed, keyId: '' }))).toBe(LENGTH)
    expect(await asyncCodeOf(() => createSigner({ secretKey: seed, keyId: 7 as unknown as string }))).toBe(
      TYPE,
    )
    expect(await asyncCodeOf(() => generateSigner('k' as unknown as { keyId: string }))).toBe(TYPE)
    expect(await asyncCodeOf(() => generateSigner({ keyId: '' }))).toBe(LENGTH)
  })
  it('defineSigner refuses a missing sign function and a bad public key', () => {
    expect(codeOf(() => defineSigner(undefined as unknown as Parameters<typeof defineSigner>[0]))).toBe(TYPE)
    expect(codeOf(() => defineSigner({ sign: 'no' as unknown as Signer, publicKey: edPublic }))).toBe(TYPE)
    expect(
      codeOf(() => defineSigner({ sign: async () => signature, publicKey: hex(ED25519_SMALL_ORDER[2]) })),
    ).toBe(KEY)
    expect(codeOf(() => defineSigner({ sign: async () => signature, publicKey: edPublic, keyId: '' }))).toBe(
      LENGTH,
    )
  })
  it('a defined signer rejects non-byte data, and a sign function that returns anything but 64 bytes', async () => {
    const short = defineSigner({ sign: async () => signature.subarray(0, 63), publicKey: edPublic })
    expect(await asyncCodeOf(() => short(empty))).toBe(LENGTH)
    const text = defineSigner({ sign: async () => 'sig' as unknown as Uint8Array, publicKey: edPublic })
    expect(await asyncCodeOf(() => text(empty))).toBe(TYPE)
    const good = defineSigner({ sign: async () => signature, publicKey: edPublic })
    expect(await asyncCodeOf(() => good('data' as unknown as Uint8Array))).toBe(TYPE)
  })
  it('withKeyId and exportSecretKey refuse what is not a signer', async () => {
    const signer = await createSigner({ secretKey: seed })
    expect(codeOf(() => withKeyId({} as Signer, 'k'))).toBe(TYPE)
    expect(codeOf(() => withKeyId(signer, ''))).toBe(LENGTH)
    expect(codeOf(() => withKeyId(signer, 5 as unknown as string))).toBe(TYPE)
    for (const value of [{}, null, undefined, () => undefined]) {
      expect(codeOf(() => exportSecretKey(value as unknown as Signer))).toBe('CRYPTO_NOT_EXPORTABLE')
    }
  })
})

describe('backends', () => {
  it('useBackend refuses unknown names and objects that are not backends', () => {
    for (const value of ['openssl', '', 7, null, undefined]) {
      expect(codeOf(() => useBackend(value as 'noble'))).toBe(TYPE)
    }
    expect(codeOf(() => useBackend({ name: 'noble' } as never))).toBe(TYPE)
    expect(codeOf(() => useBackend({ ...getBackend(), name: 'libsodium' } as never))).toBe(TYPE)
    expect(getBackend().name).toBe('node')
  })
  it("useBackend('webcrypto') before a WebCrypto backend exists is CRYPTO_BACKEND_UNAVAILABLE", () => {
    expect(codeOf(() => useBackend('webcrypto'))).toBe('CRYPTO_BACKEND_UNAVAILABLE')
  })
  it('selectBackend refuses a bad preference list, and one where nothing works', async () => {
    for (const prefer of [[], ['openssl'], 'noble', [1]]) {
      expect(await asyncCodeOf(() => selectBackend({ prefer: prefer as never }))).toBe(TYPE)
    }
    const noCrypto = {} as Crypto
    expect(await asyncCodeOf(() => selectBackend({ prefer: ['webcrypto'], crypto: noCrypto }))).toBe(
      'CRYPTO_BACKEND_UNAVAILABLE',
    )
    expect(getBackend().name).toBe('node')
  })
  it('createWebCryptoBackend refuses a platform without subtle, without Ed25519, or with wrong answers', async () => {
    const real = globalThis.crypto
    const without = { getRandomValues: real.getRandomValues.bind(real) } as Crypto
    const noEd25519 = {
      getRandomValues: real.getRandomValues.bind(real),
      subtle: {
        importKey: () =>
          Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError')),
      },
    } as unknown as Crypto
    const subtle = real.subtle
    const wrong = {
      getRandomValues: real.getRandomValues.bind(real),
      subtle: {
        importKey: subtle.importKey.bind(subtle),
        exportKey: subtle.exportKey.bind(subtle),
        verify: subtle.verify.bind(subtle),
        deriveBits: subtle.deriveBits.bind(subtle),
        sign: async () => new ArrayBuffer(64), // a platform that signs wrongly
      },
    } as unknown as Crypto
    for (const crypto of [without, noEd25519, wrong]) {
      expect(await asyncCodeOf(() => createWebCryptoBackend({ crypto }))).toBe('CRYPTO_BACKEND_UNAVAILABLE')
    }
  })
  it('a random source that fails gives CRYPTO_RANDOM_UNAVAILABLE', async () => {
    const backend = getBackend()
    useBackend({
      ...backend,
      randomBytes: () => {
        throw new Error('no entropy')
      },
    })
    try {
      expect(codeOf(() => randomBytes(16))).toBe('CRYPTO_RANDOM_UNAVAILABLE')
      expect(codeOf(() => generateEd25519Seed())).toBe('CRYPTO_RANDOM_UNAVAILABLE')
      expect(await asyncCodeOf(() => generateX25519KeyPair())).toBe('CRYPTO_RANDOM_UNAVAILABLE')
      expect(await asyncCodeOf(() => generateSigner())).toBe('CRYPTO_RANDOM_UNAVAILABLE')
    } finally {
      useBackend('auto')
    }
  })
})
