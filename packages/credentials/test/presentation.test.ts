// Presentations: nonce and audience bind a presentation to one challenge and one verifier;
// every credential inside is verified and must be about the presenter.
import { exportSecretKey } from '@marque/crypto'
import { EdDSASigner } from 'did-jwt'
import { createVerifiablePresentationJwt, verifyPresentation as didJwtVcVerifyPresentation } from 'did-jwt-vc'
import { describe, expect, it } from 'vitest'
import {
  CredentialErrorCode as C,
  type CredentialFormat,
  createPresentation,
  type PresentationFormat,
} from '../src/index.js'
import {
  didKeyParty,
  editJws,
  expectCode,
  identityFrom,
  keyResolver,
  multikeyMethod,
  NOW,
  registryIssuer,
  resign,
  scenario,
} from './helpers.js'

const GATEWAY = 'did:web:gateway.example'
const NONCE = 'n-0S6_WzA2Mj'

const combinations: [PresentationFormat, CredentialFormat][] = [
  ['vp+jwt', 'vc+jwt'],
  ['vp+jwt', 'vc-jwt-1.1'],
  ['vp-jwt-1.1', 'vc+jwt'],
  ['vp-jwt-1.1', 'vc-jwt-1.1'],
]

describe.each(combinations)('%s carrying %s', (format, credentialFormat) => {
  async function presented(extra: Partial<Parameters<typeof createPresentation>[0]> = {}) {
    const s = await scenario(credentialFormat)
    const credential = await s.issue({ validUntil: NOW + 3600 })
    const present = (more: Partial<Parameters<typeof createPresentation>[0]> = {}) =>
      createPresentation({
        signer: s.device.signer,
        credentials: [credential],
        nonce: NONCE,
        audience: GATEWAY,
        format,
        clock: s.time.clock,
        ...extra,
        ...more,
      })
    return { ...s, credential, present }
  }

  it('verifies, with each credential, and says which formats it saw', async () => {
    const s = await presented()
    const verified = await s
      .verifier()
      .verifyPresentation(await s.present(), { nonce: NONCE, audience: GATEWAY })
    expect(verified.format).toBe(format)
    expect(verified.holder).toBe(s.device.did)
    expect(verified.kid).toBe(s.device.kid)
    expect(verified.audience).toEqual([GATEWAY])
    expect(verified.credentials).toHaveLength(1)
    expect(verified.credentials[0]!.format).toBe(credentialFormat)
    expect(verified.credentials[0]!.issuer).toBe(s.maker.did)
  })

  it('replayed with another nonce', async () => {
    const s = await presented()
    await expectCode(
      s.verifier().verifyPresentation(await s.present(), { nonce: 'other', audience: GATEWAY }),
      C.NonceMismatch,
    )
  })

  it('replayed to another verifier', async () => {
    const s = await presented()
    await expectCode(
      s.verifier().verifyPresentation(await s.present(), { nonce: NONCE, audience: 'did:web:other.example' }),
      C.AudienceMismatch,
    )
  })

  it('a nonce or audience edited after signing', async () => {
    const s = await presented()
    const jwt = await s.present()
    const renonced = editJws(jwt, ({ payload }) => {
      payload.nonce = 'fresh'
    })
    await expectCode(
      s.verifier().verifyPresentation(renonced, { nonce: 'fresh', audience: GATEWAY }),
      C.PresentationSignatureInvalid,
    )
  })

  it('wrapping an expired credential', async () => {
    const s = await presented()
    const expired = await s.issue({ issuedAt: NOW - 7200, validUntil: NOW - 3600 })
    const error = await expectCode(
      s.verifier().verifyPresentation(await s.present({ credentials: [s.credential, expired] }), {
        nonce: NONCE,
        audience: GATEWAY,
      }),
      C.Expired,
    )
    expect(error.credentialIndex).toBe(1)
    expect(error.message).toMatch(/^credential 2 of 2 in the presentation/)
  })

  it('wrapping a tampered credential', async () => {
    const s = await presented()
    const [h, p, sig] = s.credential.split('.') as [string, string, string]
    const tampered = `${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`
    const error = await expectCode(
      s.verifier().verifyPresentation(await s.present({ credentials: [tampered] }), {
        nonce: NONCE,
        audience: GATEWAY,
      }),
      C.SignatureInvalid,
    )
    expect(error.credentialIndex).toBe(0)
  })

  it('a credential whose subject is not the presenter', async () => {
    const s = await presented()
    const someoneElse = await didKeyParty('device-2')
    const theirs = await s.issue({ device: someoneElse.did })
    await expectCode(
      s
        .verifier()
        .verifyPresentation(await s.present({ credentials: [theirs] }), { nonce: NONCE, audience: GATEWAY }),
      C.HolderMismatch,
    )
  })

  it('another holder than the expected one', async () => {
    const s = await presented()
    const expected = await didKeyParty('device-2')
    await expectCode(
      s.verifier().verifyPresentation(await s.present(), {
        nonce: NONCE,
        audience: GATEWAY,
        expectedHolder: expected.did,
      }),
      C.HolderMismatch,
    )
  })

  it('an expired presentation, and one too old', async () => {
    const s = await presented({ lifetime: 60 })
    const jwt = await s.present()
    const long = await s.present({ lifetime: 3600 })
    const verifier = s.verifier()
    s.time.now = NOW + 60 + 30
    await expectCode(
      verifier.verifyPresentation(jwt, { nonce: NONCE, audience: GATEWAY }),
      C.PresentationExpired,
    )
    s.time.now = NOW + 400
    await expectCode(
      verifier.verifyPresentation(long, { nonce: NONCE, audience: GATEWAY }),
      C.PresentationExpired,
    )
    await expect(
      verifier.verifyPresentation(long, { nonce: NONCE, audience: GATEWAY, maxAge: 600 }),
    ).resolves.toBeDefined()
  })

  it('alg none and other algorithms', async () => {
    const s = await presented()
    for (const alg of ['none', 'ES256K', 'HS256']) {
      const jwt = await resign(
        editJws(await s.present(), ({ header }) => {
          header.alg = alg
        }),
        s.device.signer,
      )
      await expectCode(
        s.verifier().verifyPresentation(jwt, { nonce: NONCE, audience: GATEWAY }),
        C.PresentationUnsupportedAlg,
      )
    }
  })

  it('an oversized presentation', async () => {
    const s = await presented()
    const jwt = await s.present({ credentials: Array.from({ length: 16 }, () => s.credential) })
    await expectCode(
      s
        .verifier({ maxPresentationLength: 4096 })
        .verifyPresentation(jwt, { nonce: NONCE, audience: GATEWAY }),
      C.PresentationTooLarge,
    )
  })
})

