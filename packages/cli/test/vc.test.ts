// marque vc: issue, verify, revoke, suspend and status lists, in-process against a real
// SQLite ledger, status lists published as files (and once over HTTP on 127.0.0.1).

import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExitCode } from '../src/index.js'
import { CLAIMS, createFactory, type Factory } from './factory.js'

let f: Factory
beforeEach(async () => {
  f = await createFactory()
})
afterEach(() => f.finish())

async function setUpStatus(): Promise<void> {
  await f.json(['vc', 'status-list', 'init'])
}

async function issue(
  subject: string,
  extra: string[] = [],
): Promise<{ credential: string; statusIndex?: number }> {
  return f.json(['vc', 'issue', '--subject', subject, '--serial', 'SN-0001', ...CLAIMS, ...extra])
}

const issueArgs = (subject: string, serial: string) => [
  'vc',
  'issue',
  '--subject',
  subject,
  '--serial',
  serial,
  ...CLAIMS,
]

/** Flips one character in the middle of the signature: still canonical base64url, no longer the signature. */
function tamper(jwt: string): string {
  const at = jwt.lastIndexOf('.') + 20
  return `${jwt.slice(0, at)}${jwt[at] === 'A' ? 'B' : 'A'}${jwt.slice(at + 1)}`
}

