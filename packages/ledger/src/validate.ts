import { LedgerError, LedgerErrorCode } from './errors.js'
import { type LedgerOperation, MAX_BATCH_OPERATIONS, MAX_DID_LENGTH, MAX_OPERATION_BYTES } from './types.js'

/**
 * The checks every ledger makes before it anchors a batch, so that no ledger stores what
 * another would refuse. Returns a copy of the batch to anchor: each field read once (a
 * getter cannot show one value to the check and another to the store) and each `bytes` a
 * fresh plain `Uint8Array` (a `Buffer` input would otherwise alias: `Buffer#slice` is a
 * view, not a copy).
 * @throws LedgerError `LEDGER_BATCH_TOO_LARGE` or `LEDGER_INVALID_OPERATION`.
 */
export function checkBatch(
  operations: readonly LedgerOperation[],
  maxOperations = MAX_BATCH_OPERATIONS,
): LedgerOperation[] {
  if (!Array.isArray(operations) || operations.length === 0 || operations.length > maxOperations) {
    throw new LedgerError(
      LedgerErrorCode.BatchTooLarge,
      `a batch must hold from 1 to ${maxOperations} operations`,
      {
        details: Array.isArray(operations) ? `got ${operations.length}` : 'not an array',
        hint: 'split the operations into several appends',
      },
    )
  }
  return operations.map((op: LedgerOperation | undefined, i) => {
    const did = checkDid(op?.did, `operation ${i}`)
    const bytes: unknown = op?.bytes
    if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > MAX_OPERATION_BYTES) {
      throw new LedgerError(
        LedgerErrorCode.InvalidOperation,
        `operation ${i} must be from 1 to ${MAX_OPERATION_BYTES} bytes`,
        {
          details: bytes instanceof Uint8Array ? `got ${bytes.length} bytes` : 'bytes is not a Uint8Array',
        },
      )
    }
    return { did, bytes: new Uint8Array(bytes) }
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
      { details: describeDid(did) },
    )
  }
  return did
}

function describeDid(did: unknown): string {
  if (typeof did !== 'string') return did === null ? 'got null' : `got a ${typeof did}`
  const shown = did.length > 64 ? `${did.slice(0, 64)}…` : did
  return `got ${JSON.stringify(shown)} (${did.length} characters)`
}
