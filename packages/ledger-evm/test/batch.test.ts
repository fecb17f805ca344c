import { LedgerError, LedgerErrorCode } from '@marque/ledger'
import fc from 'fast-check'
import { bytesToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { type BatchRecord, decodeBatch, encodeBatch } from '../src/index.js'

const operation = fc.uint8Array({ minLength: 1, maxLength: 4096 })
const record: fc.Arbitrary<BatchRecord> = fc.oneof(
  fc.record({
    kind: fc.constant('genesis' as const),
    locator: fc.uint8Array({ minLength: 6, maxLength: 6 }),
    bytes: operation,
  }),
  fc.record({
    kind: fc.constant('keyed' as const),
    key: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b)),
    bytes: operation,
  }),
)

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof LedgerError ? error.code : 'not a LedgerError'
  }
  return undefined
}

describe('batch encoding', () => {
  it('decodes what it encodes, record for record', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 8 }), (records) => {
        expect(decodeBatch(encodeBatch(records))).toEqual(records)
      }),
    )
  })

  it('writes a shared locator once', () => {
    const locator = Uint8Array.of(1, 2, 3, 4, 5, 6)
    const records: BatchRecord[] = [1, 2, 3].map((n) => ({
      kind: 'genesis',
      locator,
      bytes: Uint8Array.of(n),
    }))
    // 2-byte header + 6-byte locator + 1 byte, then 2 + 1 twice.
    expect(encodeBatch(records).length).toBe(9 + 3 + 3)
    // header 0x4001 (kind 1, length 1), the locator, the operation
    expect(bytesToHex(encodeBatch(records).subarray(0, 9))).toBe('0x400101020304050601')
  })

  it('puts the kind in the top two bits of the length', () => {
    const bytes = new Uint8Array(4096)
    const out = encodeBatch([{ kind: 'keyed', key: `0x${'ab'.repeat(32)}`, bytes }])
    expect(out[0]).toBe(0xc0 | 0x10)
    expect(out[1]).toBe(0x00)
    expect(out.length).toBe(2 + 32 + 4096)
  })

  it('refuses operations it cannot carry', () => {
    const key = `0x${'00'.repeat(32)}` as const
    expect(code(() => encodeBatch([{ kind: 'keyed', key, bytes: new Uint8Array(0) }]))).toBe(
      LedgerErrorCode.InvalidOperation,
    )
    expect(code(() => encodeBatch([{ kind: 'keyed', key, bytes: new Uint8Array(4097) }]))).toBe(
      LedgerErrorCode.InvalidOperation,
    )
    expect(code(() => encodeBatch([{ kind: 'keyed', key: '0x00', bytes: Uint8Array.of(1) }]))).toBe(
      LedgerErrorCode.InvalidOperation,
    )
    expect(
      code(() => encodeBatch([{ kind: 'genesis', locator: new Uint8Array(5), bytes: Uint8Array.of(1) }])),
    ).toBe(LedgerErrorCode.InvalidOperation)
  })

  it('refuses malformed batches with LEDGER_INVALID_OPERATION', () => {
    const cases: [string, number[]][] = [
      ['empty', []],
      ['truncated header', [0x40]],
      ['kind 0', [0x00, 0x01, 0xff]],
      ['genesis without a locator set', [0x80, 0x01, 0xff]],
      ['truncated locator', [0x40, 0x01, 1, 2, 3]],
      ['truncated key', [0xc0, 0x01, ...new Array(31).fill(7)]],
      ['zero-length operation', [0x40, 0x00, 1, 2, 3, 4, 5, 6]],
      ['operation longer than 4096', [0x50, 0x01, 1, 2, 3, 4, 5, 6, ...new Array(4097).fill(1)]],
      ['operation past the end', [0x40, 0x05, 1, 2, 3, 4, 5, 6, 9, 9]],
    ]
    for (const [name, bytes] of cases) {
      expect([name, code(() => decodeBatch(Uint8Array.from(bytes)))]).toEqual([
        name,
        LedgerErrorCode.InvalidOperation,
      ])
    }
  })

  it('never throws anything but LEDGER_INVALID_OPERATION on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const outcome = code(() => decodeBatch(bytes))
        expect(outcome === undefined || outcome === LedgerErrorCode.InvalidOperation).toBe(true)
      }),
    )
  })
})
