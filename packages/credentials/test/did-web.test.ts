// A did:web manufacturer, resolved by web-did-resolver over real HTTPS from 127.0.0.1 (a
// certificate made for the test by openssl and trusted for this process only).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeMultikey, publicKeyToJwk, withKeyId } from '@marque/crypto'
import type { DIDDocument } from 'did-resolver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CredentialErrorCode as C, createVerifier } from '../src/index.js'
import { createDidResolver } from '../src/resolvers.js'
import { didKeyParty, expectCode, identityFrom, NOW } from './helpers.js'

let server: https.Server
let dir: string
let did = ''
let document: DIDDocument | string = ''
let served = 0

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'marque-did-web-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  const cert = readFileSync(join(dir, 'cert.pem'))
  server = https.createServer({ cert, key: readFileSync(join(dir, 'key.pem')) }, (req, res) => {
    served++
    if (req.url !== '/.well-known/did.json') {
      res.statusCode = 404
      res.end()
      return
    }
    res.setHeader('content-type', 'application/did+json')
    res.end(typeof document === 'string' ? document : JSON.stringify(document))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  did = `did:web:127.0.0.1%3A${typeof address === 'object' && address ? address.port : 0}`
  // web-did-resolver fetches with Node's https module; trust the test certificate here only.
  https.globalAgent.options.ca = [cert]
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

async function manufacturer(
  relationship: 'assertionMethod' | 'capabilityInvocation',
  keyForm: 'multikey' | 'jwk',
) {
  const party = await didKeyParty(`web-${keyForm}`)
  const method =
    keyForm === 'multikey'
      ? {
          id: `${did}#key-1`,
          type: 'Ed25519VerificationKey2020',
          controller: did,
          publicKeyMultibase: encodeMultikey(party.signer.publicKey, 'Ed25519'),
        }
      : {
          id: `${did}#key-1`,
          type: 'JsonWebKey2020',
          controller: did,
          publicKeyJwk: publicKeyToJwk(party.signer.publicKey),
        }
  document = {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    verificationMethod: [method],
    [relationship]: [`${did}#key-1`],
  }
  return withKeyId(party.signer, `${did}#key-1`)
}

describe('did:web issuer', () => {
  it.each(['multikey', 'jwk'] as const)(
    'verifies a credential signed with a %s key under assertionMethod',
    async (form) => {
      const signer = await manufacturer('assertionMethod', form)
      const device = await didKeyParty('device-1')
      const jwt = await identityFrom(signer, device.did)
      const verifier = createVerifier({ resolver: createDidResolver(), clock: () => NOW * 1000 })
      const verified = await verifier.verifyCredential(jwt, { expectedSubject: device.did })
      expect(verified.issuer).toBe(did)
      expect(verified.kid).toBe(`${did}#key-1`)
    },
  )

  it('resolves once for many verifications (the verifier caches the document and key)', async () => {
    const signer = await manufacturer('assertionMethod', 'multikey')
    const jwt = await identityFrom(signer, (await didKeyParty('device-1')).did)
    const verifier = createVerifier({ resolver: createDidResolver({ ttl: 0 }), clock: () => NOW * 1000 })
    const before = served
    for (let i = 0; i < 5; i++) await verifier.verifyCredential(jwt)
    expect(served - before).toBe(1)
  })

  it('refuses a key listed only under capabilityInvocation', async () => {
    const signer = await manufacturer('capabilityInvocation', 'multikey')
    const jwt = await identityFrom(signer, (await didKeyParty('device-1')).did)
    await expectCode(
      createVerifier({ resolver: createDidResolver(), clock: () => NOW * 1000 }).verifyCredential(jwt),
      C.KeyNotAssertionMethod,
    )
  })

  it('refuses a did.json that is for another DID, or not JSON', async () => {
    const signer = await manufacturer('assertionMethod', 'multikey')
    const jwt = await identityFrom(signer, (await didKeyParty('device-1')).did)
    document = { ...(document as DIDDocument), id: 'did:web:elsewhere.example' }
    await expectCode(
      createVerifier({ resolver: createDidResolver(), clock: () => NOW * 1000 }).verifyCredential(jwt),
      C.IssuerUnresolvable,
    )
    document = '<html>not a DID document</html>'
    await expectCode(
      createVerifier({ resolver: createDidResolver(), clock: () => NOW * 1000 }).verifyCredential(jwt),
      C.IssuerUnresolvable,
    )
  })
})
