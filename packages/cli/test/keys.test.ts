import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { importJwk, toHex } from '@marque/crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExitCode } from '../src/index.js'
import { runCli, tempDir } from './helpers.js'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.remove())

describe('marque keys', () => {
  it('generates an Ed25519 key file readable by its owner only, and shows its public parts', async () => {
    const gen = await runCli(['--json', 'keys', 'generate', '-o', 'k/dev.jwk'], { cwd: tmp.dir })
    expect(gen.code).toBe(ExitCode.Ok)
    const path = join(tmp.dir, 'k/dev.jwk')
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const jwk = importJwk(JSON.parse(readFileSync(path, 'utf8')))
    expect(jwk.crv).toBe('Ed25519')
    const out = JSON.parse(gen.stdout)
    expect(out.multikey).toMatch(/^z6Mk/)
    const show = await runCli(['--json', 'keys', 'show', 'k/dev.jwk'], { cwd: tmp.dir })
    expect(show.code).toBe(ExitCode.Ok)
    expect(JSON.parse(show.stdout)).toMatchObject({
      type: 'Ed25519',
      multikey: out.multikey,
      didKey: `did:key:${out.multikey}`,
    })
    // The secret never reaches stdout or stderr.
    const secretHex = toHex(jwk.secretKey!)
    expect(show.stdout + show.stderr + gen.stdout + gen.stderr).not.toContain(secretHex)
    expect(show.stdout).not.toContain(JSON.parse(readFileSync(path, 'utf8')).d)
  })

  it('makes X25519 keys with z6LS multikeys', async () => {
    const gen = await runCli(['--json', 'keys', 'generate', '-t', 'x25519', '-o', 'x.jwk'], { cwd: tmp.dir })
    expect(gen.code).toBe(ExitCode.Ok)
    expect(JSON.parse(gen.stdout).multikey).toMatch(/^z6LS/)
  })

  it('never overwrites a key file without --force', async () => {
    await runCli(['keys', 'generate', '-o', 'a.jwk'], { cwd: tmp.dir })
    const before = readFileSync(join(tmp.dir, 'a.jwk'), 'utf8')
    const again = await runCli(['keys', 'generate', '-o', 'a.jwk'], { cwd: tmp.dir })
    expect(again.code).toBe(ExitCode.CannotCreate)
    expect(again.stderr).toContain('[CLI_FILE_EXISTS]')
    expect(readFileSync(join(tmp.dir, 'a.jwk'), 'utf8')).toBe(before)
    const forced = await runCli(['keys', 'generate', '-o', 'a.jwk', '--force'], { cwd: tmp.dir })
    expect(forced.code).toBe(ExitCode.Ok)
    expect(readFileSync(join(tmp.dir, 'a.jwk'), 'utf8')).not.toBe(before)
    expect(statSync(join(tmp.dir, 'a.jwk')).mode & 0o777).toBe(0o600)
  })

  it('refuses a key file others can read, as ssh does', async () => {
    await runCli(['keys', 'generate', '-o', 'a.jwk'], { cwd: tmp.dir })
    chmodSync(join(tmp.dir, 'a.jwk'), 0o644)
    const show = await runCli(['keys', 'show', 'a.jwk'], { cwd: tmp.dir })
    expect(show.code).toBe(ExitCode.NoPermission)
    expect(show.stderr).toMatchInlineSnapshot(`
      "error: ${join(tmp.dir, 'a.jwk')} is accessible by other users [CLI_INSECURE_KEY_FILE]
        hint: run: chmod 600 ${join(tmp.dir, 'a.jwk')}
      "
    `)
  })

  it('refuses malformed key files without quoting them', async () => {
    const secretish = 'not-json-but-maybe-a-secret'
    writeFileSync(join(tmp.dir, 'bad.jwk'), secretish, { mode: 0o600 })
    const bad = await runCli(['keys', 'show', 'bad.jwk'], { cwd: tmp.dir })
    expect(bad.code).toBe(ExitCode.DataError)
    expect(bad.stderr).toContain('[CLI_BAD_KEY_FILE]')
    expect(bad.stderr).not.toContain(secretish)
    writeFileSync(
      join(tmp.dir, 'pub.jwk'),
      JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'uxXRzaJyuuDK5Dzid-ji4tc4C60fSOi1C_N5Sq8ghtw' }),
      { mode: 0o600 },
    )
    const pub = await runCli(['keys', 'show', 'pub.jwk'], { cwd: tmp.dir })
    expect(pub.code).toBe(ExitCode.DataError)
    expect(pub.stderr).toContain('holds a public key only')
    const missing = await runCli(['keys', 'show', 'nope.jwk'], { cwd: tmp.dir })
    expect(missing.code).toBe(ExitCode.NotFound)
    expect(missing.stderr).toContain('[CLI_FILE_NOT_FOUND]')
  })

  it('detects a private key that does not match its public key', async () => {
    await runCli(['keys', 'generate', '-o', 'a.jwk'], { cwd: tmp.dir })
    await runCli(['keys', 'generate', '-o', 'b.jwk'], { cwd: tmp.dir })
    const a = JSON.parse(readFileSync(join(tmp.dir, 'a.jwk'), 'utf8'))
    const b = JSON.parse(readFileSync(join(tmp.dir, 'b.jwk'), 'utf8'))
    writeFileSync(join(tmp.dir, 'mixed.jwk'), JSON.stringify({ ...a, d: b.d }), { mode: 0o600 })
    const r = await runCli(['keys', 'show', 'mixed.jwk'], { cwd: tmp.dir })
    expect(r.code).toBe(ExitCode.DataError)
    expect(r.stderr).toContain('does not match its public key')
  })

  it('exports public formats to stdout and secret formats only to a private file', async () => {
    await runCli(['keys', 'generate', '-o', 'a.jwk'], { cwd: tmp.dir })
    const mk = await runCli(['keys', 'export', 'a.jwk', '--format', 'multikey'], { cwd: tmp.dir })
    expect(mk.stdout.trim()).toMatch(/^z6Mk/)
    const refused = await runCli(['keys', 'export', 'a.jwk', '--format', 'seed-hex'], { cwd: tmp.dir })
    expect(refused.code).toBe(ExitCode.Usage)
    expect(refused.stderr).toContain('secrets are never printed')
    const ok = await runCli(['keys', 'export', 'a.jwk', '--format', 'seed-hex', '-o', 'seed.hex'], {
      cwd: tmp.dir,
    })
    expect(ok.code).toBe(ExitCode.Ok)
    expect(statSync(join(tmp.dir, 'seed.hex')).mode & 0o777).toBe(0o600)
    const jwk = importJwk(JSON.parse(readFileSync(join(tmp.dir, 'a.jwk'), 'utf8')))
    expect(readFileSync(join(tmp.dir, 'seed.hex'), 'utf8').trim()).toBe(toHex(jwk.secretKey!))
    const unknown = await runCli(['keys', 'export', 'a.jwk', '--format', 'pem'], { cwd: tmp.dir })
    expect(unknown.code).toBe(ExitCode.Usage)
  })

  it('reports usage errors with exit code 64 and unknown config keys with 78', async () => {
    expect((await runCli(['keys', 'generate'], { cwd: tmp.dir })).code).toBe(ExitCode.Usage)
    expect((await runCli(['nope'], { cwd: tmp.dir })).code).toBe(ExitCode.Usage)
    writeFileSync(join(tmp.dir, 'marque.config.json'), JSON.stringify({ ledgr: 'x.db' }))
    const r = await runCli(['keys', 'generate', '-o', 'a.jwk'], { cwd: tmp.dir })
    expect(r.code).toBe(ExitCode.Config)
    expect(r.stderr).toContain('unknown configuration key "ledgr"')
    const env = await runCli(['keys', 'generate', '-o', 'b.jwk'], {
      cwd: tmp.dir,
      env: { MARQUE_CONFIG: 'missing.json' },
    })
    expect(env.code).toBe(ExitCode.Config)
  })
})
