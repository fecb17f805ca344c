// The DID Resolution HTTP(S) binding: status codes and media types from the W3C DID
// Resolution OpenAPI description (w3c/did-resolution, openapi/openapi.yaml), exercised
// with real did:key resolution and a real ledger for submissions.

import { base64urlEncode, encodeMultikey, generateSigner } from '@marque/crypto'
import { createMemoryLedger } from '@marque/ledger'
import { Resolver } from 'did-resolver'
import { getResolver as keyResolver } from 'key-did-resolver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadTest } from '../src/serve/load.js'
import { negotiate } from '../src/serve/negotiate.js'
import { createResolverService, type ResolverService } from '../src/serve/server.js'
import { statusOf } from '../src/serve/status.js'

let service: ResolverService
let base: string
let didKey: string
const ledger = createMemoryLedger()
const API_KEY = 'test-api-key-0123456789'

beforeAll(async () => {
  const signer = await generateSigner()
  didKey = `did:key:${encodeMultikey(signer.publicKey, 'Ed25519')}`
  service = createResolverService({
    resolver: new Resolver({ ...keyResolver() }),
    submit: { ledger, apiKey: API_KEY },
    maxUrlLength: 1024,
    maxBodyBytes: 4096,
  })
  const address = await service.listen(0, '127.0.0.1')
  base = `http://127.0.0.1:${address.port}`
})
afterAll(() => service.close())

const get = (path: string, accept?: string) =>
  fetch(`${base}${path}`, accept === undefined ? {} : { headers: { accept } })

describe('GET /1.0/identifiers/{did}', () => {
  it('answers the resolution result by default and for application/did-resolution', async () => {
    for (const accept of [undefined, 'application/did-resolution', '*/*']) {
      const res = await get(`/1.0/identifiers/${didKey}`, accept)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/did-resolution')
      const body = await res.json()
      expect(body.didDocument.id).toBe(didKey)
      expect(body.didResolutionMetadata).toBeTypeOf('object')
    }
  })

  it('answers the DID document for application/did+json and application/did+ld+json', async () => {
    const json = await get(`/1.0/identifiers/${didKey}`, 'application/did+json')
    expect(json.status).toBe(200)
    expect(json.headers.get('content-type')).toBe('application/did+json')
    expect((await json.json()).id).toBe(didKey)
    const ld = await get(
      `/1.0/identifiers/${encodeURIComponent(didKey)}`,
      'text/html;q=0.9, application/did+ld+json',
    )
    expect(ld.headers.get('content-type')).toBe('application/did+ld+json')
  })

  it('answers 406 for a representation it does not have', async () => {
    const res = await get(`/1.0/identifiers/${didKey}`, 'text/html')
    expect(res.status).toBe(406)
    expect((await res.json()).didResolutionMetadata.error).toBe('representationNotSupported')
  })

  it('answers 400 for an invalid DID and 501 for a method it does not support', async () => {
    const bad = await get('/1.0/identifiers/not-a-did')
    expect(bad.status).toBe(400)
    expect((await bad.json()).didResolutionMetadata.error).toBe('invalidDid')
    const other = await get('/1.0/identifiers/did:example:123')
    expect(other.status).toBe(501)
    const badEscape = await get('/1.0/identifiers/did%ZZ')
    expect(badEscape.status).toBe(400)
  })

  it('bounds the request target and answers 404/405 off the binding', async () => {
    expect((await get(`/1.0/identifiers/did:key:${'z'.repeat(2000)}`)).status).toBe(414)
    expect((await get('/nope')).status).toBe(404)
    expect((await fetch(`${base}/1.0/identifiers/${didKey}`, { method: 'DELETE' })).status).toBe(405)
    expect((await get('/health')).status).toBe(200)
  })

  it('serves a bounded load on 127.0.0.1 without an error', async () => {
    const result = await loadTest({
      urls: [`${base}/1.0/identifiers/${didKey}`],
      requests: 300,
      concurrency: 8,
    })
    expect(result.statuses).toEqual({ 200: 300 })
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms)
    const refused = (message: RegExp) =>
      expect.objectContaining({ code: 'CLI_BAD_INPUT', message: expect.stringMatching(message) })
    const url = `${base}/health`
    await expect(loadTest({ urls: ['http://10.0.0.1/'], requests: 1, concurrency: 1 })).rejects.toThrow(
      refused(/^refusing to load-test 10\.0\.0\.1/),
    )
    await expect(loadTest({ urls: ['not a url'], requests: 1, concurrency: 1 })).rejects.toThrow(
      refused(/is not a URL/),
    )
    await expect(loadTest({ urls: [], requests: 1, concurrency: 1 })).rejects.toThrow(refused(/urls/))
    for (const requests of [0, -1, 1.5, 10_000_001]) {
      await expect(loadTest({ urls: [url], requests, concurrency: 1 })).rejects.toThrow(refused(/^requests/))
    }
    for (const concurrency of [0, 1025, Number.NaN]) {
      await expect(loadTest({ urls: [url], requests: 1, concurrency })).rejects.toThrow(
        refused(/^concurrency/),
      )
    }
  })
})

