import { randomBytes, sha256, toHex } from '@marque/crypto'
import { encode, rfc8949EncodeOptions } from 'cborg'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  BundleError,
  decodeBundle,
  encodeBundle,
  MAX_BUNDLE_BYTES,
  type ProvisioningBundle,
} from '../src/provision/bundle.js'

const sample = (): ProvisioningBundle => ({
  did: 'did:marque:7Xq3LmT9u2ZpW4sNc8yRkJ5hDv1EaGbFq',
  signingKey: { secretKey: randomBytes(32) },
  agreementKey: { reference: 'se050:slot/3' },
  credentials: ['eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZSJ9.c2ln'],
  trustAnchors: [
    { did: 'did:marque:manufacturer', publicKey: randomBytes(32) },
    { did: 'did:web:example.com' },
  ],
  gateway: 'tcp://gw.example:7400',
  network: 'default',
})

function expectCode(f: () => unknown, code: string): BundleError {
  try {
    f()
  } catch (error) {
    expect(error).toBeInstanceOf(BundleError)
    expect((error as BundleError).code).toBe(code)
    return error as BundleError
  }
  throw new Error(`expected ${code}`)
}

describe('provisioning bundle', () => {
  it('round-trips every field', () => {
    const bundle = sample()
    expect(decodeBundle(encodeBundle(bundle))).toEqual(bundle)
  })

  it('round-trips arbitrary bundles (property)', () => {
    const text = fc.string({ minLength: 1, maxLength: 64 })
    const key = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((secretKey) => ({ secretKey })),
      text.map((reference) => ({ reference })),
    )
    fc.assert(
      fc.property(
        fc.record(
          {
            did: text,
            signingKey: key,
            agreementKey: key,
            credentials: fc.array(text, { maxLength: 4 }),
            trustAnchors: fc.array(
              fc.record(
                { did: text, publicKey: fc.uint8Array({ minLength: 32, maxLength: 32 }) },
                { requiredKeys: ['did'] },
              ),
              { maxLength: 4 },
            ),
            gateway: text,
            network: text,
          },
          { requiredKeys: ['did', 'signingKey', 'credentials', 'trustAnchors'] },
        ),
        (bundle) => {
          const bytes = encodeBundle(bundle as ProvisioningBundle)
          expect(decodeBundle(bytes)).toEqual(bundle)
          expect(encodeBundle(decodeBundle(bytes))).toEqual(bytes)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('detects any single flipped byte (corruption or malformed, never garbage)', () => {
    const bytes = encodeBundle(sample())
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice()
      bad[i]! ^= 0x01
      expect(() => decodeBundle(bad)).toThrow(BundleError)
    }
  })

  it('refuses a corrupted body with BUNDLE_CORRUPTED', () => {
    const bundle = sample()
    const bytes = encodeBundle(bundle)
    // The DID's last character sits inside the body; change it to another valid character.
    const at = Buffer.from(bytes).lastIndexOf(Buffer.from(bundle.did)) + bundle.did.length - 1
    const bad = bytes.slice()
    bad[at] = 'x'.charCodeAt(0)
    expectCode(() => decodeBundle(bad), 'BUNDLE_CORRUPTED')
  })

  it('refuses oversized, truncated, foreign, future and non-deterministic files', () => {
    expectCode(() => decodeBundle(new Uint8Array(MAX_BUNDLE_BYTES + 1)), 'BUNDLE_TOO_LARGE')
    const bytes = encodeBundle(sample())
    expectCode(() => decodeBundle(bytes.subarray(0, bytes.length - 3)), 'BUNDLE_MALFORMED')
    expectCode(() => decodeBundle(new TextEncoder().encode('{"did":"x"}')), 'BUNDLE_MALFORMED')
    expectCode(
      () => decodeBundle(encode(['other/format', 1, new Uint8Array(1), new Uint8Array(16)])),
      'BUNDLE_MALFORMED',
    )
    expectCode(
      () => decodeBundle(encode(['marque/bundle', 2, new Uint8Array(1), new Uint8Array(16)])),
      'BUNDLE_UNSUPPORTED_VERSION',
    )
    // The same array with an indefinite-length header (0x9f … 0xff) is not deterministic.
    const definite = encode(['marque/bundle', 2], rfc8949EncodeOptions)
    const indefinite = Uint8Array.of(0x9f, ...definite.subarray(1), 0xff)
    expectCode(() => decodeBundle(indefinite), 'BUNDLE_MALFORMED')
    // A non-shortest integer (version 1 as 0x18 0x01).
    const nonShortest = Uint8Array.of(0x84, ...encode('marque/bundle'), 0x18, 0x01)
    expectCode(() => decodeBundle(nonShortest), 'BUNDLE_MALFORMED')
  })

  it('refuses unknown fields and wrong types inside a well-formed body', () => {
    const wrap = (body: Map<number, unknown>) => {
      const bytes = encode(body, rfc8949EncodeOptions)
      return encode(['marque/bundle', 1, bytes, sha256(bytes).slice(0, 16)], rfc8949EncodeOptions)
    }
    const base = () =>
      new Map<number, unknown>([
        [1, 'did:marque:abc'],
        [2, new Map([[1, new Uint8Array(32)]])],
        [4, []],
        [5, []],
      ])
    expect(decodeBundle(wrap(base())).did).toBe('did:marque:abc')
    const unknown = base()
    unknown.set(9, 'x')
    expect(expectCode(() => decodeBundle(wrap(unknown)), 'BUNDLE_MALFORMED').message).toContain(
      'unknown field 9',
    )
    const shortKey = base()
    shortKey.set(2, new Map([[1, new Uint8Array(31)]]))
    expect(expectCode(() => decodeBundle(wrap(shortKey)), 'BUNDLE_MALFORMED').message).toContain(
      'signingKey.secret',
    )
    const noDid = base()
    noDid.delete(1)
    expectCode(() => decodeBundle(wrap(noDid)), 'BUNDLE_MALFORMED')
    const badAnchor = base()
    badAnchor.set(5, [new Map([[2, new Uint8Array(32)]])])
    expectCode(() => decodeBundle(wrap(badAnchor)), 'BUNDLE_MALFORMED')
    const tooMany = base()
    tooMany.set(
      4,
      Array.from({ length: 17 }, () => 'jwt'),
    )
    expectCode(() => decodeBundle(wrap(tooMany)), 'BUNDLE_MALFORMED')
  })

  it('refuses keys of the wrong length on encoding with BUNDLE_MALFORMED, naming the field', () => {
    const short = { ...sample(), signingKey: { secretKey: randomBytes(31) } }
    expect(expectCode(() => encodeBundle(short), 'BUNDLE_MALFORMED').message).toBe(
      'bundle field signingKey must be 32 bytes',
    )
    const anchor = { ...sample(), trustAnchors: [{ did: 'did:web:example.com', publicKey: randomBytes(33) }] }
    expect(expectCode(() => encodeBundle(anchor), 'BUNDLE_MALFORMED').message).toBe(
      'bundle field trustAnchors[0].publicKey must be 32 bytes',
    )
    const agreement = { ...sample(), agreementKey: { secretKey: 'not bytes' as unknown as Uint8Array } }
    expectCode(() => encodeBundle(agreement), 'BUNDLE_MALFORMED')
  })

  it('never quotes key material in its errors', () => {
    const bundle = sample()
    const secret = (bundle.signingKey as { secretKey: Uint8Array }).secretKey
    const bytes = encodeBundle(bundle)
    const messages: string[] = []
    for (let i = 0; i < bytes.length; i += 7) {
      const bad = bytes.slice()
      bad[i]! ^= 0xff
      try {
        decodeBundle(bad)
      } catch (error) {
        const e = error as BundleError
        messages.push(`${e.message} ${e.details ?? ''} ${String(e.cause ?? '')}`)
      }
    }
    const all = messages.join('\n')
    expect(all).not.toContain(toHex(secret))
    expect(all).not.toContain(Buffer.from(secret).toString('base64'))
  })
})
