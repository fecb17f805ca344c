// The SQLite ledger beyond the compliance suite: its file, its parameters, hostile files,
// and connections that share the file.
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from '@marque/crypto'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { LedgerErrorCode, MAX_OPERATION_BYTES } from '../src/index.js'
import { APPLICATION_ID, genesisHash, openSqliteLedger } from '../src/sqlite/index.js'
import { newDid, ops, withTempDir } from './helpers.js'

describe('openSqliteLedger: the file', () => {
  it('creates a Marque ledger in WAL mode, and keeps what was appended across reopening', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'ledger.db')
      const ledger = await openSqliteLedger({ path })
      expect(ledger.network).toBe('default')
      expect(ledger.domain).toBe('marque:sqlite:default')
      expect(ledger.durability).toBe('full')
      const did = newDid()
      const first = await ledger.append(ops(3, [did]))
      await ledger.close()

      const raw = new Database(path, { readonly: true })
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(raw.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
      expect(raw.prepare("SELECT value FROM marque_meta WHERE key = 'version'").pluck().get()).toBe('1')
      raw.close()

      const again = await openSqliteLedger({ path })
      const second = await again.append(ops(2, [did]))
      expect(second.positions).toEqual([4, 5])
      expect(second.anchorId).toBe('sqlite:2')
      expect((await again.read(did)).map((o) => o.anchorId)).toEqual([
        first.anchorId,
        first.anchorId,
        first.anchorId,
        second.anchorId,
        second.anchorId,
      ])
      expect((await again.audit()).ok).toBe(true)
      await again.close()
    }))

  it('keeps the network and domain it was created with', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'ledger.db')
      await (await openSqliteLedger({ path, network: 'testnet' })).close()
      const plain = await openSqliteLedger({ path })
      expect([plain.network, plain.domain]).toEqual(['testnet', 'marque:sqlite:testnet'])
      await plain.close()
      await expect(openSqliteLedger({ path, network: 'mainnet' })).rejects.toMatchObject({
        code: LedgerErrorCode.InvalidParameter,
        message: 'the ledger file anchors another network',
      })
      await expect(openSqliteLedger({ path, domain: 'marque:sqlite:other' })).rejects.toMatchObject({
        code: LedgerErrorCode.InvalidParameter,
        message: 'the ledger file has another domain',
      })
      const custom = await openSqliteLedger({ path: join(dir, 'custom.db'), domain: 'example:ledger:1' })
      expect([custom.network, custom.domain]).toEqual(['default', 'example:ledger:1'])
      await custom.close()
    }))

  it('turns an empty file into a ledger', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'empty.db')
      await writeFile(path, '')
      const ledger = await openSqliteLedger({ path })
      expect(await ledger.head()).toEqual({
        position: 0,
        hash: Buffer.from(genesisHash(ledger.domain)).toString('hex'),
      })
      await ledger.close()
    }))

  it('refuses bad parameters with LEDGER_INVALID_PARAMETER', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'ledger.db')
      const bad: unknown[] = [
        undefined,
        {},
        { path: '' },
        { path: ':memory:' },
        { path: 42 },
        { path: `${path}\0x` },
        { path, durability: 'fast' },
        { path, busyTimeout: -1 },
        { path, busyTimeout: 1.5 },
        { path, verifyReads: 'yes' },
        { path, now: 5 },
        { path, network: 'a:b' },
        { path, network: '' },
        { path, network: 'sp ace' },
        { path, domain: '' },
        { path, domain: 'x'.repeat(257) },
      ]
      for (const parameters of bad) {
        await expect(openSqliteLedger(parameters as never)).rejects.toMatchObject({
          code: LedgerErrorCode.InvalidParameter,
        })
      }
      expect(existsSync(path)).toBe(false)
    }))
})

