import { LedgerError, LedgerErrorCode } from './errors.js'
import { type LedgerOperation, MAX_BATCH_OPERATIONS, MAX_DID_LENGTH, MAX_OPERATION_BYTES } from './types.js'

/**
 * The checks every ledger makes before it anchors a batch, so that no ledger stores what
 * another would refuse.
 * @throws LedgerError `LEDGER_BATCH_TOO_LARGE` or `LEDGER_INVALID_OPERATION`.
 */
export function checkBatch(
  operations: readonly LedgerOperation[],
  maxOperations = MAX_BATCH_OPERATIONS,
): void {
  if (!Array.isArray(operations) || operations.length === 0 || operations.length > maxOperations) {
    throw new LedgerError(
      LedgerErrorCode.BatchTooLarge,
      `a batch must hold from 1 to ${maxOperations} operations`,
      {
        details: Array.isArray(operations) ? `got ${operations.length}` : 'not an array',
      },
    )
  }
  operations.forEach((op, i) => {
    checkDid(op?.did, `operation ${i}`)
    if (!(op.bytes instanceof Uint8Array) || op.bytes.length === 0 || op.bytes.length > MAX_OPERATION_BYTES) {
      throw new LedgerError(
        LedgerErrorCode.InvalidOperation,
        `operation ${i} must be from 1 to ${MAX_OPERATION_BYTES} bytes`,
        {
          details:
            op.bytes instanceof Uint8Array ? `got ${op.bytes.length} bytes` : 'bytes is not a Uint8Array',
        },
      )
    }
  })
}

/** @throws LedgerError `LEDGER_INVALID_OPERATION` for a DID that is not a printable string of at most 256 characters. */
export function checkDid(did: unknown, where = 'did'): string {
  if (
    typeof did !== 'string' ||
    did.length === 0 ||
    did.length > MAX_DID_LENGTH ||
    !/^did:[\x21-\x7e]+$/.test(did)
  ) {
    throw new LedgerError(
      LedgerErrorCode.InvalidOperation,
      `${where}: the DID must be a did: string of at most ${MAX_DID_LENGTH} printable characters`,
    )
  }
  return did
}
