// @marque/ledger/sqlite: the embedded SQLite ledger (Node.js only: better-sqlite3).
export { CHAIN_HASH_LENGTH, CHAIN_VERSION, type ChainEntry, entryHash, genesisHash } from '../chain.js'
export type { OpenSqliteLedgerReturnType } from './open.js'
export { openSqliteLedger } from './open.js'
export { APPLICATION_ID, SCHEMA_VERSION } from './schema.js'
export type {
  AuditOptions,
  AuditProblem,
  AuditProblemReason,
  LedgerAuditReport,
  LedgerHead,
  OpenSqliteLedgerParameters,
  SqliteDurability,
  SqliteLedger,
} from './types.js'
