// The audit finds every kind of change made to the file behind the ledger's back: each
// test edits the file through a separate SQLite connection, as an attacker with write
// access to the file would.
import { join } from 'node:path'
import { toHex } from '@marque/crypto'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { LedgerErrorCode } from '../src/index.js'
import type { EntryRow } from '../src/sqlite/entry.js'
import { entryHash, genesisHash, openSqliteLedger, type SqliteLedger } from '../src/sqlite/index.js'
import { newDid, ops, withTempDir } from './helpers.js'

/** A ledger of 3 batches of 10 entries over 4 DIDs; `tamper` then edits the file. */
async function tampered(
  tamper: (db: Database.Database, ledger: SqliteLedger) => void,
  check: (ledger: SqliteLedger) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, 'l.db')
    const ledger = await openSqliteLedger({ path })
    const dids = [newDid(), newDid(), newDid(), newDid()]
    for (let i = 0; i < 3; i++) await ledger.append(ops(10, dids))
    expect(await ledger.audit()).toMatchObject({ ok: true, entries: 30, firstBad: undefined })
    const db = new Database(path)
    try {
      tamper(db, ledger)
    } finally {
      db.close()
    }
    try {
      await check(ledger)
    } finally {
      await ledger.close()
    }
  })
}

const rowAt = (db: Database.Database, position: number) =>
  db.prepare('SELECT * FROM entries WHERE position = ?').get(position) as EntryRow

/** Recomputes the hashes of every entry from `from` on, and the head: a careful attacker. */
function rechain(db: Database.Database, domain: string, from: number): void {
  let prev = from === 1 ? genesisHash(domain) : rowAt(db, from - 1).hash
  const rows = db
    .prepare('SELECT * FROM entries WHERE position >= ? ORDER BY position')
    .all(from) as EntryRow[]
  const update = db.prepare('UPDATE entries SET hash = ? WHERE position = ?')
  for (const row of rows) {
    prev = entryHash(prev, { ...row, anchorId: `sqlite:${row.batch}` })
    update.run(prev, row.position)
  }
  const count = (db.prepare('SELECT max(position) FROM entries').pluck().get() as number | null) ?? 0
  db.prepare('UPDATE head SET count = ?, hash = ?').run(count, prev)
}

const bad = (position: number, reason: string) => ({
  ok: false,
  firstBad: expect.objectContaining({ position, reason }),
})

