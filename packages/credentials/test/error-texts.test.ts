// Every error code is reachable, and its text is snapshot-tested: a change to what callers
// read shows in review. Parties and times are fixed, so the texts are stable.
import { exportSecretKey, toHex } from '@marque/crypto'
import { Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'
import { expect, it } from 'vitest'
import {
  CredentialError,
  CredentialErrorCode,
  checkOwnership,
  compileSchema,
  createPresentation,
  createStatusRegistry,
  createVerifier,
  issueDeviceOwnershipCredential,
  issueTrustList,
  type TrustPolicy,
} from '../src/index.js'
import { publishStatusListFile } from '../src/node.js'
import {
  didKeyParty,
  editJws,
  identityFrom,
  multikeyMethod,
  NOW,
  registryIssuer,
  resign,
  scenario,
} from './helpers.js'

it('every code, with its message, details and hint', async () => {
  const s = await scenario()
  const other = await didKeyParty('impostor')
  const jwt = await s.issue({ validUntil: NOW + 10 })
  const verifier = s.verifier()
  const edit = (token: string, change: Parameters<typeof editJws>[1]) =>
    resign(editJws(token, change), s.maker.signer)
  const fixed = () => NOW * 1000

  // An issuer and a holder in the in-test registry, for deactivation and key relationships.
  const holder = await registryIssuer('holder', (did, key) => ({
    verificationMethod: [multikeyMethod(did, 'key-1', key)],
    assertionMethod: ['#key-1'],
  }))
  const resolver = new Resolver({
    ...getResolver(),
    test: (_d, parsed) => holder.registry.resolve(parsed.didUrl),
  })
  const mixed = createVerifier({ resolver, clock: fixed })
  const present = (more: Partial<Parameters<typeof createPresentation>[0]> = {}) =>
    createPresentation({
      signer: s.device.signer,
      credentials: [jwt],
      nonce: 'n',
      audience: 'gw',
      clock: fixed,
      ...more,
    })

  /** An empty presentation by an in-test registry party, to a verifier that resolves it. */
  const presentAs = async (party: Awaited<ReturnType<typeof registryIssuer>>) => {
    const r = new Resolver({ test: (_d, parsed) => party.registry.resolve(parsed.didUrl) })
    return createVerifier({ resolver: r, clock: fixed }).verifyPresentation(
      await present({ signer: party.signer, credentials: [] }),
      { nonce: 'n', audience: 'gw' },
    )
  }

  // Status lists served from memory.
  // A fixed sequence instead of the secure random source, so indexes are stable.
  let draw = 0
  const registry = createStatusRegistry({
    signer: s.maker.signer,
    revocationUrl: 'https://s.example/r',
    suspensionUrl: 'https://s.example/s',
    clock: fixed,
    random: (bound) => (draw++ * 7919) % bound,
  })
  const revokedSlot = registry.allocate()
  const suspendedSlot = registry.allocate()
  registry.revoke(revokedSlot.index)
  registry.suspend(suspendedSlot.index)
  const lists = await registry.publish()
  const served = new Map([
    [lists.revocation.url, lists.revocation.credential],
    [lists.suspension!.url, lists.suspension!.credential],
    ['https://s.example/unsigned', 'not a token'],
  ])
  const statusVerifier = s.verifier({
    fetchStatusList: async (url) => served.get(url) ?? Promise.reject(new Error('404')),
  })
  const full = createStatusRegistry({ signer: s.maker.signer, revocationUrl: 'https://s.example/full' })
  for (let i = 0; i < full.length; i++) full.allocate()

  const policyVerifier = (policy: TrustPolicy) => s.verifier({ policy })
  const owner = await didKeyParty('owner')
  const sale = await s.verifier().verifyCredential(
    await issueDeviceOwnershipCredential({
      signer: s.maker.signer,
      device: holder.did,
      owner: owner.did,
      clock: s.time.clock,
    }),
  )

  const C = CredentialErrorCode
  const cases: Partial<Record<CredentialErrorCode, () => Promise<unknown>>> = {
    [C.TooLarge]: () => verifier.verifyCredential(`${jwt}${'A'.repeat(20000)}`),
    [C.Malformed]: () => verifier.verifyCredential('abc'),
    [C.UnsupportedAlg]: async () =>
      verifier.verifyCredential(await edit(jwt, ({ header }) => Object.assign(header, { alg: 'ES256K' }))),
    [C.IssuerUnresolvable]: async () =>
      verifier.verifyCredential(
        await edit(jwt, ({ header, payload }) => {
          Object.assign(payload, { iss: 'did:example:nobody', issuer: 'did:example:nobody' })
          header.kid = 'did:example:nobody#key-1'
        }),
      ),
    [C.IssuerDeactivated]: async () => {
      const issuer = await registryIssuer('gone')
      const credential = await identityFrom(issuer.signer, s.device.did, NOW - 500)
      issuer.registry.publish({ id: issuer.did }, NOW - 100, true)
      return createVerifier({ resolver: issuer.registry, clock: fixed }).verifyCredential(credential)
    },
    [C.IssuerMismatch]: async () =>
      verifier.verifyCredential(
        await edit(jwt, ({ payload }) => Object.assign(payload, { issuer: other.did })),
      ),
    [C.KidUnknown]: async () =>
      verifier.verifyCredential(
        await edit(jwt, ({ header }) => Object.assign(header, { kid: `${s.maker.did}#x` })),
      ),
    [C.KeyNotAssertionMethod]: async () => {
      const issuer = await registryIssuer('invoker', (did, key) => ({
        verificationMethod: [multikeyMethod(did, 'key-1', key)],
        capabilityInvocation: ['#key-1'],
      }))
      return createVerifier({ resolver: issuer.registry, clock: fixed }).verifyCredential(
        await identityFrom(issuer.signer, s.device.did),
      )
    },
    [C.KeyUnsupported]: async () => {
      const issuer = await registryIssuer('foreign-key', (did, key) => ({
        verificationMethod: [
          { ...multikeyMethod(did, 'key-1', key), controller: 'did:example:someone-else' },
        ],
        assertionMethod: ['#key-1'],
      }))
      return createVerifier({ resolver: issuer.registry, clock: fixed }).verifyCredential(
        await identityFrom(issuer.signer, s.device.did),
      )
    },
    [C.SignatureInvalid]: () => verifier.verifyCredential(`${jwt.slice(0, -4)}AAAA`),
    [C.Expired]: () => s.verifier({ clock: () => (NOW + 100) * 1000 }).verifyCredential(jwt),
    [C.NotYetValid]: () => s.verifier({ clock: () => (NOW - 100) * 1000 }).verifyCredential(jwt),
    [C.SubjectMismatch]: () => verifier.verifyCredential(jwt, { expectedSubject: other.did }),
    [C.SchemaInvalid]: () => verifier.verifyCredential(jwt, { expectedType: 'DeviceOwnershipCredential' }),
    [C.StatusUnavailable]: async () =>
      statusVerifier.verifyCredential(
        await s.issue({
          status: [
            { ...revokedSlot.credentialStatus[0]!, statusListCredential: 'https://s.example/missing' },
          ],
        }),
      ),
    [C.StatusInvalid]: async () =>
      statusVerifier.verifyCredential(
        await s.issue({
          status: [
            { ...revokedSlot.credentialStatus[0]!, statusListCredential: 'https://s.example/unsigned' },
          ],
        }),
      ),
    [C.Revoked]: async () =>
      statusVerifier.verifyCredential(await s.issue({ status: revokedSlot.credentialStatus })),
    [C.Suspended]: async () =>
      statusVerifier.verifyCredential(await s.issue({ status: suspendedSlot.credentialStatus })),
    [C.OwnershipMismatch]: () => checkOwnership({ credential: sale, resolver }),
    [C.UntrustedIssuer]: () =>
      policyVerifier({
        credentialTypes: { DeviceIdentityCredential: { issuers: [other.did] } },
      }).verifyCredential(jwt),
    [C.PolicyViolation]: () =>
      policyVerifier({
        credentialTypes: { DeviceIdentityCredential: { issuers: [s.maker.did], allowedModels: ['TH-900'] } },
      }).verifyCredential(jwt),
    [C.TrustListInvalid]: async () => {
      const list = await issueTrustList({ signer: other.signer, id: 'urn:x:list', issuers: [], clock: fixed })
      return policyVerifier({
        credentialTypes: { DeviceIdentityCredential: {} },
        trustLists: [{ anchor: s.maker.did, credential: list }],
      }).verifyCredential(jwt)
    },
    [C.PolicyInvalid]: async () => policyVerifier({} as TrustPolicy),
    [C.InvalidArgument]: async () => compileSchema({ not: {} } as never),
    [C.StatusListFull]: async () => full.allocate(),
    [C.StatusPublishFailed]: () =>
      publishStatusListFile({ url: 'file:///nonexistent-dir/list.jwt', credential: 'x' }),
    [C.PresentationTooLarge]: async () =>
      verifier.verifyPresentation(`${await present()}${'A'.repeat(70000)}`, { nonce: 'n', audience: 'gw' }),
    [C.PresentationMalformed]: () => verifier.verifyPresentation('a.b', { nonce: 'n', audience: 'gw' }),
    [C.PresentationUnsupportedAlg]: async () =>
      verifier.verifyPresentation(
        editJws(await present(), ({ header }) => Object.assign(header, { alg: 'none' })),
        { nonce: 'n', audience: 'gw' },
      ),
    [C.HolderUnresolvable]: async () =>
      verifier.verifyPresentation(await present({ signer: holder.signer, credentials: [] }), {
        nonce: 'n',
        audience: 'gw',
      }),
    [C.HolderDeactivated]: async () => {
      const gone = await registryIssuer('gone-holder')
      gone.registry.publish({ id: gone.did }, NOW - 100, true)
      return presentAs(gone)
    },
    [C.PresentationSignerMismatch]: async () =>
      verifier.verifyPresentation(
        await resign(
          editJws(await present(), ({ payload }) => Object.assign(payload, { holder: other.did })),
          s.device.signer,
        ),
        { nonce: 'n', audience: 'gw' },
      ),
    [C.PresentationKidUnknown]: async () =>
      verifier.verifyPresentation(
        await resign(
          editJws(await present(), ({ header }) => Object.assign(header, { kid: `${s.device.did}#x` })),
          s.device.signer,
        ),
        { nonce: 'n', audience: 'gw' },
      ),
    [C.KeyNotAuthentication]: async () =>
      mixed.verifyPresentation(await present({ signer: holder.signer, credentials: [] }), {
        nonce: 'n',
        audience: 'gw',
      }),
    [C.PresentationKeyUnsupported]: async () =>
      presentAs(
        await registryIssuer('odd-holder', (did, key) => ({
          verificationMethod: [{ ...multikeyMethod(did, 'key-1', key), type: 'X25519KeyAgreementKey2020' }],
          authentication: ['#key-1'],
        })),
      ),
    [C.PresentationSignatureInvalid]: async () =>
      verifier.verifyPresentation(`${(await present()).slice(0, -4)}AAAA`, { nonce: 'n', audience: 'gw' }),
    [C.PresentationExpired]: async () =>
      s
        .verifier({ clock: () => (NOW + 1000) * 1000 })
        .verifyPresentation(await present(), { nonce: 'n', audience: 'gw' }),
    [C.PresentationNotYetValid]: async () =>
      s
        .verifier({ clock: () => (NOW - 1000) * 1000 })
        .verifyPresentation(await present(), { nonce: 'n', audience: 'gw' }),
    [C.NonceMismatch]: async () =>
      verifier.verifyPresentation(await present(), { nonce: 'other', audience: 'gw' }),
    [C.AudienceMismatch]: async () =>
      verifier.verifyPresentation(await present(), { nonce: 'n', audience: 'other' }),
    [C.HolderMismatch]: async () =>
      verifier.verifyPresentation(await present(), { nonce: 'n', audience: 'gw', expectedHolder: other.did }),
  }

  const texts: string[] = []
  for (const [code, run] of Object.entries(cases) as [CredentialErrorCode, () => Promise<unknown>][]) {
    const error = await Promise.resolve()
      .then(run)
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error, code).toBeInstanceOf(CredentialError)
    expect((error as CredentialError).code, code).toBe(code)
    const { message, details, hint } = error as CredentialError
    texts.push(`${code}: ${message}${details ? ` | ${details}` : ''}${hint ? ` | hint: ${hint}` : ''}`)
  }
  expect(Object.keys(cases).sort()).toEqual(Object.values(CredentialErrorCode).sort())
  expect(texts).toMatchSnapshot()
  for (const party of [s.maker, s.device, other]) {
    const secret = toHex(exportSecretKey(party.signer))
    for (const text of texts) expect(text).not.toContain(secret)
  }
})
