// Hostile credentials, each refused with its specific code (docs/credentials.md,
// "Verification"). Status lists and presentations have their own files.
import type { DIDDocument } from 'did-resolver'
import { describe, expect, it } from 'vitest'
import {
  CredentialErrorCode as C,
  type CredentialError,
  type CredentialFormat,
  createVerifier,
  DEFAULT_MAX_CREDENTIAL_LENGTH,
} from '../src/index.js'
import {
  DEVICE_CLAIMS,
  didKeyParty,
  editJws,
  expectCode,
  identityFrom,
  multikeyMethod,
  NOW,
  registryIssuer,
  resign,
  scenario,
} from './helpers.js'

const formats: CredentialFormat[] = ['vc+jwt', 'vc-jwt-1.1']

describe.each(formats)('%s', (format) => {
  it('a tampered signature', async () => {
    const { issue, verifier } = await scenario(format)
    const jwt = await issue()
    const [h, p, s] = jwt.split('.') as [string, string, string]
    const flipped = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`
    await expectCode(verifier().verifyCredential(`${h}.${p}.${flipped}`), C.SignatureInvalid)
  })

  it('a tampered payload under the original signature', async () => {
    const { issue, verifier } = await scenario(format)
    const jwt = editJws(await issue(), ({ payload }) => {
      const subject = (payload.vc as Record<string, unknown> | undefined) ?? payload
      ;(subject.credentialSubject as Record<string, unknown>).serialNumber = 'SN-FORGED'
    })
    await expectCode(verifier().verifyCredential(jwt), C.SignatureInvalid)
  })

  type Parts = Parameters<Parameters<typeof editJws>[1]>[0]
  const body = (payload: Record<string, unknown>) =>
    (payload.vc as Record<string, unknown> | undefined) ?? payload
  const edits: [
    string,
    (parts: Parts, ids: { maker: string; other: string; otherKid: string }) => void,
    'maker' | 'other',
    C,
  ][] = [
    [
      'an unknown kid',
      ({ header }, ids) => void Object.assign(header, { kid: `${ids.maker}#not-a-key` }),
      'maker',
      C.KidUnknown,
    ],
    [
      'a kid of another DID than the signed iss',
      ({ header }, ids) => void Object.assign(header, { kid: ids.otherKid }),
      'other',
      C.IssuerMismatch,
    ],
    [
      'a top-level issuer that differs from the signer',
      ({ payload }, ids) => void Object.assign(payload, { issuer: ids.other }),
      'maker',
      C.IssuerMismatch,
    ],
    [
      'an issuer object whose id differs from the signer',
      ({ payload }, ids) =>
        void Object.assign(body(payload), { issuer: { id: ids.other, name: 'Impostor' } }),
      'maker',
      C.IssuerMismatch,
    ],
  ]

  it.each(edits)('%s', async (_name, edit, signedBy, code) => {
    const { maker, issue, verifier } = await scenario(format)
    const other = await didKeyParty('impostor')
    const jwt = await resign(
      editJws(await issue(), (parts) =>
        edit(parts, { maker: maker.did, other: other.did, otherKid: other.kid }),
      ),
      signedBy === 'maker' ? maker.signer : other.signer,
    )
    await expectCode(verifier().verifyCredential(jwt), code)
  })

  it('expired: accepted up to the skew, refused one second past it', async () => {
    const { issue, verifier, time } = await scenario(format)
    const jwt = await issue({ validUntil: NOW + 100 })
    const v = verifier({ skew: 30 })
    time.now = NOW + 100 + 29
    await expect(v.verifyCredential(jwt)).resolves.toBeDefined()
    time.now = NOW + 100 + 30
    await expectCode(v.verifyCredential(jwt), C.Expired)
    time.now = NOW + 100 + 31
    await expectCode(v.verifyCredential(jwt), C.Expired)
  })

  it('not yet valid: refused before the skew, accepted within it', async () => {
    const { issue, verifier, time } = await scenario(format)
    const jwt = await issue({ issuedAt: NOW, validFrom: NOW + 100 })
    const v = verifier({ skew: 30 })
    time.now = NOW + 100 - 31
    await expectCode(v.verifyCredential(jwt), C.NotYetValid)
    time.now = NOW + 100 - 30
    await expect(v.verifyCredential(jwt)).resolves.toBeDefined()
  })

  it('issued in the future beyond the skew', async () => {
    const { issue, verifier, time } = await scenario(format)
    const jwt = await issue({ issuedAt: NOW + 120 })
    time.now = NOW
    await expectCode(verifier().verifyCredential(jwt), C.NotYetValid)
  })

  it('a subject other than the expected device', async () => {
    const { issue, verifier } = await scenario(format)
    const other = await didKeyParty('other-device')
    await expectCode(
      verifier().verifyCredential(await issue(), { expectedSubject: other.did }),
      C.SubjectMismatch,
    )
  })

  it('signed claims that break the type schema', async () => {
    const { maker, issue, verifier } = await scenario(format)
    const jwt = await resign(
      editJws(await issue(), ({ payload }) => {
        const body = (payload.vc as Record<string, unknown> | undefined) ?? payload
        ;(body.credentialSubject as Record<string, unknown>).hwversion = '1.2'
      }),
      maker.signer,
    )
    const error = await expectCode(verifier().verifyCredential(jwt), C.SchemaInvalid)
    expect(error.message).toContain('/hwversion')
  })

  it('another type than the one expected', async () => {
    const { issue, verifier } = await scenario(format)
    await expectCode(
      verifier().verifyCredential(await issue(), { expectedType: 'DeviceOwnershipCredential' }),
      C.SchemaInvalid,
    )
  })

  it.each(['none', 'ES256', 'ES256K', 'HS256', 'RS256', 'Ed25519', 'eddsa', null])('alg %s', async (alg) => {
    const { maker, issue, verifier } = await scenario(format)
    const edited = editJws(await issue(), ({ header }) => {
      header.alg = alg
    })
    await expectCode(verifier().verifyCredential(await resign(edited, maker.signer)), C.UnsupportedAlg)
    // alg "none" with an empty signature, the classic downgrade.
    const [h, p] = edited.split('.') as [string, string]
    await expectCode(verifier().verifyCredential(`${h}.${p}.`), C.UnsupportedAlg)
  })

  it('an oversized token', async () => {
    const { issue, verifier } = await scenario(format)
    const big = await issue({
      claims: { ...DEVICE_CLAIMS, padding: 'x'.repeat(DEFAULT_MAX_CREDENTIAL_LENGTH) },
    })
    await expectCode(verifier().verifyCredential(big), C.TooLarge)
    await expect(verifier({ maxCredentialLength: 64 * 1024 }).verifyCredential(big)).resolves.toBeDefined()
  })

  it.each([
    ['jwk', { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }],
    ['jku', 'https://attacker.example/keys'],
    ['crit', ['exp']],
    ['x5u', 'https://attacker.example/cert'],
  ])('a header with %s', async (name, value) => {
    const { maker, issue, verifier } = await scenario(format)
    const jwt = await resign(
      editJws(await issue(), ({ header }) => {
        header[name] = value
      }),
      maker.signer,
    )
    await expectCode(verifier().verifyCredential(jwt), C.Malformed)
  })

  it('a typ that names the other format', async () => {
    const { maker, issue, verifier } = await scenario(format)
    const jwt = await resign(
      editJws(await issue(), ({ header }) => {
        header.typ = format === 'vc+jwt' ? 'JWT' : 'vc+jwt'
      }),
      maker.signer,
    )
    await expectCode(verifier().verifyCredential(jwt), C.Malformed)
  })

  it('an issuer DID that does not resolve', async () => {
    const { maker, issue, verifier } = await scenario(format)
    const jwt = await resign(
      editJws(await issue(), ({ header, payload }) => {
        payload.iss = 'did:example:nobody'
        header.kid = 'did:example:nobody#key-1'
        if (payload.issuer !== undefined) payload.issuer = 'did:example:nobody'
      }),
      maker.signer,
    )
    await expectCode(verifier().verifyCredential(jwt), C.IssuerUnresolvable)
  })
})

