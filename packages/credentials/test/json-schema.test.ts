// The JSON Schema subset validator (draft 2020-12 keywords, §6 and §10 of the validation
// and core vocabularies) and the schemas of Marque's credential types.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CredentialErrorCode as C,
  CREDENTIAL_SCHEMAS,
  compileSchema,
  DEVICE_IDENTITY_CREDENTIAL_SCHEMA,
  type JsonSchema,
} from '../src/index.js'
import { DEVICE_CLAIMS, expectCode } from './helpers.js'

describe('keywords', () => {
  const check = compileSchema({
    type: 'object',
    required: ['name', 'tags'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' },
      tags: { type: 'array', minItems: 1, maxItems: 2, items: { enum: ['a', 'b'] }, uniqueItems: true },
      when: { type: 'string', format: 'date-time' },
      day: { type: 'string', format: 'date' },
      count: { type: 'integer', minimum: 0, maximum: 9 },
      pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
      either: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
      fixed: { const: 'x' },
      'a/b~c': { type: 'boolean' },
    },
  })
  const ok = { name: 'abc', tags: ['a'] }

  it('accepts a valid value', () => {
    expect(check(ok)).toBeUndefined()
    expect(
      check({
        ...ok,
        when: '2024-02-29T23:59:59.5+01:00',
        day: '2024-02-29',
        count: 9,
        pair: ['x', 1.5],
        either: 3,
        fixed: 'x',
      }),
    ).toBeUndefined()
  })

  it.each([
    [[], 'the value must be object'],
    [{ tags: ['a'] }, '/name is required'],
    [{ ...ok, extra: 1 }, '/extra is not allowed'],
    [{ ...ok, name: 'a' }, '/name must have at least 2 characters'],
    [{ ...ok, name: 'abcde' }, '/name must have at most 4 characters'],
    [{ ...ok, name: 'AB' }, '/name must match ^[a-z]+$'],
    [{ ...ok, tags: [] }, '/tags must have at least 1 items'],
    [{ ...ok, tags: ['a', 'a'] }, '/tags must not repeat items'],
    [{ ...ok, tags: ['c'] }, '/tags/0 must be one of "a", "b"'],
    [{ ...ok, when: '2024-02-30T00:00:00Z' }, '/when must be an RFC 3339 date-time'],
    [{ ...ok, when: '2024-01-01T00:00:00' }, '/when must be an RFC 3339 date-time'],
    [{ ...ok, day: '2023-02-29' }, '/day must be an RFC 3339 full-date'],
    [{ ...ok, count: 1.5 }, '/count must be integer'],
    [{ ...ok, count: 10 }, '/count must be at most 9'],
    [{ ...ok, pair: ['x', 'y'] }, '/pair/1 must be number'],
    [{ ...ok, either: 1.5 }, '/either must match exactly one allowed form (matches 0)'],
    [{ ...ok, fixed: 'y' }, '/fixed must be "x"'],
    [{ ...ok, 'a/b~c': 1 }, '/a~1b~0c must be boolean'],
  ])('%j → %s', (value, problem) => {
    expect(check(value)).toBe(problem)
  })

  it('counts string length in code points, not UTF-16 units (draft 2020-12 validation §6.3.1)', () => {
    const length = compileSchema({ type: 'string', minLength: 2, maxLength: 3 })
    expect(length('😀😀')).toBeUndefined() // 4 units, 2 code points
    expect(length('😀')).toBe('the value must have at least 2 characters') // 2 units, 1 code point
    expect(length('😀😀😀')).toBeUndefined() // 6 units, 3 code points
    expect(length('😀😀😀😀')).toBe('the value must have at most 3 characters')
    expect(length('\ud800\ud800')).toBeUndefined() // two lone surrogates: 2 code points
    expect(length('a\ud800')).toBeUndefined()
  })

  it('compares const, enum and uniqueItems by JSON value: 1 is not "1", objects by content', () => {
    const one = compileSchema({ const: 1 })
    expect(one(1)).toBeUndefined()
    expect(one('1')).toBe('the value must be 1')
    const object = compileSchema({ const: { a: [1] } })
    expect(object({ a: [1] })).toBeUndefined()
    expect(object({ a: [2] })).toBe('the value must be {"a":[1]}')
    const mixed = compileSchema({ enum: [null, 1, { b: true }] })
    expect(mixed({ b: true })).toBeUndefined()
    expect(mixed(null)).toBeUndefined()
    expect(mixed('null')).toBe('the value must be one of null, 1, {"b":true}')
    const unique = compileSchema({ type: 'array', uniqueItems: true })
    expect(unique([1, '1', true, 'true', null])).toBeUndefined()
    expect(unique([1, 2, 1])).toBe('the value must not repeat items')
    expect(unique([{ a: 1 }, { a: 1 }])).toBe('the value must not repeat items')
    expect(unique([{ a: 1 }, { a: 2 }])).toBeUndefined()
  })

  it('compares objects by value whatever the order of their members (draft 2020-12 core §4.2.2)', () => {
    // Parsed from JSON text, as credentials are: the members arrive in the order written.
    const parse = (text: string) => JSON.parse(text) as unknown
    const object = compileSchema({ const: parse('{"a":1,"b":{"c":[1,{"d":2,"e":3}]}}') })
    expect(object(parse('{"b":{"c":[1,{"e":3,"d":2}]},"a":1}'))).toBeUndefined()
    expect(object(parse('{"b":{"c":[1.0,{"e":3,"d":2.0}]},"a":1.0}'))).toBeUndefined()
    // Arrays are ordered: the same items in another order are another value.
    expect(object(parse('{"a":1,"b":{"c":[{"d":2,"e":3},1]}}'))).toBe(
      'the value must be {"a":1,"b":{"c":[1,{"d":2,"e":3}]}}',
    )
    // One member more or less is another value.
    expect(object(parse('{"a":1,"b":{"c":[1,{"d":2,"e":3}]},"f":null}'))).toBeDefined()
    expect(object(parse('{"a":1}'))).toBeDefined()
    const list = compileSchema({ enum: ['x', parse('{"k":[1,2],"v":true}')] })
    expect(list(parse('{"v":true,"k":[1,2]}'))).toBeUndefined()
    expect(list(parse('{"v":true,"k":[2,1]}'))).toBe('the value must be one of "x", {"k":[1,2],"v":true}')
    expect(list('x')).toBeUndefined()
    const unique = compileSchema({ type: 'array', uniqueItems: true })
    expect(unique(parse('[{"a":1,"b":2},{"b":2,"a":1}]'))).toBe('the value must not repeat items')
    expect(unique(parse('[[{"a":1,"b":2}],[{"b":2,"a":1.0}]]'))).toBe('the value must not repeat items')
    expect(unique(parse('[[1,2],[2,1]]'))).toBeUndefined()
    expect(unique(parse('[1, 1.0]'))).toBe('the value must not repeat items')
    // A string holding an object's JSON text is not that object.
    expect(unique(['{"a":1}', { a: 1 }])).toBeUndefined()
  })

  it('compares as JSON values: equal exactly when equal after sorting every object (property)', () => {
    const sorted = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sorted)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
            )
          : v
    const shuffled = (v: unknown, seed: number): unknown =>
      Array.isArray(v)
        ? v.map((x) => shuffled(x, seed))
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([a], [b]) => ((a.length * seed) % 7) - ((b.length * seed) % 7) || (a < b ? 1 : -1))
                .map(([k, x]) => [k, shuffled(x, seed)]),
            )
          : v
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.integer({ min: 1, max: 6 }), (a, b, seed) => {
        const same = compileSchema({ const: a as JsonSchema['const'] })
        expect(same(shuffled(a, seed))).toBeUndefined()
        const equal = JSON.stringify(sorted(a)) === JSON.stringify(sorted(b))
        expect(same(b) === undefined).toBe(equal)
        expect(
          compileSchema({ type: 'array', uniqueItems: true })([a, shuffled(b, seed)]) === undefined,
        ).toBe(!equal)
      }),
    )
  })

  it('refuses keywords outside the subset, and dangling references', async () => {
    await expectCode(
      Promise.resolve().then(() => compileSchema({ type: 'object', patternProperties: {} } as JsonSchema)),
      C.InvalidArgument,
    )
    await expectCode(
      Promise.resolve().then(() => compileSchema({ $ref: '#/$defs/missing' })),
      C.InvalidArgument,
    )
    await expectCode(
      Promise.resolve().then(() => compileSchema({ format: 'email' } as unknown as JsonSchema)),
      C.InvalidArgument,
    )
  })

  it('never throws on any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = check(value)
        expect(result === undefined || typeof result === 'string').toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})

