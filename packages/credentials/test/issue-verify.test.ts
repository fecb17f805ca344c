// Issue and verify in both formats with a did:key issuer, and interoperate with did-jwt-vc.

import { exportSecretKey } from '@marque/crypto'
import { EdDSASigner } from 'did-jwt'
import { createVerifiableCredentialJwt, verifyCredential as didJwtVcVerify } from 'did-jwt-vc'
import { describe, expect, it } from 'vitest'
import {
  CredentialErrorCode,
  type CredentialFormat,
  createVerifier,
  hwmodelOf,
  issueCredential,
  issueCredentials,
  issueDeviceIdentityCredential,
  issueDeviceOwnershipCredential,
} from '../src/index.js'
import { DEVICE_CLAIMS, didKeyParty, expectCode, keyResolver, NOW, scenario, testClock } from './helpers.js'

const formats: CredentialFormat[] = ['vc+jwt', 'vc-jwt-1.1']

describe.each(formats)('format %s', (format) => {
  it('issues a DeviceIdentityCredential that verifies, and reports what it says', async () => {
    const { maker, device, issue, verifier } = await scenario(format)
    const jwt = await issue({ validUntil: NOW + 3600, id: 'urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427' })
    const verified = await verifier().verifyCredential(jwt, { expectedSubject: device.did })
    expect(verified.format).toBe(format)
    expect(verified.issuer).toBe(maker.did)
    expect(verified.subject).toBe(device.did)
    expect(verified.kid).toBe(maker.kid)
    expect(verified.types).toEqual(['VerifiableCredential', 'DeviceIdentityCredential'])
    expect(verified.claims).toEqual(DEVICE_CLAIMS)
    expect(verified.id).toBe('urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427')
    expect(verified.issuedAt).toBe(NOW)
    expect(verified.validFrom).toBe(NOW)
    expect(verified.validUntil).toBe(NOW + 3600)
    expect(verified.status).toEqual([])
    expect(verified.resolvedAt).toBeUndefined()
  })

  it('issues a DeviceOwnershipCredential about the new owner, naming the device', async () => {
    const maker = await didKeyParty('manufacturer')
    const device = await didKeyParty('device-1')
    const owner = await didKeyParty('owner')
    const { clock } = testClock()
    const jwt = await issueDeviceOwnershipCredential({
      signer: maker.signer,
      device: device.did,
      owner: owner.did,
      ledgerVersionId: 'bafyreib',
      format,
      clock,
    })
    const verified = await createVerifier({ resolver: keyResolver(), clock }).verifyCredential(jwt, {
      expectedType: 'DeviceOwnershipCredential',
    })
    expect(verified.subject).toBe(owner.did)
    expect(verified.claims).toEqual({
      device: device.did,
      transferDate: '2025-01-01T00:00:00Z',
      ledgerVersionId: 'bafyreib',
    })
  })

  it('refuses to issue claims that break the type schema', async () => {
    const { issue } = await scenario(format)
    await expectCode(
      issue({ claims: { ...DEVICE_CLAIMS, manufactureDate: '2024-13-01' } }),
      CredentialErrorCode.SchemaInvalid,
    )
  })
})