describe('keys and DID documents (in-test resolver)', () => {
  async function registryCase(document: (did: string, key: Uint8Array) => Omit<DIDDocument, 'id'>) {
    const { registry, signer } = await registryIssuer('maker', document)
    const jwt = await identityFrom(signer, (await didKeyParty('device-1')).did)
    return createVerifier({ resolver: registry, clock: () => NOW * 1000 }).verifyCredential(jwt)
  }

  it('accepts a key under assertionMethod by reference', async () => {
    const verified = await registryCase((did, key) => ({
      verificationMethod: [multikeyMethod(did, 'key-1', key)],
      assertionMethod: ['#key-1'],
    }))
    expect(verified.kid).toBe('did:test:maker#key-1')
  })

  it('accepts a key embedded in assertionMethod', async () => {
    await expect(
      registryCase((did, key) => ({ assertionMethod: [multikeyMethod(did, 'key-1', key)] })),
    ).resolves.toBeDefined()
  })

  it('refuses a key listed only under capabilityInvocation', async () => {
    await expectCode(
      registryCase((did, key) => ({
        verificationMethod: [multikeyMethod(did, 'key-1', key)],
        capabilityInvocation: [`${did}#key-1`],
      })),
      C.KeyNotAssertionMethod,
    )
  })

  it('refuses when the document has no assertionMethod at all (no fall-back to verificationMethod)', async () => {
    await expectCode(
      registryCase((did, key) => ({ verificationMethod: [multikeyMethod(did, 'key-1', key)] })),
      C.KeyNotAssertionMethod,
    )
  })

  it('uses exactly the method kid names, not another key that would verify', async () => {
    // key-2 holds the signing key but kid names key-1, which holds another key.
    const other = await didKeyParty('someone-else')
    await expectCode(
      registryCase((did, key) => ({
        verificationMethod: [
          multikeyMethod(did, 'key-1', other.signer.publicKey),
          multikeyMethod(did, 'key-2', key),
        ],
        assertionMethod: ['#key-1', '#key-2'],
      })),
      C.SignatureInvalid,
    )
  })

  it('refuses a method that is not an Ed25519 key', async () => {
    await expectCode(
      registryCase((did) => ({
        verificationMethod: [
          {
            id: `${did}#key-1`,
            type: 'JsonWebKey2020',
            controller: did,
            publicKeyJwk: {
              kty: 'EC',
              crv: 'P-256',
              x: 'OcPddBMXKURtwbPaZ9SfwEb8vwcvzFufpRwFuXQwf5Y',
              y: 'nEA7FjXwRJ8CvUInUeMxIaRDTxUvKysqP2dSGcXZJfY',
            },
          },
        ],
        assertionMethod: ['#key-1'],
      })),
      C.KeyUnsupported,
    )
  })

  it('refuses an issuer whose DID is deactivated', async () => {
    const { did, registry, signer } = await registryIssuer('maker')
    const jwt = await identityFrom(signer, (await didKeyParty('device-1')).did, NOW - 500)
    registry.publish({ id: did }, NOW - 100, true)
    await expectCode(
      createVerifier({ resolver: registry, clock: () => NOW * 1000 }).verifyCredential(jwt),
      C.IssuerDeactivated,
    )
  })
})

