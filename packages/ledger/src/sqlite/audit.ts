/**
 * The audit of a SQLite ledger's hash chain (docs/ledger.md, "Audit"): recompute every
 * entry's hash from genesis, in position order, and compare with what the file holds.
 */
import { constantTimeEqual, toHex } from '@marque/crypto'
import type Database from 'better-sqlite3'
import { genesisHash } from '../chain.js'
import { type EntryRow, hashRow } from './entry.js'
import type { AuditOptions, AuditProblem, LedgerAuditReport, LedgerHead } from './types.js'

/** Rows verified between two yields to the event loop. */
const ROWS_PER_TURN = 10_000

interface HeadRow {
  count: number
  hash: Uint8Array
}

/**
 * Audits the chain of the ledger named `domain` through `db`, a connection of its own that
 * nothing else uses while the audit runs (the audit holds one read transaction on it, so
 * every row comes from one snapshot while other connections go on writing).
 * `checkOpen` is called between turns and throws to stop the audit.
 */
export async function auditChain(
  db: Database.Database,
  domain: string,
  options: AuditOptions,
  checkOpen: () => void,
): Promise<LedgerAuditReport> {
  const pin = options.pin
  const genesis = genesisHash(domain)
  db.exec('BEGIN')
  try {
    const headRow = db.prepare('SELECT count, hash FROM head WHERE id = 1').get() as HeadRow | undefined
    const recordedHead: LedgerHead | undefined =
      headRow === undefined ? undefined : { position: headRow.count, hash: toHex(headRow.hash) }
    let prev = genesis
    let verified = 0
    let firstBad: AuditProblem | undefined
    const bad = (position: number, reason: AuditProblem['reason'], message: string) => {
      firstBad = { position, reason, message }
    }
    const checkPin = (position: number, hash: Uint8Array) => {
      if (pin !== undefined && pin.position === position && toHex(hash) !== pin.hash.toLowerCase()) {
        bad(
          position,
          'pin-mismatch',
          `the chain holds another hash than the pinned one at position ${position}`,
        )
      }
    }
    checkPin(0, genesis)
    const rows = db
      .prepare('SELECT position, batch, time, did, bytes, hash FROM entries ORDER BY position')
      .iterate() as IterableIterator<EntryRow>
    for (const row of rows) {
      if (firstBad !== undefined) break
      const expected = verified + 1
      if (row.position < expected) {
        bad(row.position, 'unexpected', `an entry sits at position ${row.position}, outside the chain`)
        break
      }
      if (row.position > expected) {
        bad(expected, 'missing', `entry ${expected} is missing (the next entry is at ${row.position})`)
        break
      }
      const hash = hashRow(prev, row)
      if (hash === undefined || !constantTimeEqual(hash, row.hash)) {
        bad(
          row.position,
          'hash-mismatch',
          `entry ${row.position} does not match its hash or does not follow entry ${row.position - 1}`,
        )
        break
      }
      checkPin(row.position, hash)
      prev = hash
      verified++
      if (verified % ROWS_PER_TURN === 0) {
        // Let the event loop breathe; this connection is ours alone, so the open iterator is safe.
        await new Promise<void>((resolve) => setImmediate(resolve))
        checkOpen()
        options.signal?.throwIfAborted()
      }
    }
    if (firstBad === undefined) {
      if (headRow === undefined) {
        bad(verified + 1, 'head-missing', 'the head row is missing')
      } else if (verified < headRow.count) {
        bad(
          verified + 1,
          'truncated',
          `the head records ${headRow.count} entries but the chain ends at ${verified}`,
        )
      } else if (verified > headRow.count) {
        bad(
          headRow.count + 1,
          'beyond-head',
          `the chain holds ${verified} entries but the head records ${headRow.count}`,
        )
      } else if (!constantTimeEqual(prev, headRow.hash)) {
        bad(verified, 'head-mismatch', `the last entry's hash differs from the recorded head's`)
      } else if (pin !== undefined && pin.position > verified) {
        bad(
          verified + 1,
          'pin-mismatch',
          `the ledger ends at ${verified}, before the pinned position ${pin.position}`,
        )
      }
    }
    return {
      ok: firstBad === undefined,
      entries: verified,
      head: { position: verified, hash: toHex(prev) },
      recordedHead,
      firstBad,
    }
  } finally {
    db.exec('ROLLBACK')
  }
}
