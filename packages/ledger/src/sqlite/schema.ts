/**
 * The SQLite ledger's file format (docs/ledger.md, "File format"): creating it in an empty
 * file, and recognising it (or refusing what is not it) when a file is opened.
 */
import type Database from 'better-sqlite3'
import { genesisHash } from '../chain.js'
import { LedgerError, LedgerErrorCode } from '../errors.js'

/** `PRAGMA application_id`: "MQLG", so `file(1)` and SQLite tools can tell the file apart. */
export const APPLICATION_ID = 0x4d514c47
/** The value of `format` in the `marque_meta` table. */
export const FORMAT = 'marque-ledger'
/** The schema this code writes, and the newest it reads. */
export const SCHEMA_VERSION = 1

// The schema, version 1. STRICT makes SQLite refuse a value of the wrong type, whoever
// writes it. `entries.position` is the rowid (INTEGER PRIMARY KEY), so the primary-key
// B-tree itself keeps ledger order, and the index on `did` (which SQLite extends with the
// rowid) returns one DID's entries already in that order. `head` holds one row: the
// count and last hash, committed with every batch, so losing the tail of `entries` shows.
const SCHEMA = [
  'CREATE TABLE marque_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT',
  `CREATE TABLE entries (
  position INTEGER PRIMARY KEY,
  batch INTEGER NOT NULL,
  time INTEGER NOT NULL,
  did TEXT NOT NULL,
  bytes BLOB NOT NULL,
  hash BLOB NOT NULL
) STRICT`,
  'CREATE INDEX entries_by_did ON entries (did)',
  `CREATE TABLE head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  count INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  time INTEGER NOT NULL,
  hash BLOB NOT NULL
) STRICT`,
]

interface SchemaObject {
  type: string
  name: string
  tbl_name: string
  sql: string | null
}

const LIST_SCHEMA = 'SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name'

/** What a ledger file's schema must be exactly, computed once from the statements above. */
let expected: string | undefined
function expectedSchema(DatabaseClass: typeof Database): string {
  if (expected === undefined) {
    const scratch = new DatabaseClass(':memory:')
    try {
      for (const sql of SCHEMA) scratch.exec(sql)
      expected = JSON.stringify(scratch.prepare(LIST_SCHEMA).all())
    } finally {
      scratch.close()
    }
  }
  return expected
}

export interface LedgerIdentity {
  network: string
  domain: string
}

/**
 * Makes `db` a ledger of `identity` if it is an empty database; otherwise checks that it is
 * a Marque ledger this code can read, unaltered in shape, and returns the identity stored in
 * it. Never writes to a file it does not recognise.
 * @throws LedgerError `LEDGER_CORRUPT` for a file that is not a ledger, a newer format, or
 *   an altered schema; SQLite errors pass through for the caller to map.
 */
export function prepareSchema(
  db: Database.Database,
  DatabaseClass: typeof Database,
  identity: LedgerIdentity,
  enableWal: () => void,
): LedgerIdentity {
  if (isEmpty(db)) {
    // WAL cannot be switched on inside a transaction, and must be on before the first write.
    enableWal()
    const created = db
      .transaction(() => {
        // Another process may have created the ledger between our look and our lock.
        if (!isEmpty(db)) return false
        for (const sql of SCHEMA) db.exec(sql)
        const meta = db.prepare('INSERT INTO marque_meta (key, value) VALUES (?, ?)')
        meta.run('format', FORMAT)
        meta.run('version', String(SCHEMA_VERSION))
        meta.run('network', identity.network)
        meta.run('domain', identity.domain)
        db.prepare('INSERT INTO head (id, count, batch, time, hash) VALUES (1, 0, 0, 0, ?)').run(
          genesisHash(identity.domain),
        )
        db.pragma(`application_id = ${APPLICATION_ID}`)
        return true
      })
      .immediate()
    if (created) return identity
  }
  const stored = checkSchema(db, DatabaseClass)
  enableWal()
  return stored
}

function isEmpty(db: Database.Database): boolean {
  return db.pragma('application_id', { simple: true }) === 0 && db.prepare(LIST_SCHEMA).all().length === 0
}

function checkSchema(db: Database.Database, DatabaseClass: typeof Database): LedgerIdentity {
  const notLedger = (details: string) =>
    new LedgerError(LedgerErrorCode.Corrupt, 'the file is not a Marque ledger', {
      details,
      hint: 'open a file made by openSqliteLedger, or a path that does not exist yet to create one',
    })
  if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) {
    throw notLedger('its SQLite application_id is not that of a Marque ledger')
  }
  const hasMeta =
    db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'marque_meta'").get() !==
    undefined
  if (!hasMeta) throw notLedger('it has no marque_meta table')
  const meta = new Map(
    (db.prepare('SELECT key, value FROM marque_meta').all() as { key: unknown; value: unknown }[]).map(
      (r) => [r.key, r.value],
    ),
  )
  if (meta.get('format') !== FORMAT) throw notLedger(`its format is ${JSON.stringify(meta.get('format'))}`)
  const version = Number(meta.get('version'))
  if (!Number.isSafeInteger(version) || version < 1) {
    throw notLedger(`its format version is ${JSON.stringify(meta.get('version'))}`)
  }
  if (version > SCHEMA_VERSION) {
    throw new LedgerError(LedgerErrorCode.Corrupt, 'the ledger file was written by a newer @marque/ledger', {
      details: `file format version ${version}; this version of @marque/ledger reads up to ${SCHEMA_VERSION}`,
      hint: 'upgrade @marque/ledger to open it',
    })
  }
  // The exact shape we create and nothing else: an added trigger or view, a dropped STRICT
  // or index would change what an append or a read does.
  if (JSON.stringify(db.prepare(LIST_SCHEMA).all() as SchemaObject[]) !== expectedSchema(DatabaseClass)) {
    throw new LedgerError(LedgerErrorCode.Corrupt, 'the ledger file schema was altered', {
      details: 'its tables, indexes or triggers differ from those of format version 1',
      hint: 'restore the file from a backup',
    })
  }
  const network = meta.get('network')
  const domain = meta.get('domain')
  if (typeof network !== 'string' || typeof domain !== 'string') {
    throw notLedger('its marque_meta table has no network or domain')
  }
  return { network, domain }
}
