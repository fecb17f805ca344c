// Every error this package throws is a LedgerError (from @marque/ledger) with one of its
// stable codes; `details` says what the chain or the node answered.
import { LedgerError, LedgerErrorCode } from '@marque/ledger'

/** A parameter of a factory or helper is wrong: `LEDGER_INVALID_PARAMETER`. */
export function invalidParameter(message: string, details?: string, hint?: string): LedgerError {
  return new LedgerError(LedgerErrorCode.InvalidParameter, message, {
    ...(details === undefined ? {} : { details }),
    ...(hint === undefined ? {} : { hint }),
  })
}
