/**
 * The SQLite ledger (docs/ledger.md): one file, WAL mode, one transaction per batch, every
 * entry hash-chained to the one before it.
 */
import { constantTimeEqual, toHex } from '@marque/crypto'
import Database from 'better-sqlite3'
import { genesisHash } from '../chain.js'
import { LedgerError, LedgerErrorCode } from '../errors.js'
import type { AnchoredOperation, AppendResult, LedgerOperation, ReadOptions } from '../types.js'
import { checkBatch, checkDid } from '../validate.js'
import { auditChain } from './audit.js'
import { anchorIdOf, type EntryRow, hashRow } from './entry.js'
import { toLedgerError } from './errors.js'
import { prepareSchema } from './schema.js'
import type { AuditOptions, LedgerHead, OpenSqliteLedgerParameters, SqliteLedger } from './types.js'

/** What {@link openSqliteLedger} resolves to: the open ledger. */
export type OpenSqliteLedgerReturnType = SqliteLedger

/** SQLite's page cache for the ledger's connection, in KiB: the DID index of 1M entries fits. */
const CACHE_KIB = 64 * 1024
/** Log pages between automatic checkpoints (4 KiB each). */
const CHECKPOINT_PAGES = 10_000

interface HeadRow {
  count: number
  batch: number
  time: number
  hash: Uint8Array
}

type ReadRow = Omit<EntryRow, 'did'> & { prev: Uint8Array | null }

/**
 * Opens the SQLite ledger at `path`, creating the file (not its directory) when missing.
 * @throws LedgerError `LEDGER_INVALID_PARAMETER` (a bad parameter, or a network or domain
 *   other than the file's), `LEDGER_CORRUPT` (not a Marque ledger, a newer format, a
 *   damaged file), `LEDGER_UNAVAILABLE` (missing directory, no permission, locked).
 */
export async function openSqliteLedger(parameters: OpenSqliteLedgerParameters): Promise<SqliteLedger> {
  const path = checkPath(parameters?.path)
  const durability = parameters.durability ?? 'full'
  if (durability !== 'full' && durability !== 'normal') {
    throw invalidParameter("durability must be 'full' or 'normal'", `got ${JSON.stringify(durability)}`)
  }
  const busyTimeout = parameters.busyTimeout ?? 5000
  if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0 || busyTimeout > 2 ** 31 - 1) {
    throw invalidParameter('busyTimeout must be a whole number of milliseconds', `got ${String(busyTimeout)}`)
  }
  const verifyReads = parameters.verifyReads ?? true
  if (typeof verifyReads !== 'boolean') throw invalidParameter('verifyReads must be a boolean')
  const now = parameters.now ?? Date.now
  if (typeof now !== 'function') throw invalidParameter('now must be a function returning milliseconds')
  if (parameters.network !== undefined)
    checkName(parameters.network, 'network', /^[\x21-\x39\x3b-\x7e]{1,64}$/)
  if (parameters.domain !== undefined) checkName(parameters.domain, 'domain', /^[\x21-\x7e]{1,256}$/)
  const requestedNetwork = parameters.network ?? 'default'

  let db: Database.Database
  try {
    db = new Database(path, { timeout: busyTimeout })
  } catch (error) {
    throw toLedgerError(error, 'cannot open the ledger', path)
  }
  try {
    // A hostile file's schema must not run functions of ours (SQLite "trusted_schema").
    db.pragma('trusted_schema = OFF')
    const identity = prepareSchema(
      db,
      Database,
      { network: requestedNetwork, domain: parameters.domain ?? `marque:sqlite:${requestedNetwork}` },
      () => {
        // WAL: readers never wait for the writer, and a commit is one append to the log.
        if (db.pragma('journal_mode = WAL', { simple: true }) !== 'wal') {
          throw new LedgerError(
            LedgerErrorCode.Unavailable,
            'cannot open the ledger: WAL mode is not available',
            {
              details: `${path}: SQLite refused journal_mode = WAL`,
              hint: 'put the ledger on a local file system (WAL needs shared memory; network file systems lack it)',
            },
          )
        }
      },
    )
    if (parameters.network !== undefined && identity.network !== parameters.network) {
      throw invalidParameter(
        'the ledger file anchors another network',
        `the file anchors ${JSON.stringify(identity.network)}, not ${JSON.stringify(parameters.network)}`,
      )
    }
    if (parameters.domain !== undefined && identity.domain !== parameters.domain) {
      throw invalidParameter(
        'the ledger file has another domain',
        `the file's domain is ${JSON.stringify(identity.domain)}, not ${JSON.stringify(parameters.domain)}`,
      )
    }
    // FULL: the log is synced at every commit, so an acknowledged batch survives power loss.
    // NORMAL: synced at checkpoints only (https://sqlite.org/pragma.html#pragma_synchronous).
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`)
    // macOS's fsync does not flush the drive's cache; F_FULLFSYNC does. Ignored elsewhere.
    db.pragma(`fullfsync = ${durability === 'full' ? 'ON' : 'OFF'}`)
    db.pragma(`checkpoint_fullfsync = ${durability === 'full' ? 'ON' : 'OFF'}`)
    db.pragma(`cache_size = -${CACHE_KIB}`)
    // Checkpoint every ~40 MiB of log rather than SQLite's ~4 MiB. DIDs fall at random in the
    // index, so one batch of 1,000 dirties hundreds of index pages; with a longer log, a
    // checkpoint writes each page back once for many batches (1.4x the append rate at 1M
    // entries in `pnpm bench ledger`). The log is trimmed back to 64 MiB after it.
    db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`)
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
    return createLedger(db, { path, durability, busyTimeout, verifyReads, now, ...identity })
  } catch (error) {
    db.close()
    throw toLedgerError(error, 'cannot open the ledger', path)
  }
}

