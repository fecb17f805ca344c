// The did and ledger commands against a real SQLite ledger file, in-process.
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExitCode } from '../src/index.js'
import { runCli, tempDir } from './helpers.js'

let tmp: ReturnType<typeof tempDir>
let env: Record<string, string>
beforeEach(() => {
  tmp = tempDir()
  env = { MARQUE_LEDGER: join(tmp.dir, 'ledger.db'), MARQUE_KEYS_DIR: join(tmp.dir, 'keys') }
})
afterEach(() => tmp.remove())

const cli = async (args: string[]) => runCli(args, { cwd: tmp.dir, env })
async function json(args: string[]) {
  const r = await cli(['--json', ...args])
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`)
  return JSON.parse(r.stdout)
}

describe('marque did', () => {
  it('creates a DID with generated keys kept private, and resolves it', async () => {
    const created = await json(['did', 'create', '--service', 'MarqueHandshake=tcp://127.0.0.1:7400'])
    expect(created.did).toMatch(/^did:marque:[1-9A-HJ-NP-Za-km-z]+$/)
    expect(created.keys).toHaveLength(4)
    for (const k of created.keys) expect(statSync(k).mode & 0o777).toBe(0o600)
    const resolved = await json(['did', 'resolve', created.did])
    expect(resolved.didDocument.id).toBe(created.did)
    expect(resolved.didDocument.service[0].serviceEndpoint).toBe('tcp://127.0.0.1:7400')
    expect(resolved.didDocument.keyAgreement).toHaveLength(1)
  })

  it('walks the whole life of a device: update, rotate, transfer, deactivate, with history', async () => {
    const created = await json(['did', 'create', '--no-agreement'])
    const did: string = created.did
    const dir = join(tmp.dir, 'keys', did.split(':').pop()!)
    const first = await json(['did', 'resolve', did])
    const firstKey = first.didDocument.verificationMethod[0].id
    await json(['keys', 'generate', '-o', 'd2.jwk'])
    expect(
      (await json(['did', 'rotate', did, '--update-key', join(dir, 'update.jwk'), '--key', 'd2.jwk']))
        .versionId,
    ).toBe('2')
    const now = await json(['did', 'resolve', did])
    expect(now.didDocument.verificationMethod[0].id).not.toBe(firstKey)
    const v1 = await json(['did', 'resolve', did, '--version-id', '1'])
    expect(v1.didDocument.verificationMethod[0].id).toBe(firstKey)

    await json(['keys', 'generate', '-o', 'nu.jwk'])
    await json(['keys', 'generate', '-o', 'nr.jwk'])
    await json([
      'did',
      'transfer',
      did,
      '--recovery-key',
      join(dir, 'recovery.jwk'),
      '--new-update-key',
      'nu.jwk',
      '--new-recovery-key',
      'nr.jwk',
    ])
    // The old controller's keys no longer work.
    const stale = await cli(['did', 'update', did, '--update-key', join(dir, 'update.jwk')])
    expect(stale.code).toBe(ExitCode.DataError)
    expect(stale.stderr).toContain('[DID_WRONG_KEY]')
    const staleRecovery = await cli(['did', 'deactivate', did, '--recovery-key', join(dir, 'recovery.jwk')])
    expect(staleRecovery.stderr).toContain('[DID_WRONG_KEY]')

    await json(['did', 'deactivate', did, '--recovery-key', 'nr.jwk'])
    const gone = await json(['did', 'resolve', did])
    expect(gone.didDocumentMetadata.deactivated).toBe(true)
    expect(gone.didDocument.verificationMethod).toBeUndefined()
    const log = await json(['did', 'log', did])
    expect(log.versions.map((v: { type: string }) => v.type)).toEqual([
      'create',
      'update',
      'transfer',
      'deactivate',
    ])
  })

  it('reports unknown DIDs and bad input with the right exit codes', async () => {
    const missing = await cli(['did', 'resolve', 'did:marque:dKZURP47vkt637N8q2gBheYvMwc36n'])
    expect(missing.code).toBe(ExitCode.NotFound)
    const bad = await cli(['did', 'resolve', 'did:marque:not-valid'])
    expect(bad.code).toBe(ExitCode.DataError)
    expect(bad.stderr).toContain('invalidDid')
    const badService = await cli(['did', 'create', '--service', 'Nope=https://x'])
    expect(badService.code).toBe(ExitCode.Usage)
    const noLog = await cli(['did', 'log', 'did:marque:dKZURP47vkt637N8q2gBheYvMwc36n'])
    expect(noLog.code).toBe(ExitCode.NotFound)
  })
})

describe('marque ledger', () => {
  it('audits a clean ledger and pins its head', async () => {
    await json(['did', 'create'])
    const stats = await json(['ledger', 'stats'])
    expect(stats.entries).toBe(1)
    const audit = await json(['ledger', 'audit', '--pin', stats.head])
    expect(audit.ok).toBe(true)
  })

  it('detects an operation edited on disk', async () => {
    await json(['did', 'create'])
    await json(['did', 'create'])
    // Flip one byte of the first operation, as someone with write access to the file could.
    const db = new Database(env.MARQUE_LEDGER!)
    const row = db.prepare('SELECT bytes FROM entries WHERE position = 1').get() as { bytes: Buffer }
    row.bytes[10]! ^= 0x01
    db.prepare('UPDATE entries SET bytes = ? WHERE position = 1').run(row.bytes)
    db.close()
    const audit = await cli(['ledger', 'audit'])
    expect(audit.code).toBe(ExitCode.Refused)
    expect(audit.stdout).toContain('TAMPERED at position 1')
  })

  it('refuses a file that is not a ledger', async () => {
    const fd = openSync(env.MARQUE_LEDGER!, 'w')
    writeSync(fd, 'this is not a database')
    closeSync(fd)
    const r = await cli(['ledger', 'stats'])
    expect(r.code).toBe(ExitCode.DataError)
    expect(r.stderr).toContain('[LEDGER_CORRUPT]')
    expect(readFileSync(env.MARQUE_LEDGER!, 'utf8')).toBe('this is not a database')
  })
})

describe('marque did create-batch', () => {
  it('registers devices in batches with private key files, a JSON-lines output and a progress bar on a terminal', async () => {
    await json(['keys', 'generate', '-o', 'update.jwk'])
    await json(['keys', 'generate', '-o', 'recovery.jwk'])
    const tty = await runCli(
      [
        'did',
        'create-batch',
        '-n',
        '25',
        '--batch-size',
        '10',
        '--update-key',
        'update.jwk',
        '--recovery-key',
        'recovery.jwk',
        '--keys-out',
        'devices',
        '-o',
        'dids.jsonl',
      ],
      { cwd: tmp.dir, env, tty: true },
    )
    expect(tty.code).toBe(ExitCode.Ok)
    expect(tty.stderr).toMatch(/registering .*\/s/)
    const lines = readFileSync(join(tmp.dir, 'dids.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(25)
    expect(new Set(lines.map((l) => l.did)).size).toBe(25)
    for (const l of lines.slice(0, 3)) {
      expect(statSync(l.key).mode & 0o777).toBe(0o600)
      const resolved = await json(['did', 'resolve', l.did])
      const shown = await json(['keys', 'show', l.key])
      expect(resolved.didDocument.verificationMethod[0].publicKeyMultibase).toBe(shown.multikey)
    }
    // Three batches: 10 + 10 + 5 operations, each one append.
    expect((await json(['ledger', 'stats'])).entries).toBe(25)
    const again = await cli([
      'did',
      'create-batch',
      '-n',
      '1',
      '--update-key',
      'update.jwk',
      '--recovery-key',
      'recovery.jwk',
      '--keys-out',
      'devices',
      '-o',
      'dids.jsonl',
    ])
    expect(again.code).toBe(ExitCode.CannotCreate)
    const bad = await cli([
      'did',
      'create-batch',
      '-n',
      '0',
      '--update-key',
      'update.jwk',
      '--recovery-key',
      'recovery.jwk',
      '--keys-out',
      'd',
      '-o',
      'x.jsonl',
    ])
    expect(bad.code).toBe(ExitCode.Usage)
  })
})
