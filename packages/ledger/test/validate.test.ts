// checkBatch and checkDid on arbitrary input: they accept what the limits allow, refuse
// everything else with a LedgerError of the right code, and never throw anything else.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkBatch,
  checkDid,
  LedgerError,
  LedgerErrorCode,
  MAX_DID_LENGTH,
  MAX_OPERATION_BYTES,
} from '../src/index.js'

const validDid = fc
  .string({
    unit: fc.constantFrom(...'abcXYZ019:._-%~'.split('')),
    minLength: 1,
    maxLength: MAX_DID_LENGTH - 4,
  })
  .map((s) => `did:${s}`)
const validOp = fc.record({ did: validDid, bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) })

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f()
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerError)
    return (error as LedgerError).code
  }
}

describe('checkDid', () => {
  it('accepts every did: string of printable ASCII up to the limit', () => {
    fc.assert(
      fc.property(validDid, (did) => {
        expect(checkDid(did)).toBe(did)
      }),
    )
  })

  it('refuses anything else with LEDGER_INVALID_OPERATION, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.anything()), (value) => {
        const ok =
          typeof value === 'string' &&
          value.length <= MAX_DID_LENGTH &&
          value.startsWith('did:') &&
          value.length > 4 &&
          [...value].every((c) => c >= '!' && c <= '~')
        expect(codeOf(() => checkDid(value))).toBe(ok ? undefined : LedgerErrorCode.InvalidOperation)
      }),
    )
  })
})

describe('checkBatch', () => {
  it('returns an equal batch of fresh plain Uint8Arrays', () => {
    fc.assert(
      fc.property(fc.array(validOp, { minLength: 1, maxLength: 20 }), (batch) => {
        const out = checkBatch(batch)
        expect(out).toEqual(batch)
        out.forEach((op, i) => {
          expect(op.bytes).not.toBe(batch[i]!.bytes)
          expect(Object.getPrototypeOf(op.bytes)).toBe(Uint8Array.prototype)
        })
      }),
    )
  })

  it('refuses a batch with any malformed operation, with the specific code', () => {
    const badOp = fc.oneof(
      fc.record({ did: validDid, bytes: fc.constant(new Uint8Array(MAX_OPERATION_BYTES + 1)) }),
      fc.record({ did: validDid, bytes: fc.constant(new Uint8Array(0)) }),
      fc.record({ did: validDid, bytes: fc.anything().filter((b) => !(b instanceof Uint8Array)) }),
      fc.record({
        did: fc.anything().filter((d) => typeof d !== 'string' || !d.startsWith('did:')),
        bytes: fc.uint8Array({ minLength: 1 }),
      }),
      fc.constantFrom(null, undefined, 42, 'did:x:y'),
    )
    fc.assert(
      fc.property(
        fc.array(validOp, { maxLength: 5 }),
        badOp,
        fc.array(validOp, { maxLength: 5 }),
        (before, bad, after) => {
          expect(codeOf(() => checkBatch([...before, bad, ...after] as never))).toBe(
            LedgerErrorCode.InvalidOperation,
          )
        },
      ),
    )
  })

  it('refuses an empty batch, one over the limit, and a non-array with LEDGER_BATCH_TOO_LARGE', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => !Array.isArray(v)),
        (v) => {
          expect(codeOf(() => checkBatch(v as never))).toBe(LedgerErrorCode.BatchTooLarge)
        },
      ),
    )
    expect(codeOf(() => checkBatch([]))).toBe(LedgerErrorCode.BatchTooLarge)
    const op = { did: 'did:x:y', bytes: new Uint8Array([1]) }
    expect(codeOf(() => checkBatch([op, op, op], 2))).toBe(LedgerErrorCode.BatchTooLarge)
    expect(checkBatch([op, op], 2)).toHaveLength(2)
  })
})
