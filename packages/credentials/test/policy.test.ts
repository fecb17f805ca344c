// The trust policy: trusted issuers per type (directly or through a trust list signed by an
// anchor), allowed models and firmware, maximum age, required status and types.
import type { Resolvable } from 'did-resolver'
import { describe, expect, it } from 'vitest'
import {
  CredentialErrorCode as C,
  createPresentation,
  createStatusRegistry,
  hwmodelOf,
  issueDeviceOwnershipCredential,
  issueTrustList,
  type TrustPolicy,
} from '../src/index.js'
import { DEVICE_CLAIMS, didKeyParty, editJws, expectCode, NOW, scenario } from './helpers.js'

/** The usual cast with a policy trusting the manufacturer for DeviceIdentityCredential. */
async function policyScenario(
  rule: TrustPolicy['credentialTypes'][string] = {},
  extra: Partial<TrustPolicy> = {},
) {
  const s = await scenario()
  const resolutions: string[] = []
  const counting: Resolvable = {
    resolve: (url, options) => {
      resolutions.push(url)
      return s.resolver.resolve(url, options)
    },
  }
  const policy: TrustPolicy = {
    credentialTypes: { DeviceIdentityCredential: { issuers: [s.maker.did], ...rule } },
    ...extra,
  }
  const verifier = s.verifier({ resolver: counting, policy })
  return { ...s, policy, resolutions, verifier: () => verifier }
}

describe('trusted issuers', () => {
  it('accepts a trusted issuer', async () => {
    const s = await policyScenario()
    await expect(s.verifier().verifyCredential(await s.issue())).resolves.toBeDefined()
  })

  it('refuses an untrusted issuer before resolving anything', async () => {
    const s = await policyScenario()
    const stranger = await didKeyParty('stranger')
    const jwt = await s.issue({ signer: stranger.signer })
    await expectCode(s.verifier().verifyCredential(jwt), C.UntrustedIssuer)
    expect(s.resolutions).toEqual([])
  })

  it('refuses an issuer trusted for another type only', async () => {
    const s = await policyScenario()
    const seller = await didKeyParty('seller')
    const policy: TrustPolicy = {
      credentialTypes: {
        DeviceIdentityCredential: { issuers: [s.maker.did] },
        DeviceOwnershipCredential: { issuers: [seller.did] },
      },
    }
    const jwt = await s.issue({ signer: seller.signer })
    await expectCode(s.verifier().verifyCredential(jwt), C.UntrustedIssuer)
    await expectCode(
      (await scenario()).verifier({ policy }).verifyCredential(await s.issue({ signer: seller.signer })),
      C.UntrustedIssuer,
    )
  })

  it('refuses a type the policy does not list', async () => {
    const s = await policyScenario()
    const owner = await didKeyParty('owner')
    const jwt = await issueDeviceOwnershipCredential({
      signer: s.maker.signer,
      device: s.device.did,
      owner: owner.did,
      clock: s.time.clock,
    })
    await expectCode(s.verifier().verifyCredential(jwt), C.PolicyViolation)
  })
})