describe('credential type schemas', () => {
  it('every schema compiles and has the credentialSubject definition', () => {
    for (const schema of Object.values(CREDENTIAL_SCHEMAS)) {
      expect(() => compileSchema(schema)).not.toThrow()
      expect(schema.$defs?.credentialSubject).toBeDefined()
    }
  })

  const subject = compileSchema({
    $defs: DEVICE_IDENTITY_CREDENTIAL_SCHEMA.$defs!,
    $ref: '#/$defs/credentialSubject',
  })
  const device = { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', ...DEVICE_CLAIMS }

  it('DeviceIdentityCredential claims follow RFC 9711 encodings', () => {
    expect(subject(device)).toBeUndefined()
    expect(subject({ ...device, oemid: 123456 })).toBeUndefined()
    expect(subject({ ...device, oemid: 'AAAAAAAAAAAAAAAAAAAAAA' })).toBeUndefined()
    expect(subject({ ...device, profileClaim: { any: 'thing' } })).toBeUndefined()
    expect(subject({ ...device, oemid: 'AAECAw' })).toMatch(/^\/oemid/)
    expect(subject({ ...device, hwmodel: 'A'.repeat(44) })).toMatch(/^\/hwmodel/)
    expect(subject({ ...device, hwversion: ['1.0', 1, 'extra'] })).toMatch(/^\/hwversion/)
    expect(subject({ ...device, swdigest: [2, 'AAAA'] })).toMatch(/^\/swdigest/)
    expect(subject({ ...device, id: 'urn:not-a-did' })).toMatch(/^\/id/)
    const { serialNumber: _, ...withoutSerial } = device
    expect(subject(withoutSerial)).toBe('/serialNumber is required')
  })
})

it('date-time and full-date agree with the calendar for every day of 1899-2101 (property)', async () => {
  const { isFullDate, isDateTime } = await import('../src/time.js')
  fc.assert(
    fc.property(
      fc.integer({ min: 1899, max: 2101 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
        const date = new Date(Date.UTC(y, m - 1, d))
        const real = m >= 1 && m <= 12 && d >= 1 && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
        expect(isFullDate(text)).toBe(real)
        expect(isDateTime(`${text}T12:00:00Z`)).toBe(real)
      },
    ),
    { numRuns: 2000 },
  )
})
