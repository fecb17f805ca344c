// The calldata of `anchor(bytes batch)` (docs/ledger-evm.md, "Batch encoding"). Packed so
// that calldata, which EIP-7623 prices at 40 gas a non-zero byte once a transaction is
// mostly data, carries little more than the operations themselves.
//
//   record  = header(2, big-endian) fields operation
//   header  = kind << 14 | length(operation)       (length 1..4096)
//   kind 1  = genesis, fields = locator(6): sets the current locator
//   kind 2  = genesis under the current locator, no fields
//   kind 3  = keyed, fields = DID key(32)
//
// The registry files a genesis record under the DID `locator ‖ SHA-256(operation)[0..16]`
// and a keyed record under the key given.
import { LedgerError, LedgerErrorCode, MAX_OPERATION_BYTES } from '@marque/ledger'
import { bytesToHex, concatBytes, type Hex, hexToBytes } from 'viem'
import { LOCATOR_LENGTH } from './did-key.js'

/**
 * One record of a packed batch (docs/ledger-evm.md, "Batch encoding"): a genesis, which the
 * registry files under the DID its locator and hash make, or an operation filed under the
 * key given.
 */
export type BatchRecord =
  | {
      /** A genesis record: filed under `locator ‖ SHA-256(bytes)[0..16]`, computed on chain. */
      readonly kind: 'genesis'
      /** The 6-byte anchor locator that leads the DID's id. */
      readonly locator: Uint8Array
      /** The signed genesis operation, 1 to 4096 bytes. */
      readonly bytes: Uint8Array
    }
  | {
      /** A keyed record: filed under `key`. */
      readonly kind: 'keyed'
      /** The DID's 32-byte registry key, as {@link didKey} computes it. */
      readonly key: Hex
      /** The signed operation, 1 to 4096 bytes. */
      readonly bytes: Uint8Array
    }

const KIND_GENESIS_LOCATOR = 1
const KIND_GENESIS = 2
const KIND_KEYED = 3

/**
 * Packs records in order. A genesis record repeats its locator only when it differs from
 * the one before it, so a factory batch sharing one locator pays for it once.
 * @throws LedgerError `LEDGER_INVALID_OPERATION` for an operation of 0 or more than 4096
 *   bytes, a locator that is not 6 bytes or a key that is not 32 bytes.
 */
export function encodeBatch(records: readonly BatchRecord[]): Uint8Array {
  const parts: Uint8Array[] = []
  let locator: Uint8Array | undefined
  records.forEach((record, i) => {
    const length = record.bytes.length
    if (length === 0 || length > MAX_OPERATION_BYTES) {
      throw invalid(`record ${i}: an operation is 1 to ${MAX_OPERATION_BYTES} bytes`, `got ${length}`)
    }
    let kind: number
    let fields: Uint8Array
    if (record.kind === 'keyed') {
      fields = hexToBytes(record.key)
      if (fields.length !== 32) throw invalid(`record ${i}: a DID key is 32 bytes`, `got ${fields.length}`)
      kind = KIND_KEYED
    } else {
      if (record.locator.length !== LOCATOR_LENGTH) {
        throw invalid(`record ${i}: a locator is ${LOCATOR_LENGTH} bytes`, `got ${record.locator.length}`)
      }
      const same = locator !== undefined && equal(locator, record.locator)
      kind = same ? KIND_GENESIS : KIND_GENESIS_LOCATOR
      fields = same ? new Uint8Array(0) : record.locator
      locator = record.locator
    }
    const header = Uint8Array.of((kind << 6) | (length >> 8), length & 0xff)
    parts.push(header, fields, record.bytes)
  })
  return concatBytes(parts)
}

/**
 * Unpacks a batch, as the registry reads it.
 * @throws LedgerError `LEDGER_INVALID_OPERATION` at the first malformed record (the same
 *   batches the registry refuses with `MalformedBatch`).
 */
export function decodeBatch(batch: Uint8Array): BatchRecord[] {
  if (batch.length === 0) throw invalid('a batch holds at least one record')
  const records: BatchRecord[] = []
  let locator: Uint8Array | undefined
  let p = 0
  while (p < batch.length) {
    if (batch.length - p < 2) throw invalid(`malformed record at byte ${p}`, 'truncated header')
    const kind = batch[p]! >> 6
    const length = ((batch[p]! & 0x3f) << 8) | batch[p + 1]!
    let at = p + 2
    let record: BatchRecord
    const take = (n: number, what: string) => {
      if (batch.length - at < n) throw invalid(`malformed record at byte ${p}`, `truncated ${what}`)
      const out = batch.slice(at, at + n)
      at += n
      return out
    }
    if (kind === KIND_KEYED) {
      const key = bytesToHex(take(32, 'key'))
      if (length === 0 || length > MAX_OPERATION_BYTES) throw badLength(p, length)
      record = { kind: 'keyed', key, bytes: take(length, 'operation') }
    } else if (kind === KIND_GENESIS_LOCATOR || (kind === KIND_GENESIS && locator !== undefined)) {
      if (kind === KIND_GENESIS_LOCATOR) locator = take(LOCATOR_LENGTH, 'locator')
      if (length === 0 || length > MAX_OPERATION_BYTES) throw badLength(p, length)
      record = { kind: 'genesis', locator: locator!.slice(), bytes: take(length, 'operation') }
    } else {
      throw invalid(
        `malformed record at byte ${p}`,
        kind === KIND_GENESIS ? 'no locator set yet' : `kind ${kind}`,
      )
    }
    records.push(record)
    p = at
  }
  return records
}

/** Bytes a record adds to a batch: its header, its fields and its operation. */
export function recordSize(record: BatchRecord, previousLocator: Uint8Array | undefined): number {
  if (record.kind === 'keyed') return 34 + record.bytes.length
  const same = previousLocator !== undefined && equal(previousLocator, record.locator)
  return (same ? 2 : 2 + LOCATOR_LENGTH) + record.bytes.length
}

function badLength(p: number, length: number): LedgerError {
  return invalid(
    `malformed record at byte ${p}`,
    `operation length ${length} is not 1 to ${MAX_OPERATION_BYTES}`,
  )
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function invalid(message: string, details?: string): LedgerError {
  return new LedgerError(LedgerErrorCode.InvalidOperation, message, details === undefined ? {} : { details })
}
