import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromPosition, LOG_INDEX_BITS, MAX_POSITION_BLOCK, positionOf } from '../src/index.js'

const block = fc.integer({ min: 0, max: MAX_POSITION_BLOCK })
const logIndex = fc.integer({ min: 0, max: 2 ** LOG_INDEX_BITS - 1 })

describe('positions', () => {
  it('round-trip and stay safe integers', () => {
    fc.assert(
      fc.property(block, logIndex, (b, l) => {
        const p = positionOf(b, l)
        expect(Number.isSafeInteger(p)).toBe(true)
        expect(fromPosition(p)).toEqual({ blockNumber: b, logIndex: l })
      }),
    )
  })

  it('follow chain order', () => {
    fc.assert(
      fc.property(block, logIndex, block, logIndex, (b1, l1, b2, l2) => {
        const order = b1 === b2 ? Math.sign(l1 - l2) : Math.sign(b1 - b2)
        expect(Math.sign(positionOf(b1, l1) - positionOf(b2, l2))).toBe(order)
      }),
    )
  })

  it('refuse what they cannot number', () => {
    expect(() => positionOf(MAX_POSITION_BLOCK + 1, 0)).toThrow(RangeError)
    expect(() => positionOf(1, 2 ** LOG_INDEX_BITS)).toThrow(RangeError)
    expect(() => positionOf(-1, 0)).toThrow(RangeError)
    expect(() => positionOf(1, 0.5)).toThrow(RangeError)
  })
})