interface LedgerConfig {
  path: string
  durability: SqliteLedger['durability']
  busyTimeout: number
  verifyReads: boolean
  now: () => number
  network: string
  domain: string
}

function createLedger(db: Database.Database, config: LedgerConfig): SqliteLedger {
  const { path, domain, now } = config
  const genesis = genesisHash(domain)
  const selectHead = db.prepare('SELECT count, batch, time, hash FROM head WHERE id = 1')
  const selectLast = db.prepare('SELECT position, hash FROM entries ORDER BY position DESC LIMIT 1')
  const insert = db.prepare(
    'INSERT INTO entries (position, batch, time, did, bytes, hash) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const updateHead = db.prepare('UPDATE head SET count = ?, batch = ?, time = ?, hash = ? WHERE id = 1')
  // The index on `did` yields the DID's rows in rowid (= position) order; the join fetches
  // each predecessor's hash by primary key, so a read costs O(log n) per entry.
  const selectDid = config.verifyReads
    ? db.prepare(
        'SELECT e.position, e.batch, e.time, e.bytes, e.hash, p.hash AS prev FROM entries e ' +
          'LEFT JOIN entries p ON p.position = e.position - 1 WHERE e.did = ? ORDER BY e.position',
      )
    : db.prepare('SELECT position, batch, time, bytes FROM entries WHERE did = ? ORDER BY position')

  const readHead = (): HeadRow => {
    const head = selectHead.get() as HeadRow | undefined
    if (head === undefined) throw tampered('the ledger head is missing')
    return head
  }

  const appendBatch = db.transaction((operations: LedgerOperation[], wallTime: number): AppendResult => {
    const head = readHead()
    const last = selectLast.get() as { position: number; hash: Uint8Array } | undefined
    // Never extend a chain whose end disagrees with its head: the file was changed under us.
    if ((last?.position ?? 0) !== head.count || !constantTimeEqual(last?.hash ?? genesis, head.hash)) {
      throw tampered('the last entry does not match the ledger head')
    }
    const batch = head.batch + 1
    const anchorId = anchorIdOf(batch)
    // Time never goes back in ledger order, even when the clock does.
    const time = Math.max(head.time, wallTime)
    const positions: number[] = []
    let prev = head.hash
    let position = head.count
    for (const op of operations) {
      position++
      const hash = hashRow(prev, { position, batch, time, did: op.did, bytes: op.bytes })!
      insert.run(position, batch, time, op.did, op.bytes, hash)
      positions.push(position)
      prev = hash
    }
    updateHead.run(position, batch, time, prev)
    return { anchorId, time, positions }
  })

  let closed = false
  const checkOpen = () => {
    if (closed) throw new LedgerError(LedgerErrorCode.Closed, 'the ledger is closed')
  }
  const wallSeconds = () => {
    const ms = now()
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw invalidParameter('the clock returned a value that is not a time', `got ${String(ms)}`)
    }
    return Math.floor(ms / 1000)
  }

  return {
    network: config.network,
    domain,
    path,
    durability: config.durability,

    async append(operations: readonly LedgerOperation[]): Promise<AppendResult> {
      checkOpen()
      const batch = checkBatch(operations)
      const wallTime = wallSeconds()
      try {
        // IMMEDIATE takes the write lock before reading the head, so two connections (or
        // processes) appending to one file never pick the same position.
        return appendBatch.immediate(batch, wallTime)
      } catch (error) {
        throw toLedgerError(error, 'cannot append to the ledger', path)
      }
    },

    async read(did: string, options: ReadOptions = {}): Promise<AnchoredOperation[]> {
      checkOpen()
      options.signal?.throwIfAborted()
      checkDid(did)
      let rows: ReadRow[]
      try {
        rows = selectDid.all(did) as ReadRow[]
      } catch (error) {
        throw toLedgerError(error, 'cannot read the ledger', path)
      }
      return rows.map((row) => {
        if (config.verifyReads) verifyRow(row, did)
        // A fresh plain Uint8Array: better-sqlite3 hands out Buffers, whose slice() aliases.
        return {
          did,
          bytes: new Uint8Array(row.bytes),
          position: row.position,
          time: row.time,
          anchorId: anchorIdOf(row.batch),
        }
      })
    },

    async audit(options: AuditOptions = {}) {
      checkOpen()
      options.signal?.throwIfAborted()
      let auditDb: Database.Database | undefined
      try {
        // A connection of its own: the audit holds a read snapshot across event-loop turns
        // while this ledger goes on appending and reading.
        auditDb = new Database(path, { readonly: true, fileMustExist: true, timeout: config.busyTimeout })
        auditDb.pragma('trusted_schema = OFF')
        return await auditChain(auditDb, domain, options, checkOpen)
      } catch (error) {
        if (options.signal?.aborted && error === options.signal.reason) throw error
        throw toLedgerError(error, 'cannot audit the ledger', path)
      } finally {
        auditDb?.close()
      }
    },

    async head(): Promise<LedgerHead> {
      checkOpen()
      try {
        const head = readHead()
        return { position: head.count, hash: toHex(head.hash) }
      } catch (error) {
        throw toLedgerError(error, 'cannot read the ledger head', path)
      }
    },

    async close() {
      if (closed) return
      closed = true
      db.close()
    },
  }

  function verifyRow(row: ReadRow, did: string): void {
    const prev = row.position === 1 ? genesis : row.prev
    const hash = prev === null ? undefined : hashRow(prev, { ...row, did })
    if (hash === undefined || !constantTimeEqual(hash, row.hash)) {
      throw tampered(
        `entry ${row.position} does not match its hash or does not follow entry ${row.position - 1}`,
      )
    }
  }
}