describe('audit', () => {
  it('passes an untouched ledger and agrees with head()', () =>
    tampered(
      () => {},
      async (ledger) => {
        const report = await ledger.audit()
        expect(report).toEqual({
          ok: true,
          entries: 30,
          head: await ledger.head(),
          recordedHead: await ledger.head(),
          firstBad: undefined,
        })
      },
    ))

  for (const [column, sql] of [
    ['bytes', "UPDATE entries SET bytes = X'00' WHERE position = 7"],
    ['did', "UPDATE entries SET did = 'did:marque:someone-else' WHERE position = 7"],
    ['time', 'UPDATE entries SET time = time + 1 WHERE position = 7'],
    ['batch', 'UPDATE entries SET batch = 2 WHERE position = 7'],
    ['hash', 'UPDATE entries SET hash = zeroblob(32) WHERE position = 7'],
  ] as const) {
    it(`pinpoints an edited ${column}, and a read of the entry fails with LEDGER_TAMPERED`, () =>
      tampered(
        (db) => db.exec(sql),
        async (ledger) => {
          expect(await ledger.audit()).toMatchObject({ ...bad(7, 'hash-mismatch'), entries: 6 })
          const db = new Database(ledger.path, { readonly: true })
          const did = rowAt(db, 7).did
          db.close()
          await expect(ledger.read(did)).rejects.toMatchObject({ code: LedgerErrorCode.Tampered })
        },
      ))
  }

  it('a read of an edited entry fails with LEDGER_TAMPERED, unless verifyReads is off', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'l.db')
      const ledger = await openSqliteLedger({ path })
      const did = newDid()
      await ledger.append(ops(3, [did, newDid()]))
      const db = new Database(path)
      db.exec("UPDATE entries SET bytes = X'0102' WHERE position = 3")
      db.close()
      await expect(ledger.read(did)).rejects.toMatchObject({
        code: LedgerErrorCode.Tampered,
        details: 'entry 3 does not match its hash or does not follow entry 2',
      })
      const unchecked = await openSqliteLedger({ path, verifyReads: false })
      expect((await unchecked.read(did)).map((o) => o.bytes.length)).toEqual([200, 2])
      await unchecked.close()
      await ledger.close()
    }))

  it('an edit whose own hash was recomputed shows at the next entry', () =>
    tampered(
      (db) => {
        const row = rowAt(db, 7)
        const bytes = new Uint8Array([9, 9, 9])
        const hash = entryHash(rowAt(db, 6).hash, { ...row, bytes, anchorId: `sqlite:${row.batch}` })
        db.prepare('UPDATE entries SET bytes = ?, hash = ? WHERE position = 7').run(bytes, hash)
      },
      async (ledger) => expect(await ledger.audit()).toMatchObject(bad(8, 'hash-mismatch')),
    ))

  it('pinpoints a deleted entry', () =>
    tampered(
      (db) => db.exec('DELETE FROM entries WHERE position = 15'),
      async (ledger) => expect(await ledger.audit()).toMatchObject({ ...bad(15, 'missing'), entries: 14 }),
    ))

  it('pinpoints two entries that swapped positions', () =>
    tampered(
      (db) => {
        db.exec('UPDATE entries SET position = -1 WHERE position = 4')
        db.exec('UPDATE entries SET position = 4 WHERE position = 9')
        db.exec('UPDATE entries SET position = 9 WHERE position = -1')
      },
      async (ledger) => expect(await ledger.audit()).toMatchObject(bad(4, 'hash-mismatch')),
    ))

  it('pinpoints an entry inserted past the head', () =>
    tampered(
      (db) => {
        const last = rowAt(db, 30)
        const row = { ...last, position: 31, bytes: new Uint8Array([1]) }
        const hash = entryHash(last.hash, { ...row, anchorId: `sqlite:${row.batch}` })
        db.prepare('INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)').run(
          31,
          row.batch,
          row.time,
          row.did,
          row.bytes,
          hash,
        )
      },
      async (ledger) => {
        expect(await ledger.audit()).toMatchObject({ ...bad(31, 'beyond-head'), entries: 31 })
        // The ledger refuses to extend a chain whose end disagrees with its head.
        await expect(ledger.append(ops(1))).rejects.toMatchObject({ code: LedgerErrorCode.Tampered })
      },
    ))

  it('pinpoints an entry inserted before position 1', () =>
    tampered(
      (db) => {
        const first = rowAt(db, 1)
        db.prepare('INSERT INTO entries VALUES (0, ?, ?, ?, ?, ?)').run(
          first.batch,
          first.time,
          first.did,
          first.bytes,
          first.hash,
        )
      },
      async (ledger) => expect(await ledger.audit()).toMatchObject(bad(0, 'unexpected')),
    ))

  it('detects a cut tail through the head', () =>
    tampered(
      (db) => db.exec('DELETE FROM entries WHERE position > 25'),
      async (ledger) => {
        expect(await ledger.audit()).toMatchObject({ ...bad(26, 'truncated'), entries: 25 })
        await expect(ledger.append(ops(1))).rejects.toMatchObject({ code: LedgerErrorCode.Tampered })
      },
    ))

  it('detects a missing or edited head', () =>
    tampered(
      (db) => db.exec('DELETE FROM head'),
      async (ledger) => {
        expect(await ledger.audit()).toMatchObject({ ...bad(31, 'head-missing'), recordedHead: undefined })
        await expect(ledger.head()).rejects.toMatchObject({ code: LedgerErrorCode.Tampered })
        await expect(ledger.append(ops(1))).rejects.toMatchObject({ code: LedgerErrorCode.Tampered })
      },
    ).then(() =>
      tampered(
        (db) => db.exec('UPDATE head SET hash = zeroblob(32)'),
        async (ledger) => expect(await ledger.audit()).toMatchObject(bad(30, 'head-mismatch')),
      ),
    ))

  it('detects a changed domain: the chain no longer starts from its genesis', () =>
    tampered(
      (db) => db.exec("UPDATE marque_meta SET value = 'marque:sqlite:elsewhere' WHERE key = 'domain'"),
      async (ledger) => {
        // This ledger keeps the domain it opened with; a fresh one takes the file's word.
        expect((await ledger.audit()).ok).toBe(true)
        const reopened = await openSqliteLedger({ path: ledger.path })
        expect(await reopened.audit()).toMatchObject(bad(1, 'hash-mismatch'))
        await reopened.close()
      },
    ))

  it('a pinned head catches a consistent rewrite that the chain alone cannot', () =>
    withTempDir(async (dir) => {
      const path = join(dir, 'l.db')
      const ledger = await openSqliteLedger({ path })
      await ledger.append(ops(10))
      const early = await ledger.head()
      await ledger.append(ops(10))
      const pin = await ledger.head()
      const db = new Database(path)
      // Rewrite entry 15 and recompute every hash after it, and the head.
      db.exec("UPDATE entries SET bytes = X'66' WHERE position = 15")
      rechain(db, ledger.domain, 15)
      db.close()
      expect((await ledger.audit()).ok).toBe(true) // not detectable without a pin
      expect(await ledger.audit({ pin: early })).toMatchObject({ ok: true })
      expect(await ledger.audit({ pin })).toMatchObject(bad(20, 'pin-mismatch'))
      expect(await ledger.audit({ pin: { ...pin, hash: pin.hash.toUpperCase() } })).toMatchObject({
        ok: false,
      })
      // Cutting the tail and fixing the head is caught by a pin past the new end.
      const db2 = new Database(path)
      db2.exec('DELETE FROM entries WHERE position > 12')
      rechain(db2, ledger.domain, 13)
      db2.close()
      expect((await ledger.audit()).ok).toBe(true)
      expect(await ledger.audit({ pin })).toMatchObject(bad(13, 'pin-mismatch'))
      expect(
        await ledger.audit({ pin: { position: 0, hash: toHex(genesisHash(ledger.domain)) } }),
      ).toMatchObject({
        ok: true,
      })
      await ledger.close()
    }))

  it('runs on its own snapshot while appends go on, across many event-loop turns', () =>
    withTempDir(async (dir) => {
      const ledger = await openSqliteLedger({ path: join(dir, 'l.db') })
      for (let i = 0; i < 25; i++) await ledger.append(ops(1000, [newDid(), newDid()]))
      const audit = ledger.audit()
      const appended = await ledger.append(ops(5))
      const report = await audit
      expect(report).toMatchObject({ ok: true })
      expect(report.entries).toBeGreaterThanOrEqual(25_000)
      expect(appended.positions).toEqual([25_001, 25_002, 25_003, 25_004, 25_005])
      expect(await ledger.audit()).toMatchObject({ ok: true, entries: 25_005 })
      await ledger.close()
    }))

  it('rejects with the signal reason when aborted, and with LEDGER_CLOSED on a closed ledger', () =>
    withTempDir(async (dir) => {
      const ledger = await openSqliteLedger({ path: join(dir, 'l.db') })
      for (let i = 0; i < 3; i++) await ledger.append(ops(10_000))
      const before = new AbortController()
      before.abort(new Error('before'))
      await expect(ledger.audit({ signal: before.signal })).rejects.toBe(before.signal.reason)
      const during = new AbortController()
      const audit = ledger.audit({ signal: during.signal })
      const reason = new Error('during')
      during.abort(reason)
      await expect(audit).rejects.toBe(reason)
      const closing = ledger.audit()
      await ledger.close()
      await expect(closing).rejects.toMatchObject({ code: LedgerErrorCode.Closed })
      await expect(ledger.audit()).rejects.toMatchObject({ code: LedgerErrorCode.Closed })
      await expect(ledger.head()).rejects.toMatchObject({ code: LedgerErrorCode.Closed })
    }))
})