describe('what a credential may say', () => {
  it('allowed models (names, matched against the EAT hwmodel)', async () => {
    const s = await policyScenario({ allowedModels: ['TH-100'] })
    expect(DEVICE_CLAIMS.hwmodel).toBe(hwmodelOf('TH-100'))
    await expect(s.verifier().verifyCredential(await s.issue())).resolves.toBeDefined()
    const other = await s.issue({ claims: { ...DEVICE_CLAIMS, hwmodel: hwmodelOf('TH-200') } })
    await expectCode(s.verifier().verifyCredential(other), C.PolicyViolation)
  })

  it('allowed firmware names and versions', async () => {
    const s = await policyScenario({
      allowedFirmwareNames: ['thermo-fw'],
      allowedFirmwareVersions: ['3.1.4', '3.2.0'],
    })
    await expect(s.verifier().verifyCredential(await s.issue())).resolves.toBeDefined()
    const old = await s.issue({ claims: { ...DEVICE_CLAIMS, swversion: ['2.9.0', 16384] } })
    await expectCode(s.verifier().verifyCredential(old), C.PolicyViolation)
    const renamed = await s.issue({ claims: { ...DEVICE_CLAIMS, swname: 'other-fw' } })
    await expectCode(s.verifier().verifyCredential(renamed), C.PolicyViolation)
  })

  it('allowed values of any claim', async () => {
    const s = await policyScenario({ claims: { oemid: ['AAEC'], hwversion: [['1.2', 1]] } })
    await expect(s.verifier().verifyCredential(await s.issue())).resolves.toBeDefined()
    const rev = await s.issue({ claims: { ...DEVICE_CLAIMS, hwversion: ['1.3', 1] } })
    await expectCode(s.verifier().verifyCredential(rev), C.PolicyViolation)
  })

  it('allowed values of a claim compare objects by value, whatever the order of their members', async () => {
    const allowed = { model: 'TH-100', rev: [1, { minor: 2, major: 1 }] }
    const s = await policyScenario({ claims: { board: [allowed] } })
    const reordered = { rev: [1, { major: 1, minor: 2 }], model: 'TH-100' }
    const ok = await s.issue({ claims: { ...DEVICE_CLAIMS, board: reordered } })
    await expect(s.verifier().verifyCredential(ok)).resolves.toBeDefined()
    // Arrays keep their order: the same items swapped are another value.
    const swapped = { model: 'TH-100', rev: [{ minor: 2, major: 1 }, 1] }
    const refused = await s.issue({ claims: { ...DEVICE_CLAIMS, board: swapped } })
    await expectCode(s.verifier().verifyCredential(refused), C.PolicyViolation)
    const absent = await s.issue()
    await expectCode(s.verifier().verifyCredential(absent), C.PolicyViolation)
  })

  it('maximum age', async () => {
    const s = await policyScenario({ maxAge: 3600 })
    const jwt = await s.issue()
    s.time.now = NOW + 3600
    await expect(s.verifier().verifyCredential(jwt)).resolves.toBeDefined()
    s.time.now = NOW + 3601
    await expectCode(s.verifier().verifyCredential(jwt), C.PolicyViolation)
  })

  it('required status', async () => {
    const s = await policyScenario({ requireStatus: true })
    await expectCode(s.verifier().verifyCredential(await s.issue()), C.PolicyViolation)
    const registry = createStatusRegistry({
      signer: s.maker.signer,
      revocationUrl: 'https://s.example/r',
      clock: s.time.clock,
    })
    const jwt = await s.issue({ status: registry.allocate().credentialStatus })
    const list = (await registry.publish()).revocation.credential
    const offline = (await scenario()).verifier({
      policy: s.policy,
      fetchStatusList: async () => {
        throw new Error('offline')
      },
    })
    const withList = (await scenario()).verifier({
      policy: s.policy,
      fetchStatusList: async () => list,
    })
    await expect(withList.verifyCredential(jwt)).resolves.toBeDefined()
    await expectCode(offline.verifyCredential(jwt), C.StatusUnavailable)
  })

  it('required types in a presentation', async () => {
    const s = await policyScenario({}, { requiredTypes: ['DeviceIdentityCredential'] })
    const withIt = await createPresentation({
      signer: s.device.signer,
      credentials: [await s.issue()],
      nonce: 'n1',
      audience: 'gw',
      clock: s.time.clock,
    })
    await expect(
      s.verifier().verifyPresentation(withIt, { nonce: 'n1', audience: 'gw' }),
    ).resolves.toBeDefined()
    const without = await createPresentation({
      signer: s.device.signer,
      credentials: [],
      nonce: 'n1',
      audience: 'gw',
      clock: s.time.clock,
    })
    await expectCode(
      s.verifier().verifyPresentation(without, { nonce: 'n1', audience: 'gw' }),
      C.PolicyViolation,
    )
  })
})

