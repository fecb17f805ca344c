// did:marque issuers and holders, resolved from a ledger by @marque/did: key rotation
// (historical resolution at issuance time), deactivation, and sales matching the ledger's
// transfer of control.
import { generateSigner, type Signer, toDidKey, withKeyId } from '@marque/crypto'
import { createDidClient, createResolver } from '@marque/did'
import { createMemoryLedger } from '@marque/ledger'
import { Resolver } from 'did-resolver'
import { getResolver as getKeyResolver } from 'key-did-resolver'
import { describe, expect, it } from 'vitest'
import {
  CredentialErrorCode as C,
  type CredentialFormat,
  checkOwnership,
  createPresentation,
  createVerifier,
  issueDeviceOwnershipCredential,
} from '../src/index.js'
import { createDidResolver } from '../src/resolvers.js'
import { expectCode, identityFrom, NOW } from './helpers.js'

/** A ledger whose clock the test moves, a did:marque client and a verifier's resolver. */
function world() {
  const time = { now: NOW - 3600 }
  const ledger = createMemoryLedger({ now: () => time.now * 1000 })
  const marque = createResolver({ ledgers: { [ledger.network]: ledger }, cache: false })
  const client = createDidClient({ ledger, resolver: marque })
  const resolver = new Resolver({ ...getKeyResolver(), ...marque.getResolver() })
  const verifier = (at = NOW) => createVerifier({ resolver, clock: () => at * 1000 })
  return { time, ledger, client, resolver, verifier }
}

/** A did:marque DID with one device key, and that key as a signer named by its DID URL. */
async function marqueParty(w: ReturnType<typeof world>) {
  const key = await generateSigner()
  const controller = { update: await generateSigner(), recovery: await generateSigner() }
  const created = await w.client.create({
    deviceKey: key,
    updateKey: controller.update,
    recoveryKey: controller.recovery,
  })
  const kid = created.verificationMethodIds.assertionMethod[0]!
  return { did: created.did, signer: withKeyId(key, kid), controller }
}

describe.each(['vc+jwt', 'vc-jwt-1.1'] as CredentialFormat[])('did:marque, %s', (format) => {
  it('a manufacturer issues, a device presents, a gateway verifies', async () => {
    const w = world()
    const maker = await marqueParty(w)
    const device = await marqueParty(w)
    const credential = await identityFrom(maker.signer, device.did, NOW - 60, { format })
    const presentation = await createPresentation({
      signer: device.signer,
      credentials: [credential],
      nonce: 'n-1',
      audience: 'did:web:gateway.example',
      clock: () => NOW * 1000,
    })
    const verified = await w
      .verifier()
      .verifyPresentation(presentation, { nonce: 'n-1', audience: 'did:web:gateway.example' })
    expect(verified.holder).toBe(device.did)
    expect(verified.credentials[0]!.issuer).toBe(maker.did)
    expect(verified.credentials[0]!.format).toBe(format)
  })

  it('a key rotated out after issuance: old credentials verify as of issuance, new ones signed with it do not', async () => {
    const w = world()
    const maker = await marqueParty(w)
    const device = await marqueParty(w)
    w.time.now = NOW - 1000
    const before = await identityFrom(maker.signer, device.did, NOW - 1000, { format })
    const next = await generateSigner()
    w.time.now = NOW - 500
    const rotated = await w.client.rotate({
      did: maker.did,
      updateKey: maker.controller.update,
      keys: [next],
    })
    const nextSigner = withKeyId(next, rotated.verificationMethodIds.assertionMethod[0]!)
    const verified = await w.verifier().verifyCredential(before)
    expect(verified.resolvedAt).toBe('2024-12-31T23:43:20Z')
    expect(verified.kid).toBe(maker.signer.keyId)
    // The old key cannot sign anything dated after the rotation.
    const forged = await identityFrom(maker.signer, device.did, NOW - 100, { format })
    await expectCode(w.verifier().verifyCredential(forged), C.KidUnknown)
    // Without historical resolution the old credential is refused too.
    const strict = createVerifier({
      resolver: w.resolver,
      clock: () => NOW * 1000,
      historicalResolution: false,
    })
    await expectCode(strict.verifyCredential(before), C.KidUnknown)
    // The new key signs from now on.
    const after = await identityFrom(nextSigner, device.did, NOW - 100, { format })
    expect((await w.verifier().verifyCredential(after)).resolvedAt).toBeUndefined()
  })

  it('a deactivated issuer: every credential it issued is refused', async () => {
    const w = world()
    const maker = await marqueParty(w)
    const device = await marqueParty(w)
    const credential = await identityFrom(maker.signer, device.did, NOW - 60, { format })
    await expect(w.verifier().verifyCredential(credential)).resolves.toBeDefined()
    w.time.now = NOW - 30
    await w.client.deactivate({ did: maker.did, recoveryKey: maker.controller.recovery })
    await expectCode(w.verifier().verifyCredential(credential), C.IssuerDeactivated)
  })
})

