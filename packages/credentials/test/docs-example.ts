import {
  createPresentation,
  createStatusRegistry,
  createVerifier,
  hwmodelOf,
  issueDeviceIdentityCredential,
  type TrustPolicy,
} from '@marque/credentials'
import { encodeMultikey, generateSigner, toDidKey, withKeyId } from '@marque/crypto'
import { Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'

// Any DID did-resolver resolves can be a manufacturer: did:marque, did:web or, here, did:key.
async function didKeySigner() {
  const key = await generateSigner()
  const did = toDidKey(key.publicKey)
  return { did, signer: withKeyId(key, `${did}#${encodeMultikey(key.publicKey, 'Ed25519')}`) }
}

export async function main() {
  const manufacturer = await didKeySigner()
  const device = await didKeySigner()

  // Factory: a status slot, then the credential, then the signed status list to publish.
  const statusLists = new Map<string, string>()
  const registry = createStatusRegistry({
    signer: manufacturer.signer,
    revocationUrl: 'https://status.acme.example/lists/1',
  })
  const slot = registry.allocate()
  const credential = await issueDeviceIdentityCredential({
    signer: manufacturer.signer,
    device: device.did,
    claims: {
      oemid: 'AAEC',
      hwmodel: hwmodelOf('TH-100'),
      hwversion: ['1.2'],
      serialNumber: 'SN-000001',
      manufactureDate: '2025-03-14',
      swname: 'thermo-fw',
      swversion: ['3.1.4', 16384],
    },
    status: slot.credentialStatus,
  })
  const { revocation } = await registry.publish()
  statusLists.set(revocation.url, revocation.credential)

  // Gateway: a verifier with a trust policy, kept for the gateway's lifetime.
  const policy: TrustPolicy = {
    credentialTypes: {
      DeviceIdentityCredential: {
        issuers: [manufacturer.did],
        allowedModels: ['TH-100'],
        requireStatus: true,
      },
    },
    requiredTypes: ['DeviceIdentityCredential'],
  }
  const verifier = createVerifier({
    resolver: new Resolver(getResolver(), { cache: true }),
    policy,
    // Production gateways use the default fetcher (https: and DID service URLs).
    fetchStatusList: async (url) => statusLists.get(url) ?? Promise.reject(new Error(`no list at ${url}`)),
  })

  // The device answers the gateway's challenge with a presentation.
  const nonce = crypto.randomUUID()
  const presentation = await createPresentation({
    signer: device.signer,
    credentials: [credential],
    nonce,
    audience: 'did:web:gateway.acme.example',
  })
  const admitted = await verifier.verifyPresentation(presentation, {
    nonce,
    audience: 'did:web:gateway.acme.example',
  })

  // Later the manufacturer revokes the device; gateways refuse it once their cached list expires.
  registry.revoke(slot.index)
  statusLists.set(revocation.url, (await registry.publish()).revocation.credential)
  verifier.clearCaches()
  const refused = await verifier.verifyCredential(credential).catch((error) => error.code)

  return { holder: admitted.holder, format: admitted.credentials[0]?.format, refused, device: device.did }
}