describe('marque vc issue and verify', () => {
  it('issues a credential that verifies, and prints the checklist', async () => {
    const device = await f.device()
    await setUpStatus()
    const issued = await issue(device, ['--status'])
    expect(issued.credential).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(issued.statusIndex).toBeTypeOf('number')
    await f.json(['vc', 'status-list', 'publish'])
    const human = await f.cli([
      'vc',
      'verify',
      issued.credential,
      '--subject',
      device,
      '--trusted-issuer',
      f.issuer,
    ])
    expect(human.code).toBe(ExitCode.Ok)
    expect(human.stdout).toContain('valid DeviceIdentityCredential (vc+jwt)')
    expect(human.stdout).toContain(`issuer   ${f.issuer}`)
    expect(human.stdout).toMatch(/ok +18 not revoked or suspended/)
    expect(human.stdout).toMatch(/ok +20 trust policy rules/)
    const json = await f.json<Record<string, unknown>>(['vc', 'verify', issued.credential])
    expect(json).toMatchObject({ valid: true, issuer: f.issuer, subject: device, format: 'vc+jwt' })
    expect(json.status).toEqual([
      expect.objectContaining({ purpose: 'revocation', index: issued.statusIndex }),
      expect.objectContaining({ purpose: 'suspension', index: issued.statusIndex }),
    ])
    expect(
      (json.checklist as { outcome: string }[]).filter((c) => c.outcome === 'not applicable'),
    ).toHaveLength(4)
  })

  it('writes the credential to a file, refuses to overwrite it, and verifies the file', async () => {
    const device = await f.device()
    const r = await f.cli([...issueArgs(device, 'A1'), '-o', 'dev.jwt'])
    expect(r.code).toBe(ExitCode.Ok)
    expect(r.stdout.trim()).toBe(`wrote ${join(f.dir, 'dev.jwt')}`)
    const again = await f.cli([...issueArgs(device, 'A1'), '-o', 'dev.jwt'])
    expect(again.code).toBe(ExitCode.CannotCreate)
    expect(again.stderr).toContain('[CLI_FILE_EXISTS]')
    expect((await f.cli(['vc', 'verify', 'dev.jwt', '--subject', device])).code).toBe(ExitCode.Ok)
    const v11 = await issue(device, ['--format', 'vc-jwt-1.1'])
    expect((await f.json(['vc', 'verify', v11.credential])).format).toBe('vc-jwt-1.1')
  })

  it('refuses a credential about another device with CREDENTIAL_SUBJECT_MISMATCH', async () => {
    const device = await f.device()
    const other = await f.device()
    const { credential } = await issue(device)
    const r = await f.cli(['vc', 'verify', credential, '--subject', other])
    expect(r.code).toBe(ExitCode.Refused)
    expect(r.stderr).toContain('[CREDENTIAL_SUBJECT_MISMATCH]')
    expect(r.stderr).toContain('checklist step 14')
    expect(r.stdout).toMatch(/FAIL 14 subject is the expected device: CREDENTIAL_SUBJECT_MISMATCH/)
    const json = await f.cli(['--json', 'vc', 'verify', credential, '--subject', other])
    expect(JSON.parse(json.stdout).error.code).toBe('CREDENTIAL_SUBJECT_MISMATCH')
  })

  it('refuses a tampered credential with CREDENTIAL_SIGNATURE_INVALID', async () => {
    const { credential } = await issue(await f.device())
    const r = await f.cli(['--json', 'vc', 'verify', tamper(credential)])
    expect(r.code).toBe(ExitCode.Refused)
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'CREDENTIAL_SIGNATURE_INVALID',
      details: expect.stringContaining('checklist step 11'),
    })
  })

  it('refuses an issuer outside the trust policy, and a malformed token', async () => {
    const { credential } = await issue(await f.device())
    const stranger = await f.device()
    const untrusted = await f.cli(['vc', 'verify', credential, '--trusted-issuer', stranger])
    expect(untrusted.code).toBe(ExitCode.Refused)
    expect(untrusted.stderr).toContain('[CREDENTIAL_UNTRUSTED_ISSUER]')
    writeFileSync(
      join(f.dir, 'policy.json'),
      JSON.stringify({
        credentialTypes: { DeviceIdentityCredential: { issuers: [f.issuer], allowedModels: ['TH-200'] } },
      }),
    )
    const model = await f.cli(['vc', 'verify', credential, '--trust-policy', 'policy.json'])
    expect(model.stderr).toContain('[CREDENTIAL_POLICY_VIOLATION]')
    writeFileSync(join(f.dir, 'bad-policy.json'), JSON.stringify({ credentialTypes: {} }))
    const badPolicy = await f.cli(['vc', 'verify', credential, '--trust-policy', 'bad-policy.json'])
    expect(badPolicy.code).toBe(ExitCode.DataError)
    expect(badPolicy.stderr).toContain('[TRUST_POLICY_INVALID]')
    const [h, p] = credential.split('.')
    const malformed = await f.cli(['vc', 'verify', `${h}.${p}x.${'A'.repeat(86)}`])
    expect(malformed.code).toBe(ExitCode.Refused)
    expect(malformed.stderr).toMatch(/\[CREDENTIAL_(MALFORMED|SIGNATURE_INVALID)\]/)
    const missing = await f.cli(['vc', 'verify', 'nope.jwt'])
    expect(missing.code).toBe(ExitCode.NotFound)
  })

  it('issues as a did:key issuer given by --issuer and --key', async () => {
    const key = await f.json<{ didKey: string }>(['keys', 'generate', '-o', 'keys/k.jwk'])
    const device = await f.device()
    const r = await f.json<{ credential: string; kid: string }>([
      'vc',
      'issue',
      '--issuer',
      key.didKey,
      '--key',
      'keys/k.jwk',
      '--subject',
      device,
      '--serial',
      'K1',
      ...CLAIMS,
    ])
    expect(r.kid.startsWith(`${key.didKey}#`)).toBe(true)
    expect(await f.json(['vc', 'verify', r.credential, '--trusted-issuer', key.didKey])).toMatchObject({
      issuer: key.didKey,
    })
  })

  it('refuses to sign with a key that is not an assertion method of the issuer (rotated out, or another)', async () => {
    const device = await f.device()
    await f.json(['keys', 'generate', '-o', 'keys/new.jwk'])
    const other = await f.cli([
      'vc',
      'issue',
      '--key',
      'keys/new.jwk',
      '--subject',
      device,
      '--serial',
      'X',
      ...CLAIMS,
    ])
    expect(other.code).toBe(ExitCode.DataError)
    expect(other.stderr).toContain('is not an assertion method of')
    await f.json(['did', 'rotate', f.issuer, '--update-key', 'keys/acme/update.jwk', '--key', 'keys/new.jwk'])
    const rotated = await f.cli([...issueArgs(device, 'X')])
    expect(rotated.code).toBe(ExitCode.DataError)
    expect(
      (await f.cli(['vc', 'issue', '--key', 'keys/new.jwk', '--subject', device, '--serial', 'X', ...CLAIMS]))
        .code,
    ).toBe(ExitCode.Ok)
    const none = await f.cli([...issueArgs(device, 'X')], {
      env: { MARQUE_ISSUER: '' },
    })
    expect(none.code).toBe(ExitCode.Usage)
    expect(none.stderr).toContain('MARQUE_ISSUER')
  })

  it('refuses claims the schema refuses as bad input, before signing', async () => {
    const device = await f.device()
    const r = await f.cli([...issueArgs(device, 'X'), '--manufacture-date', '2025-02-30'])
    expect(r.code).toBe(ExitCode.DataError)
    expect(r.stderr).toContain('[CLI_BAD_INPUT]')
    expect(r.stderr).toContain('CREDENTIAL_SCHEMA_INVALID')
    const model = await f.cli([...issueArgs(device, 'X'), '--model', 'M'.repeat(33)])
    expect(model.stderr).toContain('the most is 32')
  })
})

