// Resolution (DID Resolution §4, DID Core §7.1): metadata, errors as data, historical
// resolution, the representations, the cache, and did-resolver's Resolver.
import { decodeMultikey, generateSigner, generateX25519KeyPair } from '@marque/crypto'
import type { Ledger } from '@marque/ledger'
import { Resolver } from 'did-resolver'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createDidCache,
  createDidClient,
  createResolver,
  DID_JSON,
  DidErrorCode,
  formatDatetime,
  getResolver,
  resolverAtTime,
} from '../src/index.js'
import { generateKeys, ledgerFactories, manualClock, trackLedgers } from './fixtures.js'

for (const factory of ledgerFactories) {
  describe(`resolution on the ${factory.name} ledger`, () => {
    const newLedger = trackLedgers(factory)

    /** A DID with four versions, 100 s apart: create, update services, rotate, deactivate. */
    async function lifecycle() {
      const clock = manualClock()
      const ledger = await newLedger({ now: clock.now })
      const t0 = clock.seconds()
      const keys = await generateKeys()
      const client = createDidClient({ ledger })
      const { did } = await client.create({
        deviceKey: keys.device,
        updateKey: keys.update,
        recoveryKey: keys.recovery,
      })
      clock.advance(100)
      await client.update({
        did,
        updateKey: keys.update,
        services: [{ id: 1, type: 'LinkedDomains', endpoint: 'https://maker.example' }],
      })
      clock.advance(100)
      const rotated = await generateSigner()
      await client.rotate({ did, updateKey: keys.update, keys: [rotated] })
      clock.advance(100)
      await client.deactivate({ did, recoveryKey: keys.recovery })
      const at = (s: number) => formatDatetime(t0 + s)
      return { ledger, did, keys, rotated, t0, at, clock }
    }

    it('resolves a deactivated DID to an empty document with deactivated: true', async () => {
      const { ledger, did, at } = await lifecycle()
      const resolver = createResolver({ ledgers: { [ledger.network]: ledger } })
      expect(await resolver.resolve(did)).toEqual({
        didResolutionMetadata: { contentType: 'application/did+ld+json' },
        didDocument: {
          '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
          id: did,
        },
        didDocumentMetadata: { created: at(0), updated: at(300), versionId: '4', deactivated: true },
      })
    })

    it('resolves each version by versionId, with created, updated, nextVersionId and nextUpdate', async () => {
      const { ledger, did, keys, rotated, at } = await lifecycle()
      const resolver = createResolver({ ledgers: { [ledger.network]: ledger } })
      const v1 = await resolver.resolve(`${did}?versionId=1`)
      expect(v1.didDocumentMetadata).toEqual({
        created: at(0),
        versionId: '1',
        nextVersionId: '2',
        nextUpdate: at(100),
      })
      expect(decodeMultikey(v1.didDocument!.verificationMethod![0]!.publicKeyMultibase!).publicKey).toEqual(
        keys.device.publicKey,
      )
      const v2 = await resolver.resolve(`${did}?versionId=2`)
      expect(v2.didDocumentMetadata).toEqual({
        created: at(0),
        updated: at(100),
        versionId: '2',
        nextVersionId: '3',
        nextUpdate: at(200),
      })
      expect(v2.didDocument?.service?.[0]?.serviceEndpoint).toBe('https://maker.example')
      const v3 = await resolver.resolve(`${did}?versionId=3`)
      expect(decodeMultikey(v3.didDocument!.verificationMethod![0]!.publicKeyMultibase!).publicKey).toEqual(
        rotated.publicKey,
      )
      expect(v3.didDocumentMetadata.nextVersionId).toBe('4')
      expect((await resolver.resolve(`${did}?versionId=5`)).didResolutionMetadata.error).toBe('notFound')
    })

    it('resolves by versionTime: the version in force at that second', async () => {
      const { ledger, did, at } = await lifecycle()
      const resolver = createResolver({ ledgers: { [ledger.network]: ledger } })
      const versionAt = async (s: number) =>
        (await resolver.resolve(`${did}?versionTime=${at(s)}`)).didDocumentMetadata.versionId
      expect(await versionAt(0)).toBe('1')
      expect(await versionAt(99)).toBe('1')
      expect(await versionAt(100)).toBe('2')
      expect(await versionAt(250)).toBe('3')
      expect(await versionAt(10_000)).toBe('4')
      const before = await resolver.resolve(`${did}?versionTime=${at(-1)}`)
      expect(before.didResolutionMetadata.error).toBe('notFound')
      expect(before.didDocument).toBeNull()
    })

    it('gives errors as data', async () => {
      const { ledger, did } = await lifecycle()
      const resolver = createResolver({ ledgers: { [ledger.network]: ledger } })
      const errorOf = async (url: string, options = {}) =>
        (await resolver.resolve(url, options)).didResolutionMetadata.error
      const id = did.slice('did:marque:'.length)
      const cases: [string, string, object?][] = [
        ['did:marque:', 'invalidDid'],
        ['did:marque:0OIl', 'invalidDid'],
        [`did:marque:default:${id}`, 'invalidDid'],
        [`did:ethr:${id}`, 'invalidDid'],
        [`${did}?versionId=1&versionId=2`, 'invalidDidUrl'],
        [`${did}?versionId=%zz`, 'invalidDidUrl'],
        [`${did}?versionId=1 `, 'invalidDidUrl'],
        [`${did}#a#b`, 'invalidDidUrl'],
        [`${did}?versionId=0`, 'invalidOptions'],
        [`${did}?versionId=01`, 'invalidOptions'],
        [`${did}?versionId=abc`, 'invalidOptions'],
        [`${did}?versionId=-1`, 'invalidOptions'],
        [`${did}?versionTime=2025-01-01`, 'invalidOptions'],
        [`${did}?versionTime=2025-02-30T00:00:00Z`, 'invalidOptions'],
        [`${did}?versionTime=2025-01-01T00:00:00.5Z`, 'invalidOptions'],
        [`${did}?versionTime=2025-01-01T00:00:00%2B01:00`, 'invalidOptions'],
        [`${did}?versionId=1&versionTime=2025-01-01T00:00:00Z`, 'invalidOptions'],
        [did, 'representationNotSupported', { accept: 'application/json' }],
        [did, 'representationNotSupported', { accept: 'application/did+cbor' }],
        [`did:marque:elsewhere:${id}`, 'methodNotSupported'],
        [did.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')), 'notFound'],
      ]
      for (const [url, error, options] of cases) {
        expect([url, await errorOf(url, options)]).toEqual([url, error])
      }
      const result = await resolver.resolve('did:marque:')
      expect(result.didDocument).toBeNull()
      expect(result.didDocumentMetadata).toEqual({})
      expect(typeof result.didResolutionMetadata.message).toBe('string')
    })

    it('ignores a path, a fragment and unknown parameters: they are for dereferencing', async () => {
      const { ledger, did } = await lifecycle()
      const resolver = createResolver({ ledgers: { [ledger.network]: ledger } })
      for (const url of [`${did}/path`, `${did}#key`, `${did}?service=files&versionId=2#x`]) {
        expect((await resolver.resolve(url)).didResolutionMetadata.error).toBeUndefined()
      }
      expect((await resolver.resolve(`${did}?service=files&versionId=2`)).didDocumentMetadata.versionId).toBe(
        '2',
      )
    })

    it('gives application/did+json without @context', async () => {
      const { ledger, did } = await lifecycle()
      const resolver = createResolver({ ledgers: { [ledger.network]: ledger } })
      const r = await resolver.resolve(`${did}?versionId=2`, { accept: DID_JSON })
      expect(r.didResolutionMetadata.contentType).toBe(DID_JSON)
      expect(r.didDocument).not.toHaveProperty('@context')
      expect(r.didDocument?.id).toBe(did)
    })

    it('reports a ledger that fails as internalError, with the ledger code', async () => {
      const ledger = await newLedger()
      const resolver = createResolver({ ledgers: { [ledger.network]: ledger } })
      await ledger.close()
      const r = await resolver.resolve('did:marque:3j6fcp5vWs9rgUk4U2Vd7BdTB89po3')
      expect(r.didResolutionMetadata).toMatchObject({ error: 'internalError', code: 'LEDGER_CLOSED' })
    })
  })
}

describe('resolver configuration', () => {
  it('refuses a ledger filed under another network with DID_INVALID_CONFIGURATION', async () => {
    const { ledger } = await ledgerFactories[0]!.make({ network: 'a' })
    expect(() => createResolver({ ledgers: { b: ledger } })).toThrowError(
      expect.objectContaining({ code: DidErrorCode.InvalidConfiguration }),
    )
  })

  it('refuses a ledger whose domain is malformed with DID_INVALID_PARAMETER, as createDidClient does', async () => {
    const { ledger } = await ledgerFactories[0]!.make()
    for (const domain of ['', 'has space', 'x'.repeat(256), 'é', undefined]) {
      const bad = { ...ledger, network: ledger.network, domain } as Ledger
      expect(() => createResolver({ ledgers: { [ledger.network]: bad } })).toThrowError(
        expect.objectContaining({ code: DidErrorCode.InvalidParameter }),
      )
      expect(() => createDidClient({ ledger: bad })).toThrowError(
        expect.objectContaining({ code: DidErrorCode.InvalidParameter }),
      )
    }
  })

  it('answers internalError with DID_INVALID_PARAMETER, not notFound, when a ledger function gives a malformed domain', async () => {
    const { ledger } = await ledgerFactories[0]!.make({ network: 'lazy' })
    const { did } = await createDidClient({ ledger }).create({
      deviceKey: await generateSigner(),
      updateKey: await generateSigner(),
      recoveryKey: await generateSigner(),
    })
    const bad: Ledger = { ...ledger, network: ledger.network, domain: 'has space' }
    const resolver = createResolver({ ledgers: () => bad })
    expect((await resolver.resolve(did)).didResolutionMetadata).toMatchObject({
      error: 'internalError',
      code: DidErrorCode.InvalidParameter,
    })
  })

  it('takes a function from network to ledger, and answers methodNotSupported where it gives none', async () => {
    const { ledger } = await ledgerFactories[0]!.make({ network: 'lazy' })
    const client = createDidClient({ ledger })
    const { did } = await client.create({
      deviceKey: await generateSigner(),
      updateKey: await generateSigner(),
      recoveryKey: await generateSigner(),
    })
    const resolver = createResolver({ ledgers: (network) => (network === 'lazy' ? ledger : undefined) })
    expect((await resolver.resolve(did)).didDocument?.id).toBe(did)
    const other = did.replace(':lazy:', ':other:')
    expect((await resolver.resolve(other)).didResolutionMetadata.error).toBe('methodNotSupported')
  })
})

describe('DID Core document shape (§5.1 id and controller, §5.2 verification methods, §5.3 relationships, §5.4 services)', () => {
  it('holds only references that resolve, Multikeys of the right type, and DID-valued controllers', async () => {
    const { ledger } = await ledgerFactories[0]!.make()
    const client = createDidClient({ ledger })
    const device = await generateSigner()
    const extra = await generateSigner()
    const x = await generateX25519KeyPair()
    const { did, document, verificationMethodIds } = await client.create({
      deviceKey: device,
      additionalKeys: [extra.publicKey],
      agreementKeys: [x.publicKey],
      services: [{ id: 3, type: 'DIDCommMessaging', endpoint: 'https://gw.example/didcomm' }],
      updateKey: await generateSigner(),
      recoveryKey: await generateSigner(),
    })
    const resolved = (await createResolver({ ledgers: { default: ledger } }).resolve(did)).didDocument!
    expect(resolved).toEqual(document)
    expect(document.id).toBe(did)
    expect(document.controller).toMatch(/^did:key:z6Mk/)
    const ids = new Set(document.verificationMethod!.map((m) => m.id))
    for (const m of document.verificationMethod!) {
      expect(m.id.startsWith(`${did}#`)).toBe(true)
      expect(m.type).toBe('Multikey')
      expect(m.controller).toBe(did)
      expect(m.id.slice(did.length + 1)).toBe(m.publicKeyMultibase)
    }
    const typeOf = (id: unknown) =>
      decodeMultikey(document.verificationMethod!.find((m) => m.id === id)!.publicKeyMultibase!).type
    for (const rel of ['authentication', 'assertionMethod'] as const) {
      expect(
        document[rel]!.every((r) => typeof r === 'string' && ids.has(r) && typeOf(r) === 'Ed25519'),
      ).toBe(true)
      expect(document[rel]).toEqual(verificationMethodIds[rel])
    }
    expect(document.keyAgreement!.every((r) => typeof r === 'string' && typeOf(r) === 'X25519')).toBe(true)
    expect(document.authentication!.length).toBe(2)
    expect(document.service).toEqual([
      { id: `${did}#service-3`, type: 'DIDCommMessaging', serviceEndpoint: 'https://gw.example/didcomm' },
    ])
  })
})

describe('the cache', () => {
  async function counted() {
    const clock = manualClock()
    const { ledger } = await ledgerFactories[0]!.make({ now: clock.now })
    let reads = 0
    const counting: Ledger = {
      network: ledger.network,
      domain: ledger.domain,
      append: (ops) => ledger.append(ops),
      read: (did, options) => {
        reads++
        return ledger.read(did, options)
      },
      close: () => ledger.close(),
    }
    const keys = await generateKeys()
    const client = createDidClient({ ledger })
    const { did } = await client.create({
      deviceKey: keys.device,
      updateKey: keys.update,
      recoveryKey: keys.recovery,
    })
    return { clock, ledger, counting, client, keys, did, reads: () => reads }
  }

  it('keeps a current result for the TTL, then reads again', async () => {
    const { clock, counting, client, keys, did, reads } = await counted()
    const resolver = createResolver({
      ledgers: { default: counting },
      cache: createDidCache({ ttlSeconds: 60, now: clock.now }),
    })
    expect((await resolver.resolve(did)).didDocumentMetadata.versionId).toBe('1')
    await client.update({ did, updateKey: keys.update, agreementKeys: [] }) // a write the resolver does not see
    expect((await resolver.resolve(did)).didDocumentMetadata.versionId).toBe('1')
    expect(reads()).toBe(1)
    clock.advance(61)
    expect((await resolver.resolve(did)).didDocumentMetadata.versionId).toBe('2')
    expect(reads()).toBe(2)
  })

  it('keeps a superseded version for good, and invalidate drops it', async () => {
    const { clock, counting, client, keys, did, reads } = await counted()
    await client.update({ did, updateKey: keys.update, agreementKeys: [] })
    const resolver = createResolver({
      ledgers: { default: counting },
      cache: createDidCache({ ttlSeconds: 60, now: clock.now }),
    })
    await resolver.resolve(`${did}?versionId=1`)
    clock.advance(86_400)
    await resolver.resolve(`${did}?versionId=1`)
    expect(reads()).toBe(1)
    resolver.invalidate(did)
    await resolver.resolve(`${did}?versionId=1`)
    expect(reads()).toBe(2)
  })

  it('is cleared by the client on its own writes', async () => {
    const { counting, keys, did } = await counted()
    const resolver = createResolver({
      ledgers: { default: counting },
      cache: createDidCache({ ttlSeconds: 3600 }),
    })
    const client = createDidClient({ ledger: counting, resolver })
    expect((await resolver.resolve(did)).didDocumentMetadata.versionId).toBe('1')
    await client.update({ did, updateKey: keys.update, agreementKeys: [] })
    expect((await resolver.resolve(did)).didDocumentMetadata.versionId).toBe('2')
  })

  it('hands out results no caller can change for the next', async () => {
    const { counting, did } = await counted()
    const resolver = createResolver({ ledgers: { default: counting } })
    const first = await resolver.resolve(did)
    expect(() => {
      ;(first.didDocument as { id: string }).id = 'did:example:evil'
    }).toThrow(TypeError)
    expect(() =>
      first.didDocument!.verificationMethod!.push({ id: 'x', type: 'x', controller: 'x' }),
    ).toThrow(TypeError)
    first.didDocument = null // the top level is the caller's own (did-jwt assigns to it)
    expect((await resolver.resolve(did)).didDocument?.id).toBe(did)
  })
})

describe("did-resolver's Resolver", () => {
  it('resolves through getResolver, including DID URLs with versionId', async () => {
    const { ledger } = await ledgerFactories[0]!.make()
    const client = createDidClient({ ledger })
    const keys = await generateKeys()
    const { did } = await client.create({
      deviceKey: keys.device,
      updateKey: keys.update,
      recoveryKey: keys.recovery,
    })
    await client.update({ did, updateKey: keys.update, agreementKeys: [] })
    const resolver = new Resolver(getResolver({ ledgers: { default: ledger } }))
    expect((await resolver.resolve(did)).didDocumentMetadata.versionId).toBe('2')
    expect((await resolver.resolve(`${did}?versionId=1`)).didDocumentMetadata.versionId).toBe('1')
    expect((await resolver.resolve(`${did}?versionId=x`)).didResolutionMetadata.error).toBe('invalidOptions')
    expect((await resolver.resolve('did:marque:0')).didResolutionMetadata.error).toBe('invalidDid')
  })
})

describe('property: resolve never throws', () => {
  it('answers any string with a result, and a document only for the DID it names', async () => {
    const { ledger } = await ledgerFactories[0]!.make()
    const keys = await generateKeys()
    const { did } = await createDidClient({ ledger }).create({
      deviceKey: keys.device,
      updateKey: keys.update,
      recoveryKey: keys.recovery,
    })
    const resolver = createResolver({ ledgers: { default: ledger }, cache: false })
    const near = fc
      .tuple(fc.constantFrom(did, `${did}?`, `${did}#`, `${did}/`, 'did:marque:'), fc.string())
      .map(([a, b]) => a + b)
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), near), async (url) => {
        const r = await resolver.resolve(url)
        if (r.didResolutionMetadata.error === undefined) {
          expect(url.startsWith(did)).toBe(true)
          expect(r.didDocument?.id).toBe(did)
        } else {
          expect(r.didDocument).toBeNull()
          expect(typeof r.didResolutionMetadata.message).toBe('string')
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('resolverAtTime', () => {
  it('adds versionTime before the fragment, after any query, and refuses a bad time', async () => {
    const asked: string[] = []
    const inner = {
      resolve: async (url: string) => {
        asked.push(url)
        return { didResolutionMetadata: {}, didDocument: null, didDocumentMetadata: {} }
      },
    }
    const at = resolverAtTime({ resolver: inner, versionTime: 1_700_000_000 })
    await at.resolve('did:marque:x')
    await at.resolve('did:marque:x#key')
    await at.resolve('did:marque:x?service=a#key')
    expect(asked).toEqual([
      'did:marque:x?versionTime=2023-11-14T22:13:20Z',
      'did:marque:x?versionTime=2023-11-14T22:13:20Z#key',
      'did:marque:x?service=a&versionTime=2023-11-14T22:13:20Z#key',
    ])
    expect(() => resolverAtTime({ resolver: inner, versionTime: new Date(Number.NaN) })).toThrowError(
      expect.objectContaining({ code: DidErrorCode.InvalidParameter }),
    )
    expect(() => resolverAtTime({ resolver: inner, versionTime: 1.5 })).toThrowError(
      expect.objectContaining({ code: DidErrorCode.InvalidParameter }),
    )
  })
})