describe('openSqliteLedger: time', () => {
  it('takes whole seconds from the injected clock and never goes back', () =>
    withTempDir(async (dir) => {
      let clock = 1_700_000_000_999
      const ledger = await openSqliteLedger({ path: join(dir, 'l.db'), now: () => clock })
      const did = newDid()
      expect((await ledger.append(ops(1, [did]))).time).toBe(1_700_000_000)
      clock = 1_700_000_005_000
      expect((await ledger.append(ops(1, [did]))).time).toBe(1_700_000_005)
      clock = 1_600_000_000_000 // the clock steps back
      expect((await ledger.append(ops(1, [did]))).time).toBe(1_700_000_005)
      expect((await ledger.read(did)).map((o) => o.time)).toEqual([
        1_700_000_000, 1_700_000_005, 1_700_000_005,
      ])
      await ledger.close()
    }))

  it('refuses a clock that returns no time, and stores nothing', () =>
    withTempDir(async (dir) => {
      for (const value of [Number.NaN, -1, Number.POSITIVE_INFINITY, '1700000000000']) {
        const ledger = await openSqliteLedger({ path: join(dir, 'l.db'), now: () => value as number })
        const did = newDid()
        await expect(ledger.append(ops(1, [did]))).rejects.toMatchObject({
          code: LedgerErrorCode.InvalidParameter,
        })
        expect(await ledger.read(did)).toEqual([])
        await ledger.close()
      }
    }))
})

describe('openSqliteLedger: hostile files and places', () => {
  it('refuses a file of random bytes with LEDGER_CORRUPT', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'garbage.db')
      await writeFile(path, randomBytes(16384))
      await expect(openSqliteLedger({ path })).rejects.toMatchObject({
        code: LedgerErrorCode.Corrupt,
        message: 'cannot open the ledger: the ledger file is damaged or is not a database',
      })
    }))

  it('refuses another application’s SQLite file with LEDGER_CORRUPT and leaves it untouched', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'other.db')
      const other = new Database(path)
      other.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')")
      other.close()
      const before = await readFile(path)
      await expect(openSqliteLedger({ path })).rejects.toMatchObject({
        code: LedgerErrorCode.Corrupt,
        message: 'the file is not a Marque ledger',
      })
      expect(await readFile(path)).toEqual(before)
      expect(existsSync(`${path}-wal`)).toBe(false)
    }))

  it('refuses a ledger of a newer format, or with an altered schema, with LEDGER_CORRUPT', () =>
    withTempDir(async (dir) => {
      const alterations: [string, string][] = [
        [
          "UPDATE marque_meta SET value = '2' WHERE key = 'version'",
          'the ledger file was written by a newer @marque/ledger',
        ],
        ["UPDATE marque_meta SET value = 'x' WHERE key = 'version'", 'the file is not a Marque ledger'],
        ["UPDATE marque_meta SET value = 'other' WHERE key = 'format'", 'the file is not a Marque ledger'],
        ["DELETE FROM marque_meta WHERE key = 'domain'", 'the file is not a Marque ledger'],
        ['DROP TABLE marque_meta', 'the file is not a Marque ledger'],
        ['PRAGMA application_id = 7', 'the file is not a Marque ledger'],
        [
          'CREATE TRIGGER wipe AFTER INSERT ON entries BEGIN DELETE FROM entries; END',
          'the ledger file schema was altered',
        ],
        ['DROP INDEX entries_by_did', 'the ledger file schema was altered'],
        ['CREATE VIEW v AS SELECT 1', 'the ledger file schema was altered'],
      ]
      for (const [i, [sql, message]] of alterations.entries()) {
        const path = join(dir, `l${i}.db`)
        await (await openSqliteLedger({ path })).close()
        const raw = new Database(path)
        raw.exec(sql)
        raw.close()
        await expect(openSqliteLedger({ path }), sql).rejects.toMatchObject({
          code: LedgerErrorCode.Corrupt,
          message,
        })
      }
    }))

  it('refuses a ledger file cut in half with LEDGER_CORRUPT', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'l.db')
      const ledger = await openSqliteLedger({ path })
      for (let i = 0; i < 5; i++) await ledger.append(ops(500, [newDid(), newDid()]))
      await ledger.close()
      const bytes = await readFile(path)
      await writeFile(path, bytes.subarray(0, bytes.length >> 1))
      await expect(openSqliteLedger({ path })).rejects.toMatchObject({ code: LedgerErrorCode.Corrupt })
    }))

  it('reports a missing directory with LEDGER_UNAVAILABLE and a hint', () =>
    withTempDir(async (dir) => {
      await expect(openSqliteLedger({ path: join(dir, 'no', 'such', 'ledger.db') })).rejects.toMatchObject({
        code: LedgerErrorCode.Unavailable,
        message: 'cannot open the ledger: the directory of the ledger file does not exist',
        hint: 'create the directory first (the ledger creates the file, not its directory)',
      })
    }))

  it('reports a directory it may not write with LEDGER_UNAVAILABLE and a hint', () =>
    withTempDir(async (dir) => {
      // Permissions do not bind root, so as root the test uses /proc, where no one may
      // create a file; otherwise a directory with write permission removed.
      let place = '/proc'
      if (process.getuid?.() !== 0) {
        place = join(dir, 'locked')
        await mkdir(place)
        await chmod(place, 0o500)
      }
      await expect(openSqliteLedger({ path: join(place, 'ledger.db') })).rejects.toMatchObject({
        code: LedgerErrorCode.Unavailable,
        message: 'cannot open the ledger: the ledger file cannot be opened for writing',
        hint: expect.stringContaining('may write the file and its directory'),
      })
    }))

  it('refuses an oversized operation with LEDGER_INVALID_OPERATION', () =>
    withTempDir(async (dir) => {
      const ledger = await openSqliteLedger({ path: join(dir, 'l.db') })
      const did = newDid()
      await expect(
        ledger.append([{ did, bytes: new Uint8Array(MAX_OPERATION_BYTES + 1) }]),
      ).rejects.toMatchObject({ code: LedgerErrorCode.InvalidOperation })
      expect(await ledger.head()).toMatchObject({ position: 0 })
      await ledger.close()
    }))
})

