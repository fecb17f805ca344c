// Historical resolution, deactivation and ownership against an IN-TEST resolver
// (TestDidRegistry in helpers.ts: hand-written, versioned documents behind did-resolver's
// Resolvable). The same cases run against real did:marque in marque-did.test.ts.
import { withKeyId } from '@marque/crypto'
import { describe, expect, it } from 'vitest'
import {
  CredentialErrorCode as C,
  checkOwnership,
  createVerifier,
  issueDeviceOwnershipCredential,
} from '../src/index.js'
import { didKeyParty, expectCode, identityFrom, multikeyMethod, NOW, registryIssuer } from './helpers.js'

/** An issuer with key-1 from NOW-1000, rotated to key-2 at NOW-200. */
async function rotatedIssuer() {
  const issuer = await registryIssuer('rotating')
  const next = await didKeyParty('rotating-next')
  issuer.registry.publish(
    {
      id: issuer.did,
      verificationMethod: [multikeyMethod(issuer.did, 'key-2', next.signer.publicKey)],
      assertionMethod: ['#key-2'],
    },
    NOW - 200,
  )
  return { ...issuer, nextSigner: withKeyId(next.signer, `${issuer.did}#key-2`) }
}

describe('a key rotated out after issuance', () => {
  it('a credential it signed before the rotation still verifies, resolved as of issuance', async () => {
    const issuer = await rotatedIssuer()
    const device = await didKeyParty('device-1')
    const jwt = await identityFrom(issuer.signer, device.did, NOW - 500)
    const verified = await createVerifier({
      resolver: issuer.registry,
      clock: () => NOW * 1000,
    }).verifyCredential(jwt)
    expect(verified.kid).toBe(`${issuer.did}#key-1`)
    expect(verified.resolvedAt).toBe('2024-12-31T23:51:40Z')
    expect(issuer.registry.resolutions).toEqual([
      issuer.did,
      `${issuer.did}?versionTime=2024-12-31T23:51:40Z`,
    ])
  })

  it('cannot sign new credentials: one dated after the rotation is refused', async () => {
    const issuer = await rotatedIssuer()
    const device = await didKeyParty('device-1')
    const jwt = await identityFrom(issuer.signer, device.did, NOW - 100)
    await expectCode(
      createVerifier({ resolver: issuer.registry, clock: () => NOW * 1000 }).verifyCredential(jwt),
      C.KidUnknown,
    )
  })

  it('is refused when historical resolution is turned off', async () => {
    const issuer = await rotatedIssuer()
    const jwt = await identityFrom(issuer.signer, (await didKeyParty('device-1')).did, NOW - 500)
    const verifier = createVerifier({
      resolver: issuer.registry,
      clock: () => NOW * 1000,
      historicalResolution: false,
    })
    await expectCode(verifier.verifyCredential(jwt), C.KidUnknown)
  })

  it('the new key verifies from the current document', async () => {
    const issuer = await rotatedIssuer()
    const jwt = await identityFrom(issuer.nextSigner, (await didKeyParty('device-1')).did, NOW - 100)
    const verified = await createVerifier({
      resolver: issuer.registry,
      clock: () => NOW * 1000,
    }).verifyCredential(jwt)
    expect(verified.resolvedAt).toBeUndefined()
  })
})

describe('deactivation', () => {
  it('refuses every credential of a deactivated issuer, old ones included', async () => {
    const issuer = await rotatedIssuer()
    const device = await didKeyParty('device-1')
    const old = await identityFrom(issuer.signer, device.did, NOW - 500)
    const recent = await identityFrom(issuer.nextSigner, device.did, NOW - 100)
    issuer.registry.publish({ id: issuer.did }, NOW - 10, true)
    const verifier = createVerifier({ resolver: issuer.registry, clock: () => NOW * 1000 })
    await expectCode(verifier.verifyCredential(old), C.IssuerDeactivated)
    await expectCode(verifier.verifyCredential(recent), C.IssuerDeactivated)
  })

  it('takes effect for a running verifier once its document cache expires', async () => {
    const issuer = await rotatedIssuer()
    const jwt = await identityFrom(issuer.nextSigner, (await didKeyParty('device-1')).did, NOW - 100)
    let now = NOW
    const verifier = createVerifier({
      resolver: issuer.registry,
      clock: () => now * 1000,
      documentTtl: 60_000,
    })
    await verifier.verifyCredential(jwt)
    issuer.registry.publish({ id: issuer.did }, NOW, true)
    now = NOW + 30
    await expect(verifier.verifyCredential(jwt)).resolves.toBeDefined()
    now = NOW + 61
    await expectCode(verifier.verifyCredential(jwt), C.IssuerDeactivated)
  })
})

describe('ownership against the ledger record', () => {
  async function sale() {
    const seller = await didKeyParty('seller')
    const buyer = await didKeyParty('buyer')
    const later = await didKeyParty('later-buyer')
    const device = await registryIssuer('device', (did, key) => ({
      controller: seller.did,
      verificationMethod: [multikeyMethod(did, 'key-1', key)],
      authentication: ['#key-1'],
    }))
    const transferred = { id: device.did, controller: buyer.did }
    device.registry.publish(transferred, NOW - 100)
    const jwt = await issueDeviceOwnershipCredential({
      signer: seller.signer,
      device: device.did,
      owner: buyer.did,
      ledgerVersionId: '2',
      clock: () => NOW * 1000,
    })
    const { Resolver } = await import('did-resolver')
    const { getResolver } = await import('key-did-resolver')
    const resolver = new Resolver({
      ...getResolver(),
      test: (_did, parsed) => device.registry.resolve(parsed.didUrl),
    })
    const credential = await createVerifier({ resolver, clock: () => NOW * 1000 }).verifyCredential(jwt)
    return { device, buyer, later, credential, resolver }
  }

  it('accepts a sale that the ledger shows', async () => {
    const s = await sale()
    await expect(checkOwnership({ credential: s.credential, resolver: s.resolver })).resolves.toEqual({
      device: s.device.did,
      owner: s.buyer.did,
      versionId: '2',
    })
  })

  it('refuses a sale record that names another version than the transfer', async () => {
    const s = await sale()
    const claims = { ...s.credential.claims, ledgerVersionId: '1' }
    await expectCode(
      checkOwnership({ credential: { ...s.credential, claims }, resolver: s.resolver }),
      C.OwnershipMismatch,
    )
  })

  it('refuses a sale that a later transfer superseded, unless only the record is checked', async () => {
    const s = await sale()
    s.device.registry.publish({ id: s.device.did, controller: s.later.did }, NOW - 50)
    await expectCode(checkOwnership({ credential: s.credential, resolver: s.resolver }), C.OwnershipMismatch)
    await expect(
      checkOwnership({ credential: s.credential, resolver: s.resolver, current: false }),
    ).resolves.toBeDefined()
  })
})
