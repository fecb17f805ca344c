// Revocation and suspension with Bitstring Status List v1.0: the issuer's registry, and a
// verifier that caches lists for a bounded time and fails closed.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CredentialErrorCode as C,
  createBitstring,
  createStatusListFetcher,
  createStatusRegistry,
  createVerifier,
  encodeBitstring,
  publishStatusList,
  setBit,
} from '../src/index.js'
import {
  createNodeStatusListFetcher,
  loadStatusRegistryState,
  publishStatusListFile,
  saveStatusRegistry,
} from '../src/node.js'
import {
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

const REVOCATION = 'https://status.example/lists/r1'
const SUSPENSION = 'https://status.example/lists/s1'

/** The usual cast plus a status registry whose lists are served from memory. */
async function statusScenario() {
  const base = await scenario()
  const registry = createStatusRegistry({
    signer: base.maker.signer,
    revocationUrl: REVOCATION,
    suspensionUrl: SUSPENSION,
    clock: base.time.clock,
  })
  const served = new Map<string, string>()
  const fetches: string[] = []
  const fetchStatusList = async (url: string) => {
    fetches.push(url)
    const list = served.get(url)
    if (list === undefined) throw new Error(`404 ${url}`)
    return list
  }
  const publish = async () => {
    const lists = await registry.publish()
    served.set(lists.revocation.url, lists.revocation.credential)
    if (lists.suspension) served.set(lists.suspension.url, lists.suspension.credential)
  }
  return { ...base, registry, served, fetches, fetchStatusList, publish }
}

describe('revocation and suspension', () => {
  it('a credential with status entries verifies while its bits are clear', async () => {
    const s = await statusScenario()
    const slot = s.registry.allocate()
    const jwt = await s.issue({ status: slot.credentialStatus })
    await s.publish()
    const verified = await s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt)
    expect(verified.status).toEqual([
      { purpose: 'revocation', index: slot.index, statusListCredential: REVOCATION, set: false },
      { purpose: 'suspension', index: slot.index, statusListCredential: SUSPENSION, set: false },
    ])
  })

  it('revoked', async () => {
    const s = await statusScenario()
    const slot = s.registry.allocate()
    const jwt = await s.issue({ status: slot.credentialStatus })
    s.registry.revoke(slot.index)
    await s.publish()
    await expectCode(s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt), C.Revoked)
  })

  it('suspended, then reinstated once the cached list expires', async () => {
    const s = await statusScenario()
    const slot = s.registry.allocate()
    const jwt = await s.issue({ status: slot.credentialStatus })
    s.registry.suspend(slot.index)
    await s.publish()
    const verifier = s.verifier({ fetchStatusList: s.fetchStatusList, statusListTtl: 60_000 })
    await expectCode(verifier.verifyCredential(jwt), C.Suspended)
    s.registry.reinstate(slot.index)
    await s.publish()
    s.time.now += 30
    await expectCode(verifier.verifyCredential(jwt), C.Suspended)
    s.time.now += 31
    await expect(verifier.verifyCredential(jwt)).resolves.toBeDefined()
  })

  it('only the revoked credential is refused', async () => {
    const s = await statusScenario()
    const slots = [s.registry.allocate(), s.registry.allocate(), s.registry.allocate()]
    expect(new Set(slots.map((x) => x.index)).size).toBe(3)
    const jwts = await Promise.all(slots.map((slot) => s.issue({ status: slot.credentialStatus })))
    s.registry.revoke(slots[1]!.index)
    await s.publish()
    const verifier = s.verifier({ fetchStatusList: s.fetchStatusList })
    await expect(verifier.verifyCredential(jwts[0]!)).resolves.toBeDefined()
    await expectCode(verifier.verifyCredential(jwts[1]!), C.Revoked)
    await expect(verifier.verifyCredential(jwts[2]!)).resolves.toBeDefined()
  })

  it('caches a list: one fetch for many verifications, again after the TTL', async () => {
    const s = await statusScenario()
    const jwt = await s.issue({ status: s.registry.allocate().credentialStatus })
    await s.publish()
    const verifier = s.verifier({ fetchStatusList: s.fetchStatusList, statusListTtl: 10_000 })
    await Promise.all([1, 2, 3, 4].map(() => verifier.verifyCredential(jwt)))
    expect(s.fetches).toEqual([REVOCATION, SUSPENSION])
    s.time.now += 11
    await verifier.verifyCredential(jwt)
    expect(s.fetches).toHaveLength(4)
  })

  it("honours the list's own shorter ttl", async () => {
    const s = await statusScenario()
    const jwt = await s.issue({ status: s.registry.allocate().credentialStatus })
    const lists = await s.registry.publish({ ttl: 2_000 })
    s.served.set(REVOCATION, lists.revocation.credential)
    s.served.set(SUSPENSION, lists.suspension!.credential)
    const verifier = s.verifier({ fetchStatusList: s.fetchStatusList })
    await verifier.verifyCredential(jwt)
    s.time.now += 3
    await verifier.verifyCredential(jwt)
    expect(s.fetches).toHaveLength(4)
  })
})