describe('marque vc revoke, suspend, reinstate', () => {
  it('revokes: verification is refused with CREDENTIAL_REVOKED once the list is published', async () => {
    await setUpStatus()
    const device = await f.device()
    const { credential, statusIndex } = await issue(device, ['--status'])
    await f.json(['vc', 'status-list', 'publish'])
    const revoked = await f.json<{ index: number; revoked: boolean }>(['vc', 'revoke', credential])
    expect(revoked).toMatchObject({ index: statusIndex, revoked: true })
    // Not yet published: verifiers still see the old list.
    expect((await f.cli(['vc', 'verify', credential])).code).toBe(ExitCode.Ok)
    await f.json(['vc', 'status-list', 'publish'])
    const r = await f.cli(['vc', 'verify', credential])
    expect(r.code).toBe(ExitCode.Refused)
    expect(r.stderr).toContain('[CREDENTIAL_REVOKED]')
    expect(r.stdout).toMatch(/FAIL 18 not revoked or suspended: CREDENTIAL_REVOKED/)
    // Revoking again is harmless; the verifier's view is the signed list.
    expect((await f.cli(['vc', 'revoke', credential])).code).toBe(ExitCode.Ok)
    const shown = await f.json<{ revoked: number; index: { revoked: boolean } }>([
      'vc',
      'status-list',
      'show',
      '--index',
      String(statusIndex),
    ])
    expect(shown).toMatchObject({ revoked: 1, index: { revoked: true } })
  })

  it('suspends with CREDENTIAL_SUSPENDED and reinstates, publishing at once with --publish', async () => {
    await setUpStatus()
    const { credential, statusIndex } = await issue(await f.device(), ['--status'])
    await f.json(['vc', 'suspend', credential, '--publish'])
    const r = await f.cli(['--json', 'vc', 'verify', credential])
    expect(r.code).toBe(ExitCode.Refused)
    expect(JSON.parse(r.stdout).error.code).toBe('CREDENTIAL_SUSPENDED')
    await f.json(['vc', 'reinstate', String(statusIndex), '--publish'])
    expect((await f.cli(['vc', 'verify', credential])).code).toBe(ExitCode.Ok)
  })

  it('will not revoke on a forged or foreign credential, nor an index never allocated', async () => {
    await setUpStatus()
    const { credential } = await issue(await f.device(), ['--status'])
    const forged = await f.cli(['vc', 'revoke', tamper(credential)])
    expect(forged.code).toBe(ExitCode.Refused)
    expect(forged.stderr).toContain('[CREDENTIAL_SIGNATURE_INVALID]')
    const plain = await issue(await f.device())
    const noStatus = await f.cli(['vc', 'revoke', plain.credential])
    expect(noStatus.code).toBe(ExitCode.DataError)
    expect(noStatus.stderr).toContain('has no status entry')
    const never = await f.cli(['vc', 'revoke', '17'])
    expect(never.code).toBe(ExitCode.DataError)
    expect(never.stderr).toContain('never allocated')
    expect((await f.json<{ revoked: number }>(['vc', 'status-list', 'show'])).revoked).toBe(0)
  })

  it("refuses another issuer's registry, a locked registry, and a missing one", async () => {
    await setUpStatus()
    const device = await f.device()
    const missing = await f.cli([...issueArgs(device, 'X'), '--status', '--registry', 'none.json'])
    expect(missing.code).toBe(ExitCode.NotFound)
    expect(missing.stderr).toContain('vc status-list init')
    writeFileSync(join(f.dir, 'status-registry.json.lock'), '1\n')
    const locked = await f.cli([...issueArgs(device, 'X'), '--status'])
    expect(locked.code).toBe(ExitCode.CannotCreate)
    expect(locked.stderr).toContain('is in use')
    rmSync(join(f.dir, 'status-registry.json.lock'))
    await f.json(['keys', 'generate', '-o', 'keys/k.jwk'])
    const didKey = (await f.json<{ didKey: string }>(['keys', 'show', 'keys/k.jwk'])).didKey
    const foreign = await f.cli(['vc', 'status-list', 'publish', '--issuer', didKey, '--key', 'keys/k.jwk'])
    expect(foreign.code).toBe(ExitCode.DataError)
    expect(foreign.stderr).toContain(`belongs to ${f.issuer}`)
    // Every refusal released the lock.
    expect(existsSync(join(f.dir, 'status-registry.json.lock'))).toBe(false)
  })
})

