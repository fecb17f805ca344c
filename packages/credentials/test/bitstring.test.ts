// Bitstring Status List v1.0: the encodedList vector of §2.2 (Example
// "BitstringStatusListCredential"), bit order (§2.2, encodedList), and round trips.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createBitstring,
  decodeBitstring,
  encodeBitstring,
  getBit,
  MIN_STATUS_LIST_LENGTH,
  setBit,
} from '../src/index.js'

/** Bitstring Status List v1.0 §2.2, Example 3: an all-clear list of 131,072 entries. */
const SPEC_ENCODED_LIST = 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA'

describe('spec vector', () => {
  it('expands to 16 KB of zero bits', async () => {
    const bits = await decodeBitstring(SPEC_ENCODED_LIST)
    expect(bits.length).toBe(16384)
    expect(bits.length * 8).toBe(MIN_STATUS_LIST_LENGTH)
    expect(bits.every((b) => b === 0)).toBe(true)
  })

  it('is exactly what encoding an empty list gives', async () => {
    expect(await encodeBitstring(createBitstring(MIN_STATUS_LIST_LENGTH))).toBe(SPEC_ENCODED_LIST)
  })
})

describe('bit order', () => {
  it('index 0 is the most significant bit of the first byte', () => {
    const bits = createBitstring(16)
    setBit(bits, 0, true)
    setBit(bits, 9, true)
    expect([...bits]).toEqual([0b1000_0000, 0b0100_0000])
    expect(getBit(bits, 0)).toBe(true)
    expect(getBit(bits, 1)).toBe(false)
    setBit(bits, 0, false)
    expect(bits[0]).toBe(0)
  })

  it('refuses indexes outside the list', () => {
    const bits = createBitstring(8)
    expect(() => getBit(bits, 8)).toThrow(RangeError)
    expect(() => setBit(bits, -1, true)).toThrow(RangeError)
    expect(() => createBitstring(12)).toThrow(RangeError)
  })
})

describe('round trip', () => {
  it('decode(encode(bits)) gives the same bits (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 8191 }), { maxLength: 64 }),
        async (indexes) => {
          const bits = createBitstring(8192)
          for (const i of indexes) setBit(bits, i, true)
          const back = await decodeBitstring(await encodeBitstring(bits))
          expect(back).toEqual(bits)
          for (const i of indexes) expect(getBit(back, i)).toBe(true)
        },
      ),
      { numRuns: 50 },
    )
  })

  it('decoding garbage throws a TypeError, never anything else (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (text) => {
        await expect(decodeBitstring(text)).rejects.toThrow(TypeError)
      }),
      { numRuns: 100 },
    )
  })
})

describe('hostile lists', () => {
  it('refuses what is not multibase base64url', async () => {
    await expect(decodeBitstring(SPEC_ENCODED_LIST.slice(1))).rejects.toThrow(TypeError)
    await expect(decodeBitstring('u!!!!')).rejects.toThrow(TypeError)
    await expect(decodeBitstring('uAAAA')).rejects.toThrow(TypeError)
  })

  it('stops a GZIP bomb at the size limit', async () => {
    const bomb = await encodeBitstring(createBitstring(8 * 4 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(10_000)
    await expect(decodeBitstring(bomb, 1024 * 1024)).rejects.toThrow(RangeError)
    await expect(decodeBitstring(bomb, 4 * 1024 * 1024)).resolves.toHaveLength(4 * 1024 * 1024)
  })
})