describe('fail closed', () => {
  it('a list that cannot be fetched', async () => {
    const s = await statusScenario()
    const jwt = await s.issue({ status: s.registry.allocate().credentialStatus })
    await expectCode(
      s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt),
      C.StatusUnavailable,
    )
  })

  it('an unsigned list (plain JSON, or alg none)', async () => {
    const s = await statusScenario()
    const jwt = await s.issue({ status: s.registry.allocate().credentialStatus })
    await s.publish()
    const signed = s.served.get(REVOCATION)!
    s.served.set(REVOCATION, Buffer.from(signed.split('.')[1]!, 'base64url').toString())
    const verifier = s.verifier({ fetchStatusList: s.fetchStatusList })
    const error = await expectCode(verifier.verifyCredential(jwt), C.StatusInvalid)
    expect((error.cause as { code: string }).code).toBe(C.Malformed)
    const [, p] = signed.split('.')
    s.served.set(REVOCATION, `${Buffer.from('{"alg":"none","typ":"vc+jwt"}').toString('base64url')}.${p}.`)
    await expectCode(verifier.verifyCredential(jwt), C.StatusInvalid)
  })

  it('a list signed by someone else', async () => {
    const s = await statusScenario()
    const jwt = await s.issue({ status: s.registry.allocate().credentialStatus })
    const other = await didKeyParty('other-issuer')
    const foreign = createStatusRegistry({
      signer: other.signer,
      revocationUrl: REVOCATION,
      suspensionUrl: SUSPENSION,
      clock: s.time.clock,
    })
    const lists = await foreign.publish()
    s.served.set(REVOCATION, lists.revocation.credential)
    s.served.set(SUSPENSION, lists.suspension!.credential)
    const error = await expectCode(
      s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt),
      C.StatusInvalid,
    )
    expect(error.message).toContain('signed by')
  })

  it('a tampered list', async () => {
    const s = await statusScenario()
    const jwt = await s.issue({ status: s.registry.allocate().credentialStatus })
    await s.publish()
    s.served.set(
      REVOCATION,
      editJws(s.served.get(REVOCATION)!, ({ payload }) => {
        ;(payload.credentialSubject as Record<string, unknown>).statusPurpose = 'suspension'
      }),
    )
    const error = await expectCode(
      s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt),
      C.StatusInvalid,
    )
    expect((error.cause as { code: string }).code).toBe(C.SignatureInvalid)
  })

  it('a list with another purpose, a list served under another URL, an expired list', async () => {
    const s = await statusScenario()
    const jwt = await s.issue({ status: s.registry.allocate().credentialStatus })
    await s.publish()
    const verifier = () => s.verifier({ fetchStatusList: s.fetchStatusList })
    const revocation = s.served.get(REVOCATION)!
    s.served.set(REVOCATION, s.served.get(SUSPENSION)!)
    await expectCode(verifier().verifyCredential(jwt), C.StatusInvalid)
    const moved = await resign(
      editJws(revocation, ({ payload }) => {
        payload.id = 'https://status.example/lists/r2'
      }),
      s.maker.signer,
    )
    s.served.set(REVOCATION, moved)
    await expectCode(verifier().verifyCredential(jwt), C.StatusInvalid)
    const expiring = await s.registry.publish({ validUntil: s.time.now + 60 })
    s.served.set(REVOCATION, expiring.revocation.credential)
    await expect(verifier().verifyCredential(jwt)).resolves.toBeDefined()
    s.time.now += 120
    const error = await expectCode(verifier().verifyCredential(jwt), C.StatusInvalid)
    expect((error.cause as { code: string }).code).toBe(C.Expired)
  })

  it('a list shorter than 131,072 entries', async () => {
    const s = await statusScenario()
    const slot = s.registry.allocate()
    const jwt = await s.issue({ status: slot.credentialStatus.slice(0, 1) })
    await s.publish()
    const short = createBitstring(8 * 1024)
    const tiny = await resign(
      editJws(s.served.get(REVOCATION)!, ({ payload }) => {
        ;(payload.credentialSubject as Record<string, unknown>).encodedList = 'PLACEHOLDER'
      }),
      s.maker.signer,
    )
    const encoded = await encodeBitstring(short)
    const relisted = await resign(
      editJws(tiny, ({ payload }) => {
        ;(payload.credentialSubject as Record<string, unknown>).encodedList = encoded
      }),
      s.maker.signer,
    )
    s.served.set(REVOCATION, relisted)
    const error = await expectCode(
      s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt),
      C.StatusInvalid,
    )
    expect(error.message).toContain('fewer than the 131072 required')
  })

  it('a GZIP bomb in encodedList', async () => {
    const s = await statusScenario()
    const jwt = await s.issue({ status: s.registry.allocate().credentialStatus.slice(0, 1) })
    await s.publish()
    const bomb = await encodeBitstring(createBitstring(8 * 32 * 1024 * 1024))
    s.served.set(
      REVOCATION,
      await resign(
        editJws(s.served.get(REVOCATION)!, ({ payload }) => {
          ;(payload.credentialSubject as Record<string, unknown>).encodedList = bomb
        }),
        s.maker.signer,
      ),
    )
    await expectCode(
      s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt),
      C.StatusInvalid,
    )
  })

  it.each([
    ['an unknown status type', { type: 'StatusList2021Entry' }],
    ['the message purpose', { statusPurpose: 'message' }],
    ['a status size of 2', { statusSize: 2 }],
    ['a negative index', { statusListIndex: '-1' }],
    ['a numeric index', { statusListIndex: 7 }],
  ])('a credential status entry with %s', async (_name, change) => {
    const s = await statusScenario()
    const [entry] = s.registry.allocate().credentialStatus
    const jwt = await s.issue({ status: [{ ...entry!, ...change } as never] })
    await s.publish()
    await expectCode(
      s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt),
      C.StatusInvalid,
    )
  })

  it('an index beyond the list', async () => {
    const s = await statusScenario()
    const [entry] = s.registry.allocate().credentialStatus
    const jwt = await s.issue({ status: [{ ...entry!, statusListIndex: '131072' }] })
    await s.publish()
    await expectCode(
      s.verifier({ fetchStatusList: s.fetchStatusList }).verifyCredential(jwt),
      C.StatusInvalid,
    )
  })
})