function tampered(details: string): LedgerError {
  return new LedgerError(LedgerErrorCode.Tampered, 'the ledger file was changed outside the ledger', {
    details,
    hint: 'run audit() to find the first bad entry, then restore the file from a backup',
  })
}

function invalidParameter(message: string, details?: string): LedgerError {
  return new LedgerError(
    LedgerErrorCode.InvalidParameter,
    message,
    details === undefined ? undefined : { details },
  )
}

function checkPath(path: unknown): string {
  // ':memory:' and '' are SQLite's private in-memory and temporary databases: not a ledger
  // file, and WAL does not apply to them. Use createMemoryLedger() for a ledger in memory.
  if (typeof path !== 'string' || path === '' || path === ':memory:' || path.includes('\0')) {
    throw new LedgerError(LedgerErrorCode.InvalidParameter, 'path must name a file', {
      details: typeof path === 'string' ? `got ${JSON.stringify(path)}` : `got a ${typeof path}`,
      hint: 'for a ledger in memory use createMemoryLedger() from @marque/ledger',
    })
  }
  return path
}

function checkName(value: unknown, name: string, pattern: RegExp): void {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw invalidParameter(
      `${name} must be a string of printable ASCII characters`,
      typeof value === 'string' ? `got ${JSON.stringify(value.slice(0, 80))}` : `got a ${typeof value}`,
    )
  }
}
