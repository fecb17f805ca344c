import { MarqueError, type MarqueErrorOptions } from '@marque/crypto'

/** Every code a ledger throws: the memory, SQLite and EVM ledgers share them. */
export const LedgerErrorCode = {
  /** An operation's DID or bytes are malformed or too large. */
  InvalidOperation: 'LEDGER_INVALID_OPERATION',
  /** More operations than one append may carry, or none. */
  BatchTooLarge: 'LEDGER_BATCH_TOO_LARGE',
  /** The ledger was closed. */
  Closed: 'LEDGER_CLOSED',
  /** The ledger could not be reached or did not answer (an RPC down, a locked file). */
  Unavailable: 'LEDGER_UNAVAILABLE',
  /** The ledger's stored entries fail their integrity check. */
  Tampered: 'LEDGER_TAMPERED',
  /** The ledger file is not a Marque ledger, or of an unknown version. */
  Corrupt: 'LEDGER_CORRUPT',
  /**
   * A ledger was opened with a bad parameter, or with a network or domain other than the
   * one its file was created for.
   */
  InvalidParameter: 'LEDGER_INVALID_PARAMETER',
} as const
export type LedgerErrorCode = (typeof LedgerErrorCode)[keyof typeof LedgerErrorCode]

/** Thrown by every ledger; `code` is one of {@link LedgerErrorCode}. */
export class LedgerError extends MarqueError {
  /** `LedgerError`. */
  override name = 'LedgerError'
  declare readonly code: LedgerErrorCode
  /** A ledger error with one of the {@link LedgerErrorCode} codes. */
  constructor(code: LedgerErrorCode, message: string, options?: MarqueErrorOptions) {
    super(code, message, options)
  }
}