it('a deactivated device cannot present', async () => {
  const w = world()
  const maker = await marqueParty(w)
  const device = await marqueParty(w)
  const credential = await identityFrom(maker.signer, device.did, NOW - 60)
  await w.client.deactivate({ did: device.did, recoveryKey: device.controller.recovery })
  const presentation = await createPresentation({
    signer: device.signer,
    credentials: [credential],
    nonce: 'n',
    audience: 'gw',
    clock: () => NOW * 1000,
  })
  await expectCode(
    w.verifier().verifyPresentation(presentation, { nonce: 'n', audience: 'gw' }),
    C.HolderDeactivated,
  )
})

describe('ownership matches the ledger transfer', () => {
  async function sold() {
    const w = world()
    const maker = await marqueParty(w)
    const device = await marqueParty(w)
    const buyer = { update: await generateSigner(), recovery: await generateSigner() }
    w.time.now = NOW - 600
    const transfer = await w.client.transfer({
      did: device.did,
      recoveryKey: device.controller.recovery,
      updateKey: buyer.update,
      nextRecoveryKey: buyer.recovery,
    })
    // The buyer's DID is the did:key of the update key the transfer installed.
    const owner = toDidKey(buyer.update.publicKey)
    const sale = await issueDeviceOwnershipCredential({
      signer: maker.signer,
      device: device.did,
      owner,
      ledgerVersionId: transfer.versionId,
      transferDate: NOW - 600,
      clock: () => NOW * 1000,
    })
    const credential = await w
      .verifier()
      .verifyCredential(sale, { expectedType: 'DeviceOwnershipCredential' })
    return { w, device, buyer, owner, transfer, credential }
  }

  /** The sale no longer holds now, but the record of it stays verifiable for audit. */
  async function expectOnlyTheRecordHolds(s: Awaited<ReturnType<typeof sold>>) {
    await expectCode(
      checkOwnership({ credential: s.credential, resolver: s.w.resolver }),
      C.OwnershipMismatch,
    )
    const record = await checkOwnership({ credential: s.credential, resolver: s.w.resolver, current: false })
    expect(record.owner).toBe(s.owner)
  }

  it('the sale record names the controller the ledger transfer installed', async () => {
    const s = await sold()
    expect(s.transfer.document.controller).toBe(s.owner)
    await expect(checkOwnership({ credential: s.credential, resolver: s.w.resolver })).resolves.toEqual({
      device: s.device.did,
      owner: s.owner,
      versionId: s.transfer.versionId,
    })
  })

  it('a record naming the genesis version, before the sale, does not match', async () => {
    const s = await sold()
    const claims = { ...s.credential.claims, ledgerVersionId: '1' }
    await expectCode(
      checkOwnership({ credential: { ...s.credential, claims }, resolver: s.w.resolver }),
      C.OwnershipMismatch,
    )
  })

  it('a later sale supersedes the record', async () => {
    const s = await sold()
    const next: Signer = await generateSigner()
    await s.w.client.transfer({
      did: s.device.did,
      recoveryKey: s.buyer.recovery,
      updateKey: next,
      nextRecoveryKey: await generateSigner(),
    })
    await expectOnlyTheRecordHolds(s)
  })

  it('a deactivated device has no owner', async () => {
    const s = await sold()
    await s.w.client.deactivate({ did: s.device.did, recoveryKey: s.buyer.recovery })
    await expectOnlyTheRecordHolds(s)
  })
})

it('createDidResolver takes did:marque beside did:key and did:web', async () => {
  const w = world()
  const maker = await marqueParty(w)
  const device = await marqueParty(w)
  const resolver = createDidResolver({
    methods: createResolver({ ledgers: { [w.ledger.network]: w.ledger } }).getResolver(),
  })
  const credential = await identityFrom(maker.signer, device.did, NOW - 60)
  const verified = await createVerifier({ resolver, clock: () => NOW * 1000 }).verifyCredential(credential)
  expect(verified.issuer).toBe(maker.did)
})
