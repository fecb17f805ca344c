// DID Core §7.1.3 datetimes: XML Schema dateTime normalized to UTC, no sub-second precision.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatDatetime, parseDatetime } from '../src/index.js'

describe('datetimes', () => {
  it('formats whole seconds as YYYY-MM-DDThh:mm:ssZ', () => {
    expect(formatDatetime(0)).toBe('1970-01-01T00:00:00Z')
    expect(formatDatetime(1_700_000_000)).toBe('2023-11-14T22:13:20Z')
  })

  it('property: parse(format(t)) = t', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), (t) => {
        expect(parseDatetime(formatDatetime(t))).toBe(t)
      }),
    )
  })

  it('property: whatever it accepts formats back to the same text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)),
        (text) => {
          const t = parseDatetime(text)
          if (t !== undefined) expect(formatDatetime(t)).toBe(text)
        },
      ),
      { numRuns: 2000 },
    )
  })

  for (const bad of [
    '2025-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-01-01T24:00:00Z',
    '2025-01-01T00:00:60Z',
    '2025-01-01T00:00:00.000Z',
    '2025-01-01T00:00:00+00:00',
    '2025-01-01 00:00:00Z',
    '0099-01-01T00:00:00Z',
    '',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(parseDatetime(bad)).toBeUndefined()
    })
  }
})
