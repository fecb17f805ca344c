// @marque/ledger: the Ledger interface and the in-memory ledger. The SQLite ledger is at
// `@marque/ledger/sqlite` (Node.js only) so that importing this entry pulls in no native code.
export { LedgerError, LedgerErrorCode } from './errors.js'
export type { CreateMemoryLedgerParameters } from './memory.js'
export { createMemoryLedger } from './memory.js'
export type { AnchoredOperation, AppendResult, Ledger, LedgerOperation, ReadOptions } from './types.js'
export { MAX_BATCH_OPERATIONS, MAX_DID_LENGTH, MAX_OPERATION_BYTES } from './types.js'
export { checkBatch, checkDid } from './validate.js'