describe('did-jwt-vc interop (VC-JWT 1.1)', () => {
  it('a credential issued by did-jwt-vc verifies with ours', async () => {
    const maker = await didKeyParty('manufacturer')
    const device = await didKeyParty('device-1')
    const { clock } = testClock()
    const jwt = await createVerifiableCredentialJwt(
      {
        sub: device.did,
        nbf: NOW - 10,
        vc: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiableCredential', 'DeviceIdentityCredential'],
          credentialSubject: { ...DEVICE_CLAIMS },
        },
      },
      { did: maker.did, signer: EdDSASigner(exportSecretKey(maker.signer)), alg: 'EdDSA' },
      { header: { kid: maker.kid } },
    )
    const verified = await createVerifier({ resolver: keyResolver(), clock }).verifyCredential(jwt)
    expect(verified.format).toBe('vc-jwt-1.1')
    expect(verified.issuer).toBe(maker.did)
    expect(verified.subject).toBe(device.did)
    expect(verified.claims).toEqual(DEVICE_CLAIMS)
  })

  it('a credential issued by ours verifies with did-jwt-vc verifyCredential', async () => {
    const { maker, device } = await scenario()
    const jwt = await issueDeviceIdentityCredential({
      signer: maker.signer,
      device: device.did,
      claims: { ...DEVICE_CLAIMS },
      format: 'vc-jwt-1.1',
    })
    const verified = await didJwtVcVerify(jwt, keyResolver())
    expect(verified.issuer).toBe(maker.did)
    expect(verified.verifiableCredential.credentialSubject.id).toBe(device.did)
    expect(verified.verifiableCredential.credentialSubject.serialNumber).toBe('SN-000001')
    expect(verified.verifiableCredential.type).toEqual(['VerifiableCredential', 'DeviceIdentityCredential'])
  })

  it('ours writes byte for byte what did-jwt-vc writes for the same credential and key', async () => {
    const { maker, device, issue } = await scenario('vc-jwt-1.1')
    const ours = await issue()
    const theirs = await createVerifiableCredentialJwt(
      {
        sub: device.did,
        nbf: NOW,
        iat: NOW,
        vc: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiableCredential', 'DeviceIdentityCredential'],
          credentialSubject: { ...DEVICE_CLAIMS },
        },
      },
      { did: maker.did, signer: EdDSASigner(exportSecretKey(maker.signer)), alg: 'EdDSA' },
      { header: { alg: 'EdDSA', typ: 'JWT', kid: maker.kid } },
    )
    expect(ours).toBe(theirs)
  })
})

describe('batch issuance', () => {
  it('yields every credential in order, each verifying', async () => {
    const maker = await didKeyParty('manufacturer')
    const devices = await Promise.all([0, 1, 2, 3, 4].map((i) => didKeyParty(`batch-${i}`)))
    const { clock } = testClock()
    const out: string[] = []
    for await (const jwt of issueCredentials({
      signer: maker.signer,
      concurrency: 2,
      clock,
      credentials: devices.map((d, i) => ({
        type: 'DeviceIdentityCredential',
        subject: d.did,
        claims: { ...DEVICE_CLAIMS, serialNumber: `SN-${i}`, hwmodel: hwmodelOf('TH-100') },
      })),
    })) {
      out.push(jwt)
    }
    const verifier = createVerifier({ resolver: keyResolver(), clock })
    for (const [i, jwt] of out.entries()) {
      const v = await verifier.verifyCredential(jwt, { expectedSubject: devices[i]!.did })
      expect(v.claims.serialNumber).toBe(`SN-${i}`)
    }
    expect(out).toHaveLength(5)
  })

  it('stops at the first credential that cannot be issued, with its code', async () => {
    const maker = await didKeyParty('manufacturer')
    const device = await didKeyParty('device-1')
    const issued: string[] = []
    const run = async () => {
      for await (const jwt of issueCredentials({
        signer: maker.signer,
        credentials: [
          { type: 'DeviceIdentityCredential', subject: device.did, claims: { ...DEVICE_CLAIMS } },
          { type: 'DeviceIdentityCredential', subject: 'not a did', claims: { ...DEVICE_CLAIMS } },
        ],
      })) {
        issued.push(jwt)
      }
    }
    await expectCode(run(), CredentialErrorCode.InvalidArgument)
  })
})

it('rejects a signer whose key id is not a DID URL', async () => {
  const maker = await didKeyParty('manufacturer')
  const { withKeyId } = await import('@marque/crypto')
  await expectCode(
    issueCredential({
      signer: withKeyId(maker.signer, 'z6MkNotADidUrl'),
      type: 'DeviceIdentityCredential',
      subject: maker.did,
      claims: { ...DEVICE_CLAIMS },
    }),
    CredentialErrorCode.InvalidArgument,
  )
})
