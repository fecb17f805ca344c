// Property tests of the batch input parsers: CSV written by any RFC 4180 writer reads back
// field for field, hostile rows and tokens get typed errors only, never anything else.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { CliError, CliErrorCode } from '../src/index.js'
import { checkColumns, DEVICE_COLUMNS, deviceCredential } from '../src/vc/devices.js'
import { readRows } from '../src/vc/rows.js'
import { readToken } from '../src/vc/token.js'
import { tempDir } from './helpers.js'

const tmp = tempDir()
afterAll(() => tmp.remove())

/** RFC 4180 §2: every field quoted, quotes doubled; records end with CRLF. */
const quote = (field: string) => `"${field.replace(/"/g, '""')}"`

async function collect(path: string, format: 'csv' | 'jsonl') {
  const rows = []
  for await (const row of readRows(path, format)) rows.push(row)
  return rows
}

const badInput = (error: unknown) => error instanceof CliError && error.code === CliErrorCode.BadInput

describe('batch input parsing', () => {
  it('reads back any quoted CSV field for field, in order, with the line each record ends on', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.string(), fc.string({ unit: 'grapheme' })), { minLength: 1, maxLength: 20 }),
        async (records) => {
          const path = join(tmp.dir, `p${n++}.csv`)
          writeFileSync(path, `did,serial\r\n${records.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`)
          const rows = await collect(path, 'csv')
          expect(rows.map((r) => [r.fields.did, r.fields.serial])).toEqual(records)
          expect(rows.map((r) => r.row)).toEqual(records.map((_, i) => i + 1))
          let line = 1
          const ends = records.map((r) => (line += 1 + (r.join('').match(/\r\n|\r|\n/g)?.length ?? 0)))
          expect(rows.map((r) => r.line)).toEqual(ends)
        },
      ),
      { numRuns: 50 },
    )
  })

  it('reads JSON lines back, skipping blank lines, and refuses anything but objects by line', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant(''), fc.dictionary(fc.string(), fc.jsonValue())), { maxLength: 15 }),
        async (items) => {
          const path = join(tmp.dir, `p${n++}.jsonl`)
          writeFileSync(path, items.map((o) => (o === '' ? '' : JSON.stringify(o))).join('\n'))
          const rows = await collect(path, 'jsonl')
          expect(rows.map((r) => r.fields)).toEqual(
            items.filter((o) => o !== '').map((o) => JSON.parse(JSON.stringify(o))),
          )
        },
      ),
      { numRuns: 50 },
    )
    const path = join(tmp.dir, 'bad.jsonl')
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .jsonValue()
            .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
            .map((v) => JSON.stringify(v)),
          fc.string().filter((s) => s.trim() !== '' && !/^\s*\{/.test(s)),
        ),
        async (line) => {
          writeFileSync(path, `{}\n${line.replace(/[\r\n]/g, ' ')}\n`)
          const error = await collect(path, 'jsonl').catch((e) => e)
          expect(badInput(error)).toBe(true)
          expect(error.message).toMatch(/^line 2: /)
        },
      ),
      { numRuns: 100 },
    )
  })

  it('turns any row into a credential input or a CLI_BAD_INPUT error, never anything else', () => {
    const columns = Object.keys(DEVICE_COLUMNS)
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue(),
    )
    fc.assert(
      fc.property(
        fc.dictionary(fc.oneof(fc.constantFrom(...columns, 'claims'), fc.string()), value),
        (fields) => {
          try {
            checkColumns(fields, true)
            const device = deviceCredential(fields, {}, '2025-01-01')
            expect(device.did).toBe(fields.did)
            expect(device.input.subject).toBe(fields.did)
          } catch (error) {
            expect(badInput(error), String(error)).toBe(true)
          }
        },
      ),
      { numRuns: 500 },
    )
  })

  it('reads any token as a credential or refuses it with CLI_BAD_INPUT', () => {
    const part = fc.oneof(
      fc.base64String().map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
      fc.string(),
    )
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(part, part, part).map((p) => p.join('.')),
        ),
        (token) => {
          try {
            const read = readToken(token)
            expect(read.jwt).toBe(token)
          } catch (error) {
            expect(badInput(error), String(error)).toBe(true)
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})