describe('trust lists', () => {
  async function listScenario(listSigner?: 'anchor' | 'impostor', validUntil?: number) {
    const s = await scenario()
    const anchor = await didKeyParty('anchor')
    const impostor = await didKeyParty('impostor')
    const list = await issueTrustList({
      signer: (listSigner === 'impostor' ? impostor : anchor).signer,
      id: 'urn:example:trust-list:1',
      issuers: [{ id: s.maker.did, credentialTypes: ['DeviceIdentityCredential'], name: 'Acme Sensors' }],
      clock: s.time.clock,
      ...(validUntil === undefined ? {} : { validUntil }),
    })
    const policy: TrustPolicy = {
      credentialTypes: { DeviceIdentityCredential: {} },
      trustLists: [{ anchor: anchor.did, credential: list }],
    }
    return { ...s, anchor, list, policy }
  }

  it('trusts the issuers a list signed by its anchor names, for the types it names', async () => {
    const s = await listScenario()
    await expect(s.verifier({ policy: s.policy }).verifyCredential(await s.issue())).resolves.toBeDefined()
    const stranger = await didKeyParty('stranger')
    await expectCode(
      s.verifier({ policy: s.policy }).verifyCredential(await s.issue({ signer: stranger.signer })),
      C.UntrustedIssuer,
    )
  })

  it('refuses a list signed by someone other than the anchor', async () => {
    const s = await listScenario('impostor')
    await expectCode(s.verifier({ policy: s.policy }).verifyCredential(await s.issue()), C.TrustListInvalid)
  })

  it('refuses a tampered list', async () => {
    const s = await listScenario()
    const stranger = await didKeyParty('stranger')
    const tampered = editJws(s.list, ({ payload }) => {
      ;(payload.credentialSubject as { issuers: { id: string }[] }).issuers[0]!.id = stranger.did
    })
    const policy = { ...s.policy, trustLists: [{ anchor: s.anchor.did, credential: tampered }] }
    await expectCode(
      s.verifier({ policy }).verifyCredential(await s.issue({ signer: stranger.signer })),
      C.TrustListInvalid,
    )
  })

  it('stops trusting once the list expires', async () => {
    const s = await listScenario('anchor', NOW + 600)
    const jwt = await s.issue({ validUntil: NOW + 7200 })
    const verifier = s.verifier({ policy: s.policy })
    await expect(verifier.verifyCredential(jwt)).resolves.toBeDefined()
    s.time.now = NOW + 700
    await expectCode(verifier.verifyCredential(jwt), C.TrustListInvalid)
  })

  it('fetches a list by URL', async () => {
    const s = await listScenario()
    const policy: TrustPolicy = {
      credentialTypes: { DeviceIdentityCredential: {} },
      trustLists: [{ anchor: s.anchor.did, url: 'https://anchor.example/list' }],
    }
    const fetched: string[] = []
    const verifier = s.verifier({
      policy,
      fetchStatusList: async (url) => {
        fetched.push(url)
        return s.list
      },
    })
    await verifier.verifyCredential(await s.issue())
    await verifier.verifyCredential(await s.issue())
    expect(fetched).toEqual(['https://anchor.example/list'])
  })
})

it.each([
  ['no credential types', {}],
  ['an unknown member', { credentialTypes: { X: {} }, extra: true }],
  ['an issuer that is not a DID', { credentialTypes: { X: { issuers: ['acme'] } } }],
  ['a negative maxAge', { credentialTypes: { X: { maxAge: -1 } } }],
  [
    'a trust list with neither credential nor url',
    { credentialTypes: { X: {} }, trustLists: [{ anchor: 'did:key:z6Mk' }] },
  ],
])('refuses a policy with %s', async (_name, policy) => {
  const s = await scenario()
  await expectCode(
    Promise.resolve().then(() => s.verifier({ policy: policy as TrustPolicy })),
    C.PolicyInvalid,
  )
})