describe('status registry', () => {
  it('allocates every index once, at random, then reports STATUS_LIST_FULL', async () => {
    const { maker } = await scenario()
    const registry = createStatusRegistry({ signer: maker.signer, revocationUrl: REVOCATION })
    const seen = createBitstring(registry.length)
    let previous = -1
    let ascending = 0
    let outside = 0
    for (let i = 0; i < registry.length; i++) {
      const { index } = registry.allocate()
      if (!(index >= 0 && index < registry.length)) outside++
      if (index > previous) ascending++
      previous = index
      setBit(seen, index, true)
    }
    expect(outside).toBe(0)
    expect(seen.every((b) => b === 0xff)).toBe(true)
    expect(registry.allocatedCount).toBe(registry.length)
    // Random order: about half the steps go up, not nearly all of them.
    expect(ascending).toBeLessThan(registry.length * 0.6)
    await expectCode(
      Promise.resolve().then(() => registry.allocate()),
      C.StatusListFull,
    )
  })

  it('refuses to revoke or suspend an index it never allocated, and suspension without a list', async () => {
    const { maker } = await scenario()
    const registry = createStatusRegistry({ signer: maker.signer, revocationUrl: REVOCATION })
    await expectCode(
      Promise.resolve().then(() => registry.revoke(5)),
      C.InvalidArgument,
    )
    const { index } = registry.allocate()
    await expectCode(
      Promise.resolve().then(() => registry.suspend(index)),
      C.InvalidArgument,
    )
    // Reinstating on a registry that cannot suspend is the same mistake as suspending there.
    const noList = await expectCode(
      Promise.resolve().then(() => registry.reinstate(index)),
      C.InvalidArgument,
    )
    expect((noList as Error).message).toBe('this registry has no suspension list')
    registry.revoke(index)
    expect(registry.status(index)).toEqual({ revoked: true, suspended: false })
  })

  it('refuses to reinstate an index it never allocated', async () => {
    const { maker } = await scenario()
    const registry = createStatusRegistry({
      signer: maker.signer,
      revocationUrl: REVOCATION,
      suspensionUrl: SUSPENSION,
    })
    for (const index of [5, -1, 1.5, registry.length]) {
      await expectCode(
        Promise.resolve().then(() => registry.reinstate(index)),
        C.InvalidArgument,
      )
    }
    const { index } = registry.allocate()
    registry.suspend(index)
    registry.reinstate(index)
    expect(registry.status(index)).toEqual({ revoked: false, suspended: false })
  })

  it('saves and restores its state through a file, atomically', async () => {
    const { maker } = await scenario()
    const dir = mkdtempSync(join(tmpdir(), 'marque-status-'))
    try {
      const registry = createStatusRegistry({
        signer: maker.signer,
        revocationUrl: REVOCATION,
        suspensionUrl: SUSPENSION,
      })
      const a = registry.allocate()
      const b = registry.allocate()
      registry.revoke(a.index)
      registry.suspend(b.index)
      const path = join(dir, 'registry.json')
      await saveStatusRegistry(path, registry)
      const restored = createStatusRegistry({
        signer: maker.signer,
        state: await loadStatusRegistryState(path),
      })
      expect(restored.allocatedCount).toBe(2)
      expect(restored.status(a.index)).toEqual({ revoked: true, suspended: false })
      expect(restored.status(b.index)).toEqual({ revoked: false, suspended: true })
      expect(restored.snapshot()).toEqual(registry.snapshot())
      await expectCode(
        Promise.resolve().then(() =>
          createStatusRegistry({
            signer: maker.signer,
            revocationUrl: REVOCATION,
            state: { ...registry.snapshot(), revoked: 'AAAA' },
          }),
        ),
        C.InvalidArgument,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('status registry restored from a state', () => {
  it('refuses a parameter that differs from the state with CREDENTIAL_INVALID_ARGUMENT naming the field', async () => {
    const { maker } = await scenario()
    const signer = maker.signer
    const both = createStatusRegistry({ signer, revocationUrl: REVOCATION, suspensionUrl: SUSPENSION })
    const state = both.snapshot()
    const revocationOnly = createStatusRegistry({ signer, revocationUrl: REVOCATION }).snapshot()
    const mismatches = [
      ['revocationUrl', { revocationUrl: 'https://status.example/lists/r2', state }],
      [
        'suspensionUrl',
        { revocationUrl: REVOCATION, suspensionUrl: 'https://status.example/lists/s2', state },
      ],
      // The state has no suspension list: asking for one is a mismatch, not a way to add one.
      ['suspensionUrl', { revocationUrl: REVOCATION, suspensionUrl: SUSPENSION, state: revocationOnly }],
      ['length', { revocationUrl: REVOCATION, length: both.length * 2, state }],
    ] as const
    for (const [field, parameters] of mismatches) {
      const error = await expectCode(
        Promise.resolve().then(() => createStatusRegistry({ signer, ...parameters })),
        C.InvalidArgument,
      )
      expect((error as Error).message).toContain(`${field} differs from the saved state's`)
    }
  })

  it("takes the state's values for parameters left out, and accepts parameters that match it", async () => {
    const { maker } = await scenario()
    const signer = maker.signer
    const registry = createStatusRegistry({ signer, revocationUrl: REVOCATION, suspensionUrl: SUSPENSION })
    registry.suspend(registry.allocate().index)
    const state = registry.snapshot()
    const alone = createStatusRegistry({ signer, state })
    expect(alone.snapshot()).toEqual(state)
    expect(alone.allocate().credentialStatus.map((e) => e.statusListCredential)).toEqual([
      REVOCATION,
      SUSPENSION,
    ])
    const matching = createStatusRegistry({
      signer,
      revocationUrl: REVOCATION,
      suspensionUrl: SUSPENSION,
      length: registry.length,
      state,
    })
    expect(matching.snapshot()).toEqual(state)
    // The state's suspension list is kept when suspensionUrl is left out.
    expect(createStatusRegistry({ signer, revocationUrl: REVOCATION, state }).snapshot()).toEqual(state)
  })

  it('refuses a state without a revocationUrl, whatever revocationUrl is given', async () => {
    const { maker } = await scenario()
    const state = createStatusRegistry({ signer: maker.signer, revocationUrl: REVOCATION }).snapshot()
    for (const revocationUrl of [undefined, '', REVOCATION]) {
      await expectCode(
        Promise.resolve().then(() =>
          createStatusRegistry({
            signer: maker.signer,
            ...(revocationUrl === undefined ? {} : { revocationUrl }),
            state: { ...state, revocationUrl: '' },
          }),
        ),
        C.InvalidArgument,
      )
    }
  })
})

describe('publication and fetching', () => {
  let server: Server
  let base = ''
  const hosted = new Map<string, string>()
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.method === 'PUT') {
        let body = ''
        req.on('data', (c) => (body += c))
        req.on('end', () => {
          hosted.set(req.url ?? '', body)
          res.statusCode = 204
          res.end()
        })
        return
      }
      const list = hosted.get(req.url ?? '')
      res.statusCode = list === undefined ? 404 : 200
      res.setHeader('content-type', 'application/vc+jwt')
      res.end(list ?? 'not found')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  it('over HTTP: published with PUT, fetched with the default fetcher', async () => {
    const s = await scenario()
    const registry = createStatusRegistry({
      signer: s.maker.signer,
      revocationUrl: `${base}/lists/http-1`,
      clock: s.time.clock,
    })
    const slot = registry.allocate()
    const jwt = await s.issue({ status: slot.credentialStatus })
    const publish = async () => {
      const lists = await registry.publish()
      await publishStatusList(lists.revocation)
    }
    await publish()
    const verifier = s.verifier({ statusListTtl: 1_000 })
    await expect(verifier.verifyCredential(jwt)).resolves.toBeDefined()
    registry.revoke(slot.index)
    await publish()
    s.time.now += 2
    await expectCode(verifier.verifyCredential(jwt), C.Revoked)
  })

  it('over HTTP: a 404, and a refused connection, are STATUS_UNAVAILABLE', async () => {
    const s = await scenario()
    const missing = createStatusRegistry({ signer: s.maker.signer, revocationUrl: `${base}/lists/missing` })
    await expectCode(
      s.verifier().verifyCredential(await s.issue({ status: missing.allocate().credentialStatus })),
      C.StatusUnavailable,
    )
    const closed = createStatusRegistry({
      signer: s.maker.signer,
      revocationUrl: 'http://127.0.0.1:9/lists/x',
    })
    await expectCode(
      s.verifier().verifyCredential(await s.issue({ status: closed.allocate().credentialStatus })),
      C.StatusUnavailable,
    )
  })

  it("through a service in the issuer's DID document", async () => {
    const { did, registry, signer } = await registryIssuer('service-maker', (id, key) => ({
      verificationMethod: [multikeyMethod(id, 'key-1', key)],
      assertionMethod: ['#key-1'],
      service: [{ id: '#status', type: 'BitstringStatusList', serviceEndpoint: `${base}/svc/` }],
    }))
    const url = `${did}?service=status&relativeRef=lists%2Fdid-1`
    const statusRegistry = createStatusRegistry({ signer, revocationUrl: url, clock: () => NOW * 1000 })
    const slot = statusRegistry.allocate()
    const jwt = await identityFrom(signer, (await didKeyParty('device-1')).did, NOW, {
      status: slot.credentialStatus,
    })
    statusRegistry.revoke(slot.index)
    const lists = await statusRegistry.publish()
    await publishStatusList({ ...lists.revocation, resolver: registry })
    expect(hosted.has('/svc/lists/did-1')).toBe(true)
    const verifier = createVerifier({ resolver: registry, clock: () => NOW * 1000 })
    await expectCode(verifier.verifyCredential(jwt), C.Revoked)
  })

  it('from a file, with the Node fetcher; the default fetcher refuses file: URLs', async () => {
    const s = await scenario()
    const dir = mkdtempSync(join(tmpdir(), 'marque-status-'))
    try {
      const url = pathToFileURL(join(dir, 'revocation.jwt')).href
      const registry = createStatusRegistry({
        signer: s.maker.signer,
        revocationUrl: url,
        clock: s.time.clock,
      })
      const slot = registry.allocate()
      const jwt = await s.issue({ status: slot.credentialStatus })
      registry.revoke(slot.index)
      await publishStatusListFile((await registry.publish()).revocation)
      await expectCode(
        s.verifier({ fetchStatusList: createNodeStatusListFetcher() }).verifyCredential(jwt),
        C.Revoked,
      )
      await expectCode(
        s.verifier({ fetchStatusList: createStatusListFetcher() }).verifyCredential(jwt),
        C.StatusUnavailable,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a credential verified before (the verifier keeps it decoded)', () => {
  it('is checked again in full: signature, validity, subject, type and status', async () => {
    const s = await statusScenario()
    const slot = s.registry.allocate()
    const jwt = await s.issue({ status: slot.credentialStatus, validUntil: NOW + 3600 })
    await s.publish()
    const verifier = s.verifier({ fetchStatusList: s.fetchStatusList, statusListTtl: 60_000 })
    const first = await verifier.verifyCredential(jwt)
    const again = await verifier.verifyCredential(jwt, { expectedSubject: s.device.did })
    expect(again).toEqual(first)
    expect(again.claims).toBe(first.claims) // decoded once
    await expectCode(verifier.verifyCredential(jwt, { expectedSubject: s.maker.did }), C.SubjectMismatch)
    await expectCode(
      verifier.verifyCredential(jwt, { expectedType: 'DeviceOwnershipCredential' }),
      C.SchemaInvalid,
    )
    // The same payload under another signature is other bytes: checked from the start.
    const forged = `${jwt.slice(0, jwt.lastIndexOf('.') + 1)}${'A'.repeat(86)}`
    await expectCode(verifier.verifyCredential(forged), C.SignatureInvalid)
    s.registry.revoke(slot.index)
    await s.publish()
    s.time.now += 61
    await expectCode(verifier.verifyCredential(jwt), C.Revoked)
    s.time.now += 3600
    await expectCode(verifier.verifyCredential(jwt), C.Expired)
  })

  it('gives frozen results, so that no caller can change what another one reads', async () => {
    const { issue, verifier } = await scenario()
    const jwt = await issue()
    const v = verifier()
    const first = await v.verifyCredential(jwt)
    expect(() => {
      ;(first.claims as Record<string, unknown>).serialNumber = 'SN-changed'
    }).toThrow(TypeError)
    expect(() => {
      ;(first.claims.hwversion as unknown[]).push('2.0')
    }).toThrow(TypeError)
    expect((await v.verifyCredential(jwt)).claims.serialNumber).toBe('SN-000001')
  })

  it('keeps none with maxDecodedCredentials: 0, and refuses a negative bound', async () => {
    const { issue, verifier } = await scenario()
    const jwt = await issue()
    const v = verifier({ maxDecodedCredentials: 0 })
    const first = await v.verifyCredential(jwt)
    const second = await v.verifyCredential(jwt)
    expect(second).toEqual(first)
    expect(second.claims).not.toBe(first.claims)
    expect(Object.isFrozen(first.claims)).toBe(false)
    expect(() => verifier({ maxDecodedCredentials: -1 })).toThrow(
      expect.objectContaining({ code: C.InvalidArgument }),
    )
  })
})
