// The SQLite ledger at scale: register N device operations (default 1,000,000; set
// MARQUE_BENCH_LEDGER_N to run smaller) in batches of 1,000 with synchronous FULL, then
// read random DIDs. The peer, in the same run, is the same inserts into a plain
// better-sqlite3 table (same pragmas, same index, no hash chain, no checks): the difference
// is the cost of tamper evidence. DID resolution figures are the did suite's.
import { randomFillSync } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LedgerOperation } from '@marque/ledger'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import Database from 'better-sqlite3'
import { measure, msFmt, opsFmt, peakRssMiB, report } from '../harness.js'

const BATCH = 1000
const OPERATION_BYTES = 200
const SAMPLE = 10_000
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

/** One batch of device registrations: a fresh DID each, ~200 random bytes each. */
function deviceBatch(size: number): LedgerOperation[] {
  const random = randomFillSync(Buffer.alloc(size * (30 + OPERATION_BYTES)))
  return Array.from({ length: size }, (_, i) => {
    const at = i * (30 + OPERATION_BYTES)
    let id = ''
    for (let j = 0; j < 30; j++) id += BASE58[random[at + j]! % 58]
    return {
      did: `did:marque:${id}`,
      bytes: new Uint8Array(random.subarray(at + 30, at + 30 + OPERATION_BYTES)),
    }
  })
}

/** Appends N operations with `append`, timing only the appends; keeps a sample of DIDs. */
async function fill(
  n: number,
  append: (batch: LedgerOperation[]) => unknown,
): Promise<{ seconds: number; sample: string[] }> {
  const sample: string[] = []
  let elapsed = 0
  for (let done = 0; done < n; done += BATCH) {
    const batch = deviceBatch(Math.min(BATCH, n - done))
    // The first few DIDs of every batch, so the sample spreads over the whole ledger.
    if (sample.length < SAMPLE)
      sample.push(...batch.slice(0, Math.ceil((SAMPLE * BATCH) / n)).map((o) => o.did))
    const t0 = performance.now()
    await append(batch)
    elapsed += performance.now() - t0
  }
  return { seconds: elapsed / 1000, sample }
}

const fileBytes = (path: string) =>
  ['', '-wal'].reduce((sum, suffix) => {
    try {
      return sum + statSync(path + suffix).size
    } catch {
      return sum
    }
  }, 0)

const pick = (sample: readonly string[]) => sample[Math.floor(Math.random() * sample.length)]!

export default async function ledgerSuite(): Promise<void> {
  const n = Number(process.env.MARQUE_BENCH_LEDGER_N ?? 1_000_000)
  if (!Number.isSafeInteger(n) || n < BATCH)
    throw new RangeError(`MARQUE_BENCH_LEDGER_N must be at least ${BATCH}`)
  const dir = mkdtempSync(join(tmpdir(), 'marque-bench-ledger-'))
  const started = performance.now()
  try {
    // Ours: the SQLite ledger, durability full (synchronous FULL), reads verified.
    const path = join(dir, 'marque.db')
    const ledger = await openSqliteLedger({ path })
    const ours = await fill(n, (batch) => ledger.append(batch))
    const oursRead = await measure(() => ledger.read(pick(ours.sample)), { time: 2000 })
    const unverified = await openSqliteLedger({ path, verifyReads: false })
    const oursReadRaw = await measure(() => unverified.read(pick(ours.sample)), { time: 2000 })
    await unverified.close()
    const t0 = performance.now()
    const audit = await ledger.audit()
    const auditSeconds = (performance.now() - t0) / 1000
    if (!audit.ok || audit.entries !== n) throw new Error(`audit failed: ${JSON.stringify(audit.firstBad)}`)
    const sampleOps = await ledger.read(ours.sample[0]!)
    if (sampleOps.length !== 1) throw new Error('a sampled DID did not read back')
    await ledger.close()
    const oursBytes = fileBytes(path)
    const oursPeak = peakRssMiB()

    // Peer: a plain table with the same pragmas and index, one transaction per batch.
    const plainPath = join(dir, 'plain.db')
    const db = new Database(plainPath)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    // The pragmas the SQLite ledger sets (src/sqlite/open.ts), so only the chain differs.
    db.pragma('cache_size = -65536')
    db.pragma('wal_autocheckpoint = 10000')
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
    db.exec(
      'CREATE TABLE ops (position INTEGER PRIMARY KEY, did TEXT NOT NULL, bytes BLOB NOT NULL) STRICT;' +
        'CREATE INDEX ops_by_did ON ops (did)',
    )
    const insert = db.prepare('INSERT INTO ops (did, bytes) VALUES (?, ?)')
    const insertBatch = db.transaction((batch: LedgerOperation[]) => {
      for (const op of batch) insert.run(op.did, op.bytes)
    })
    const peer = await fill(n, (batch) => insertBatch.immediate(batch))
    const select = db.prepare('SELECT position, bytes FROM ops WHERE did = ? ORDER BY position')
    const peerRead = await measure(() => select.all(pick(peer.sample)), { time: 2000 })
    db.close()
    const peerBytes = fileBytes(plainPath)

    const oursRate = n / ours.seconds
    const peerRate = n / peer.seconds
    report(
      `ledger: SQLite ledger, ${n.toLocaleString('en-US')} device operations (${OPERATION_BYTES} B each)`,
      [
        {
          name: `append, batches of ${BATCH}, synchronous FULL`,
          ours: opsFmt(oursRate),
          peer: `${opsFmt(peerRate)} (plain table)`,
          ratio: oursRate / peerRate,
          target: '≥ 20,000/s',
          met: oursRate >= 20_000,
        },
        { name: 'read one DID, p50', ours: msFmt(oursRead.p50), peer: msFmt(peerRead.p50) },
        { name: 'read one DID, p99', ours: msFmt(oursRead.p99), peer: msFmt(peerRead.p99) },
        {
          name: 'read one DID, p50 / p99, verifyReads off',
          ours: `${msFmt(oursReadRaw.p50)} / ${msFmt(oursReadRaw.p99)}`,
        },
        {
          name: 'file size per DID',
          ours: `${Math.round(oursBytes / n)} B`,
          peer: `${Math.round(peerBytes / n)} B`,
          ratio: oursBytes / peerBytes,
        },
        {
          name: `audit of ${n.toLocaleString('en-US')} entries`,
          ours: `${auditSeconds.toFixed(1)} s (${opsFmt(n / auditSeconds)})`,
        },
        { name: 'peak RSS after ours', ours: `${oursPeak.toFixed(0)} MiB` },
        { name: 'suite wall time', ours: `${((performance.now() - started) / 1000).toFixed(0)} s` },
      ],
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