describe('holder keys', () => {
  it('refuses a presentation signed with a key not under authentication', async () => {
    const { did, registry, signer } = await registryIssuer('holder', (id, key) => ({
      verificationMethod: [multikeyMethod(id, 'key-1', key)],
      assertionMethod: ['#key-1'],
    }))
    const s = await scenario()
    const credential = await identityFrom(s.maker.signer, did)
    const jwt = await createPresentation({
      signer,
      credentials: [credential],
      nonce: NONCE,
      audience: GATEWAY,
      clock: s.time.clock,
    })
    const { createVerifier } = await import('../src/index.js')
    const { Resolver } = await import('did-resolver')
    const { getResolver } = await import('key-did-resolver')
    const resolver = new Resolver({ ...getResolver(), test: (d) => registry.resolve(d) })
    const verifier = createVerifier({ resolver, clock: s.time.clock })
    await expectCode(
      verifier.verifyPresentation(jwt, { nonce: NONCE, audience: GATEWAY }),
      C.KeyNotAuthentication,
    )
    registry.publish({ id: did }, NOW - 10, true)
    verifier.clearCaches()
    await expectCode(
      verifier.verifyPresentation(jwt, { nonce: NONCE, audience: GATEWAY }),
      C.HolderDeactivated,
    )
  })

  it('refuses vp+jwt credentials that are not enveloped', async () => {
    const s = await scenario()
    const credential = await s.issue()
    const jwt = await resign(
      editJws(
        await createPresentation({
          signer: s.device.signer,
          credentials: [credential],
          nonce: NONCE,
          audience: GATEWAY,
          clock: s.time.clock,
        }),
        ({ payload }) => {
          payload.verifiableCredential = [credential]
        },
      ),
      s.device.signer,
    )
    await expectCode(
      s.verifier().verifyPresentation(jwt, { nonce: NONCE, audience: GATEWAY }),
      C.PresentationMalformed,
    )
  })
})

describe('did-jwt-vc interop (VP-JWT 1.1)', () => {
  it('a presentation made by did-jwt-vc verifies with ours', async () => {
    const s = await scenario('vc-jwt-1.1')
    const credential = await s.issue()
    const jwt = await createVerifiablePresentationJwt(
      {
        vp: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiablePresentation'],
          verifiableCredential: [credential],
        },
      },
      { did: s.device.did, signer: EdDSASigner(exportSecretKey(s.device.signer)), alg: 'EdDSA' },
      { challenge: NONCE, domain: GATEWAY, header: { kid: s.device.kid } },
    )
    const verified = await s.verifier().verifyPresentation(jwt, { nonce: NONCE, audience: GATEWAY })
    expect(verified.format).toBe('vp-jwt-1.1')
    expect(verified.credentials[0]!.subject).toBe(s.device.did)
  })

  it('a presentation made by ours verifies with did-jwt-vc verifyPresentation', async () => {
    const s = await scenario('vc-jwt-1.1')
    const jwt = await createPresentation({
      signer: s.device.signer,
      credentials: [await s.issue()],
      nonce: NONCE,
      audience: GATEWAY,
      format: 'vp-jwt-1.1',
    })
    const verified = await didJwtVcVerifyPresentation(jwt, keyResolver(), {
      challenge: NONCE,
      domain: GATEWAY,
    })
    expect(verified.issuer).toBe(s.device.did)
    expect(verified.verifiablePresentation.verifiableCredential).toHaveLength(1)
  })
})