describe('POST /1.0/operations', () => {
  const body = (did: string, bytes: Uint8Array) =>
    JSON.stringify({ operations: [{ did, operation: base64urlEncode(bytes) }] })
  const post = (text: string, key?: string) =>
    fetch(`${base}/1.0/operations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      },
      body: text,
    })

  it('needs the API key, and never echoes it', async () => {
    const none = await post(body('did:marque:abc', Uint8Array.of(1, 2, 3)))
    expect(none.status).toBe(401)
    const wrong = await post(body('did:marque:abc', Uint8Array.of(1, 2, 3)), 'wrong-key')
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).not.toContain('wrong-key')
  })

  it('anchors a batch on the ledger', async () => {
    const res = await post(body('did:marque:abc', Uint8Array.of(1, 2, 3)), API_KEY)
    expect(res.status).toBe(201)
    const anchored = await res.json()
    expect(anchored.positions).toHaveLength(1)
    const stored = await ledger.read('did:marque:abc')
    expect([...stored[0]!.bytes]).toEqual([1, 2, 3])
  })

  it('refuses malformed and oversized bodies without anchoring anything', async () => {
    const before = (await ledger.read('did:marque:xyz')).length
    expect((await post('{', API_KEY)).status).toBe(400)
    expect((await post(JSON.stringify({ operations: [] }), API_KEY)).status).toBe(400)
    expect(
      (await post(JSON.stringify({ operations: [{ did: 'did:marque:xyz', operation: '!!' }] }), API_KEY))
        .status,
    ).toBe(400)
    expect((await post(body('did:marque:xyz', new Uint8Array(4000)), API_KEY)).status).toBe(413)
    const badDid = await post(body('not a did', Uint8Array.of(1)), API_KEY)
    expect(badDid.status).toBe(422)
    expect((await badDid.json()).error).toBe('LEDGER_INVALID_OPERATION')
    expect((await ledger.read('did:marque:xyz')).length).toBe(before)
  })
})

describe('status and negotiation rules', () => {
  it('maps every DID Resolution error to the binding status code', () => {
    const r = (error?: string, deactivated?: boolean) => ({
      didResolutionMetadata: error === undefined ? {} : { error },
      didDocument: null,
      didDocumentMetadata: deactivated === undefined ? {} : { deactivated },
    })
    expect(statusOf(r())).toBe(200)
    expect(statusOf(r(undefined, true))).toBe(410)
    expect(statusOf(r('invalidDid'))).toBe(400)
    expect(statusOf(r('invalidDidUrl'))).toBe(400)
    expect(statusOf(r('invalidOptions'))).toBe(400)
    expect(statusOf(r('notFound'))).toBe(404)
    expect(statusOf(r('representationNotSupported'))).toBe(406)
    expect(statusOf(r('methodNotSupported'))).toBe(501)
    expect(statusOf(r('unsupportedDidMethod'))).toBe(501)
    expect(statusOf(r('internalError'))).toBe(500)
  })

  it('honours q-values and the legacy resolution media type', () => {
    expect(negotiate('application/did+json;q=0.5, application/did-resolution;q=0.9')).toBe(
      'application/did-resolution',
    )
    expect(negotiate('application/ld+json;profile="https://w3id.org/did-resolution"')).toBe(
      'application/did-resolution',
    )
    expect(negotiate('application/json')).toBe('application/did+json')
    expect(negotiate('application/did+json;q=0')).toBeUndefined()
    expect(negotiate('image/png')).toBeUndefined()
  })
})