it('error texts are stable and carry no key material', async () => {
  const { maker, issue, verifier, time } = await scenario()
  const jwt = await issue({ validUntil: NOW + 10 })
  const other = await didKeyParty('impostor')
  const cases: [string, Promise<unknown>][] = [
    ['not a JWS', verifier().verifyCredential('abc')],
    [
      'alg none',
      verifier().verifyCredential(
        editJws(jwt, ({ header }) => {
          header.alg = 'none'
        }),
      ),
    ],
    ['tampered', verifier().verifyCredential(`${jwt.slice(0, -4)}AAAA`)],
    [
      'unknown kid',
      verifier().verifyCredential(
        await resign(
          editJws(jwt, ({ header }) => {
            header.kid = `${maker.did}#x`
          }),
          maker.signer,
        ),
      ),
    ],
    [
      'issuer mismatch',
      verifier().verifyCredential(
        await resign(
          editJws(jwt, ({ payload }) => {
            payload.issuer = other.did
          }),
          maker.signer,
        ),
      ),
    ],
    ['subject mismatch', verifier().verifyCredential(jwt, { expectedSubject: other.did })],
  ]
  const texts: string[] = []
  for (const [name, promise] of cases) {
    const error = (await promise.then(
      () => undefined,
      (e: unknown) => e,
    )) as CredentialError
    texts.push(`${name} → ${error.code}: ${error.message}${error.details ? ` (${error.details})` : ''}`)
  }
  time.now = NOW + 100
  const expired = (await verifier()
    .verifyCredential(jwt)
    .catch((e: unknown) => e)) as CredentialError
  texts.push(`expired → ${expired.code}: ${expired.message} (${expired.details})`)
  expect(texts).toMatchSnapshot()
  const { exportSecretKey, toHex } = await import('@marque/crypto')
  const secret = toHex(exportSecretKey(maker.signer))
  for (const text of texts) expect(text).not.toContain(secret)
})
