// The ready-made credential hook over @marque/credentials: a DeviceIdentityCredential from a
// trusted manufacturer, not revoked, about the peer — with a did:marque device on a ledger.
import {
  CredentialErrorCode,
  createStatusRegistry,
  createVerifier,
  type DeviceIdentityClaims,
  hwmodelOf,
  issueDeviceIdentityCredential,
  type TrustPolicy,
} from '@marque/credentials'
import { encodeMultikey, generateSigner, type Signer, toDidKey, withKeyId } from '@marque/crypto'
import { createDidClient, createResolver, getResolver as getMarqueResolver } from '@marque/did'
import { createMemoryLedger } from '@marque/ledger'
import { Resolver } from 'did-resolver'
import { getResolver as getKeyResolver } from 'key-did-resolver'
import { describe, expect, it } from 'vitest'
import {
  createCredentialCache,
  createInitiator,
  createResponder,
  HandshakeErrorCode,
  type HandshakeIdentity,
  type OutgoingCredential,
  verifyCredentialsWith,
} from '../src/index.js'

async function didKeyParty() {
  const key = await generateSigner()
  const did = toDidKey(key.publicKey)
  return { did, signer: withKeyId(key, `${did}#${encodeMultikey(key.publicKey, 'Ed25519')}`) }
}

const claims: DeviceIdentityClaims = {
  oemid: 'AAEC',
  hwmodel: hwmodelOf('TH-100'),
  hwversion: ['1.2'],
  serialNumber: 'SN-000001',
  manufactureDate: '2025-03-14',
  swname: 'thermo-fw',
  swversion: ['3.1.4', 16384],
}

async function world() {
  const ledger = createMemoryLedger()
  const marque = createResolver({ ledgers: { default: ledger } })
  const client = createDidClient({ ledger, resolver: marque })
  const resolver = new Resolver({ ...getKeyResolver(), ...getMarqueResolver(marque) })
  const manufacturer = await didKeyParty()
  const stranger = await didKeyParty()
  const gateway = await didKeyParty()
  // The device: a did:marque registered by the factory, its key in the device.
  const deviceKey = await generateSigner()
  const created = await client.create({
    deviceKey,
    updateKey: await generateSigner(),
    recoveryKey: await generateSigner(),
  })
  const device = {
    did: created.did,
    signer: withKeyId(deviceKey, created.verificationMethodIds.authentication[0]!),
  }
  const statusLists = new Map<string, string>()
  const registry = createStatusRegistry({
    signer: manufacturer.signer,
    revocationUrl: 'https://status.acme.example/1',
  })
  const issue = async (
    options: { issuer?: Signer; subject?: string; validUntil?: number; validFrom?: number } = {},
  ) => {
    const slot = registry.allocate()
    const jwt = await issueDeviceIdentityCredential({
      signer: options.issuer ?? manufacturer.signer,
      device: options.subject ?? device.did,
      claims,
      status: slot.credentialStatus,
      ...(options.validFrom === undefined ? {} : { validFrom: options.validFrom }),
      ...(options.validUntil === undefined ? {} : { validUntil: options.validUntil }),
    })
    const { revocation } = await registry.publish()
    statusLists.set(revocation.url, revocation.credential)
    return { jwt, slot }
  }
  const policy: TrustPolicy = {
    credentialTypes: {
      DeviceIdentityCredential: {
        issuers: [manufacturer.did],
        allowedModels: ['TH-100'],
        requireStatus: true,
      },
    },
  }
  const verifier = createVerifier({
    resolver,
    policy,
    fetchStatusList: async (url) => statusLists.get(url) ?? Promise.reject(new Error(`no list at ${url}`)),
  })
  const revoke = async (index: number) => {
    registry.revoke(index)
    const { revocation } = await registry.publish()
    statusLists.set(revocation.url, revocation.credential)
    verifier.clearCaches()
  }
  const cache = createCredentialCache()
  const gatewayParams = {
    identity: gateway as HandshakeIdentity,
    policy: {
      resolver,
      verifyCredentials: verifyCredentialsWith({ verifier, requiredTypes: ['DeviceIdentityCredential'] }),
    },
    credentialCache: cache,
  }
  const responder = createResponder(gatewayParams)
  const connect = async (credentials: readonly (string | OutgoingCredential)[]) => {
    const { message1, next } = await createInitiator({
      identity: { ...device, credentials },
      policy: { resolver },
    }).start()
    const { message2, next: next3 } = await responder.receive1(message1)
    const { message3 } = await next.receive2(message2)
    return (await next3.receive3(message3)).session
  }
  return { device, stranger, issue, revoke, connect }
}

const refusedWith = (cause: string) =>
  expect.objectContaining({
    code: HandshakeErrorCode.CredentialRejected,
    cause: expect.objectContaining({ code: cause }),
  })

describe('credentials verified by @marque/credentials', () => {
  it('admits a did:marque device with a trusted, unrevoked DeviceIdentityCredential', async () => {
    const w = await world()
    const { jwt } = await w.issue()
    const session = await w.connect([jwt])
    expect(session.peer.did).toBe(w.device.did)
    expect(session.peer.claims[0]).toMatchObject({
      subject: w.device.did,
      claims: { serialNumber: 'SN-000001' },
    })
    expect(session.peer.claims[0]?.types).toContain('DeviceIdentityCredential')
  })

  it('refuses a revoked credential, by value and by reference alike', async () => {
    const w = await world()
    const { jwt, slot } = await w.issue()
    await w.connect([jwt])
    await w.connect([{ jwt, byReference: true }])
    await w.revoke(slot.index)
    await expect(w.connect([jwt])).rejects.toThrow(refusedWith(CredentialErrorCode.Revoked))
    await expect(w.connect([{ jwt, byReference: true }])).rejects.toThrow(
      refusedWith(CredentialErrorCode.Revoked),
    )
  })

  it('refuses an expired credential', async () => {
    const w = await world()
    const now = Math.floor(Date.now() / 1000)
    const { jwt } = await w.issue({ validFrom: now - 7200, validUntil: now - 3600 })
    await expect(w.connect([jwt])).rejects.toThrow(refusedWith(CredentialErrorCode.Expired))
  })

  it('refuses a credential from an issuer the policy does not trust', async () => {
    const w = await world()
    const { jwt } = await w.issue({ issuer: w.stranger.signer })
    await expect(w.connect([jwt])).rejects.toThrow(refusedWith(CredentialErrorCode.UntrustedIssuer))
  })

  it('refuses another device’s credential', async () => {
    const w = await world()
    const { jwt } = await w.issue({ subject: (await didKeyParty()).did })
    await expect(w.connect([jwt])).rejects.toThrow(refusedWith(CredentialErrorCode.SubjectMismatch))
  })

  it('needs a verifier with verifyCredential', () => {
    expect(() => verifyCredentialsWith({ verifier: {} as never })).toThrow(
      expect.objectContaining({ code: HandshakeErrorCode.InvalidArgument }),
    )
  })

  it('refuses a device that presents no DeviceIdentityCredential', async () => {
    const w = await world()
    await expect(w.connect([])).rejects.toThrow(
      expect.objectContaining({ code: HandshakeErrorCode.CredentialRejected }),
    )
  })
})
