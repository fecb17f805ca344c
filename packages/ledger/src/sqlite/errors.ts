import { LedgerError, LedgerErrorCode } from '../errors.js'

const ACCESS_HINT =
  'check that the directory exists and that this process may write the file and its directory ' +
  '(SQLite creates <file>-wal and <file>-shm beside it)'

/**
 * Turns whatever better-sqlite3 threw into a {@link LedgerError} with a stable code. SQLite's
 * own result code (`error.code`, e.g. `SQLITE_BUSY`) decides; a LedgerError passes through.
 */
export function toLedgerError(error: unknown, action: string, path: string): LedgerError {
  if (error instanceof LedgerError) return error
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : ''
  const message = error instanceof Error ? error.message : String(error)
  const details = `${path}: ${code === '' ? message : `${code} (${message})`}`
  const make = (ledgerCode: LedgerErrorCode, what: string, hint: string) =>
    new LedgerError(ledgerCode, `${action}: ${what}`, { details, hint, cause: error })

  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return make(
      LedgerErrorCode.Unavailable,
      'the ledger file is locked by another connection',
      'retry later, or raise busyTimeout; keep other connections to the file from holding long write transactions',
    )
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return make(
      LedgerErrorCode.Corrupt,
      'the ledger file is damaged or is not a database',
      'restore the file from a backup, then run audit() on it',
    )
  }
  if (code === 'SQLITE_FULL') {
    return make(
      LedgerErrorCode.Unavailable,
      'the disk is full',
      'free space on the disk that holds the ledger',
    )
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_AUTH')
  ) {
    return make(LedgerErrorCode.Unavailable, 'the ledger file cannot be opened for writing', ACCESS_HINT)
  }
  // better-sqlite3 checks the directory itself, before SQLite, and throws a plain TypeError.
  if (/directory does not exist/i.test(message)) {
    return make(
      LedgerErrorCode.Unavailable,
      'the directory of the ledger file does not exist',
      'create the directory first (the ledger creates the file, not its directory)',
    )
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return make(
      LedgerErrorCode.Unavailable,
      'the disk reported an I/O error',
      'check the disk and the file system that hold the ledger',
    )
  }
  return make(LedgerErrorCode.Unavailable, 'SQLite failed', ACCESS_HINT)
}