describe('openSqliteLedger: connections that share the file', () => {
  it('reads complete while another connection holds a write transaction; appends then wait and fail with LEDGER_UNAVAILABLE', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'l.db')
      const ledger = await openSqliteLedger({ path, busyTimeout: 50 })
      const did = newDid()
      const committed = await ledger.append(ops(2, [did]))

      const writer = new Database(path)
      writer.exec('BEGIN IMMEDIATE')
      writer
        .prepare('INSERT INTO entries (position, batch, time, did, bytes, hash) VALUES (3, 2, 0, ?, ?, ?)')
        .run(did, new Uint8Array([1]), new Uint8Array(32))
      try {
        // The writer holds the lock and an uncommitted row of this DID: the read neither
        // waits nor sees it.
        const read = await ledger.read(did)
        expect(read.map((o) => o.position)).toEqual(committed.positions)
        expect((await ledger.audit()).ok).toBe(true)
        await expect(ledger.append(ops(1, [did]))).rejects.toMatchObject({
          code: LedgerErrorCode.Unavailable,
          message: 'cannot append to the ledger: the ledger file is locked by another connection',
        })
      } finally {
        writer.exec('ROLLBACK')
        writer.close()
      }
      expect((await ledger.append(ops(1, [did]))).positions).toEqual([3])
      await ledger.close()
    }))

  it('two ledgers on one file interleave appends without ever sharing a position', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'l.db')
      const [a, b] = [await openSqliteLedger({ path }), await openSqliteLedger({ path })]
      const did = newDid()
      const positions: number[] = []
      for (let i = 0; i < 10; i++) {
        const ledger = i % 3 === 0 ? a : b
        positions.push(...(await ledger.append(ops(1 + (i % 4), [did]))).positions)
      }
      expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1))
      expect((await a.read(did)).map((o) => o.position)).toEqual(positions)
      expect(await b.audit()).toMatchObject({ ok: true, entries: positions.length })
      await a.close()
      await b.close()
    }))
})