describe('marque vc status-list', () => {
  it('refuses a damaged registry file, and leaves it as it was', async () => {
    await setUpStatus()
    const path = join(f.dir, 'status-registry.json')
    const file = JSON.parse(readFileSync(path, 'utf8'))
    for (const damaged of [
      'not json',
      JSON.stringify({ ...file, format: 'other' }),
      JSON.stringify({ ...file, state: { ...file.state, allocated: 'AAAA' } }),
      JSON.stringify({ ...file, state: undefined }),
      JSON.stringify({ ...file, state: { ...file.state, revocationUrl: undefined } }),
    ]) {
      writeFileSync(path, damaged, { mode: 0o600 })
      const r = await f.cli([
        'vc',
        'issue',
        '--subject',
        await f.device(),
        '--serial',
        'D',
        ...CLAIMS,
        '--status',
      ])
      expect(r.code).toBe(ExitCode.DataError)
      expect(r.stderr).toContain(`the status registry ${path} is not valid`)
      expect(r.stderr).toContain('restore it from a backup')
      expect(readFileSync(path, 'utf8')).toBe(damaged)
      expect((await f.cli(['vc', 'status-list', 'show'])).code).toBe(ExitCode.DataError)
    }
  })

  it('keeps its registry private and publishes to --out-dir', async () => {
    const init = await f.json<{ registry: string; revocationUrl: string }>([
      'vc',
      'status-list',
      'init',
      '--no-suspension',
    ])
    expect(statSync(init.registry).mode & 0o777).toBe(0o600)
    expect(init.revocationUrl).toBe(`file://${join(f.dir, 'revocation-list.jwt')}`)
    const again = await f.cli(['vc', 'status-list', 'init'])
    expect(again.code).toBe(ExitCode.CannotCreate)
    const out = await f.json<{ published: { purpose: string; target: string }[] }>([
      'vc',
      'status-list',
      'publish',
      '--out-dir',
      'lists',
      '--valid-for',
      '3600',
    ])
    expect(out.published).toEqual([
      { purpose: 'revocation', url: init.revocationUrl, target: join(f.dir, 'lists', 'revocation-list.jwt') },
    ])
    expect(readFileSync(join(f.dir, 'lists', 'revocation-list.jwt'), 'utf8')).toMatch(
      /^[\w-]+\.[\w-]+\.[\w-]+\n$/,
    )
    const { credential, statusIndex } = await issue(await f.device(), ['--status'])
    const suspend = await f.cli(['vc', 'suspend', String(statusIndex)])
    expect(suspend.code).toBe(ExitCode.DataError)
    expect(suspend.stderr).toContain('no suspension list')
    const reinstate = await f.cli(['vc', 'reinstate', String(statusIndex)])
    expect(reinstate.code).toBe(ExitCode.DataError)
    expect(reinstate.stderr).toContain('no suspension list')
    expect(credential).toBeTruthy()
  })

  it('publishes over HTTP PUT with the bearer token, and verifies against the served list', async () => {
    const lists = new Map<string, string>()
    const auth: string[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        if (req.method === 'PUT') {
          auth.push(String(req.headers.authorization))
          lists.set(req.url!, body)
          res.writeHead(204).end()
        } else if (lists.has(req.url!))
          res.writeHead(200, { 'content-type': 'application/vc+jwt' }).end(lists.get(req.url!))
        else res.writeHead(404).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      await f.json([
        'vc',
        'status-list',
        'init',
        '--revocation-url',
        `${base}/r/1`,
        '--suspension-url',
        `${base}/s/1`,
      ])
      const { credential } = await issue(await f.device(), ['--status'])
      const published = await f.cli(['vc', 'status-list', 'publish'], {
        env: { MARQUE_STATUS_TOKEN: 'factory-token-123' },
      })
      expect(published.code).toBe(ExitCode.Ok)
      expect(auth).toEqual(['Bearer factory-token-123', 'Bearer factory-token-123'])
      expect(published.stdout + published.stderr).not.toContain('factory-token-123')
      expect((await f.cli(['vc', 'verify', credential])).code).toBe(ExitCode.Ok)
      await f.json(['vc', 'revoke', credential, '--publish'])
      expect((await f.cli(['vc', 'verify', credential])).stderr).toContain('[CREDENTIAL_REVOKED]')
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  it('takes issuer, key and status from the configuration file, and refuses a bad status value', async () => {
    writeFileSync(
      join(f.dir, 'marque.config.json'),
      JSON.stringify({
        issuer: f.issuer,
        issuerKey: 'keys/acme/device.jwk',
        status: 'on',
        statusRegistry: 'reg/acme.json',
      }),
    )
    const noEnv = { MARQUE_ISSUER: '', MARQUE_ISSUER_KEY: '' }
    expect((await f.cli(['vc', 'status-list', 'init'], { env: noEnv })).code).toBe(ExitCode.Ok)
    expect(existsSync(join(f.dir, 'reg', 'acme.json'))).toBe(true)
    const r = await f.cli(
      ['--json', 'vc', 'issue', '--subject', await f.device(), '--serial', 'C1', ...CLAIMS],
      { env: noEnv },
    )
    expect(JSON.parse(r.stdout).statusIndex).toBeTypeOf('number')
    const off = await f.cli(
      ['--json', 'vc', 'issue', '--no-status', '--subject', await f.device(), '--serial', 'C2', ...CLAIMS],
      { env: noEnv },
    )
    expect(JSON.parse(off.stdout).statusIndex).toBeUndefined()
    const bad = await f.cli(['vc', 'status-list', 'show'], { env: { MARQUE_STATUS: 'yes' } })
    expect(bad.code).toBe(ExitCode.Config)
    expect(bad.stderr).toContain('status must be "on" or "off"')
    expect(readdirSync(join(f.dir, 'reg'))).toEqual(['acme.json'])
  })
})
