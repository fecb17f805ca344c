import { CredentialError, CredentialErrorCode } from './errors.js'
import { jsonKey } from './json-equality.js'
import { isDateTime, isFullDate } from './time.js'

/**
 * The JSON Schema (draft 2020-12) keywords this validator understands: the subset Marque's
 * credential schemas use. A schema with any other keyword is refused when compiled rather
 * than silently half-checked.
 */
export interface JsonSchema {
  /** The dialect's URI. An annotation: the dialect is always this subset of draft 2020-12. */
  $schema?: string
  /** The schema's URI. An annotation: `$ref` never resolves by URI. */
  $id?: string
  /** Named subschemas for `$ref`; only those of the root schema can be referred to. */
  $defs?: Record<string, JsonSchema>
  /** A subschema the value must also fit: `#/$defs/<name>` of the root schema, nothing else. */
  $ref?: string
  /** A short name. An annotation, not checked. */
  title?: string
  /** What the value means. An annotation, not checked. */
  description?: string
  /** The JSON type or types the value must have; `number` admits integers too. */
  type?: JsonType | JsonType[]
  /** Subschemas of named object members, each checked when the member is present. */
  properties?: Record<string, JsonSchema>
  /** Object members that must be present. */
  required?: string[]
  /**
   * Members `properties` does not name: `false` refuses them, a schema checks them, `true` or
   * absent allows any.
   */
  additionalProperties?: boolean | JsonSchema
  /** Fewest members an object may have. */
  minProperties?: number
  /** Subschema of every array item after those `prefixItems` covers. */
  items?: JsonSchema
  /** Subschemas of the first array items, by position. */
  prefixItems?: JsonSchema[]
  /** Fewest items an array may have. */
  minItems?: number
  /** Most items an array may have. */
  maxItems?: number
  /** A subschema at least one array item must fit. */
  contains?: JsonSchema
  /**
   * When true, no two array items may be equal: JSON equality (core §4.2.2), so objects
   * compare by their members in any order, arrays item by item in order.
   */
  uniqueItems?: boolean
  /** Fewest characters a string may have, counted in Unicode code points. */
  minLength?: number
  /** Most characters a string may have, counted in Unicode code points. */
  maxLength?: number
  /**
   * A JavaScript regular expression (`u` flag) the string must match somewhere: anchor it with
   * `^…$` for the whole.
   */
  pattern?: string
  /**
   * Checked, not an annotation: `date-time` is an RFC 3339 date-time with a time zone, `date` an
   * RFC 3339 full-date.
   */
  format?: 'date-time' | 'date'
  /** Smallest number allowed, inclusive. */
  minimum?: number
  /** Largest number allowed, inclusive. */
  maximum?: number
  /**
   * The values allowed, compared by JSON equality (core §4.2.2): strings, numbers, booleans
   * and null by value, objects by their members in any order, arrays item by item in order.
   */
  enum?: readonly unknown[]
  /** The one value allowed, compared as in `enum`. */
  const?: unknown
  /** Subschemas the value must all fit. */
  allOf?: JsonSchema[]
  /** Subschemas of which the value must fit at least one. */
  anyOf?: JsonSchema[]
  /** Subschemas of which the value must fit exactly one. */
  oneOf?: JsonSchema[]
}

/** A JSON Schema type name (draft 2020-12); `integer` is a number without a fractional part. */
export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null'

/** Returns undefined when `value` is valid, or the first problem found, with its JSON Pointer. */
export type SchemaCheck = (value: unknown) => string | undefined

/**
 * A problem found: what, and where (a JSON Pointer, RFC 6901). The pointer is built on the
 * way back up, only when there is a problem, so a valid document costs no string building.
 */
interface Problem {
  path: string
  message: string
}
type Check = (value: unknown) => Problem | undefined

const problem = (message: string, path = ''): Problem => ({ path, message })

/** Prefixes a child's problem with the member name or index it was found under. */
function under(found: Problem | undefined, token: string | number): Problem | undefined {
  if (found !== undefined)
    found.path = `/${typeof token === 'number' ? token : escapePointer(token)}${found.path}`
  return found
}

const KEYWORDS = new Set<string>([
  '$schema',
  '$id',
  '$defs',
  '$ref',
  'title',
  'description',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'contains',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'enum',
  'const',
  'allOf',
  'anyOf',
  'oneOf',
])

/**
 * Compiles a schema (of the subset above) to a fast check function.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for a keyword outside the subset,
 *   a `$ref` that is not `#/$defs/<name>`, or a `$ref` to a missing definition.
 */
export function compileSchema(schema: JsonSchema): SchemaCheck {
  const defs = new Map<string, Check>()
  const root = schema
  function compile(node: JsonSchema): Check {
    for (const keyword of Object.keys(node)) {
      if (!KEYWORDS.has(keyword)) {
        throw new CredentialError(
          CredentialErrorCode.InvalidArgument,
          `unsupported JSON Schema keyword "${keyword}"`,
          {
            hint: 'the credential schema validator supports the subset listed in docs/credentials.md',
          },
        )
      }
    }
    const checks: Check[] = []
    if (node.$ref !== undefined) checks.push(ref(node.$ref))
    if (node.type !== undefined) checks.push(typeCheck(node.type))
    // const, enum and uniqueItems compare by JSON equality (core §4.2.2): primitives by
    // value, the rest by a key that ignores the order of object members.
    if (node.const !== undefined) {
      const expected = JSON.stringify(node.const)
      const value = node.const
      const key = jsonKey(value)
      checks.push(
        isPrimitive(value)
          ? (v) => (v === value ? undefined : problem(`must be ${expected}`))
          : (v) => (jsonKey(v) === key ? undefined : problem(`must be ${expected}`)),
      )
    }
    if (node.enum !== undefined) {
      const list = node.enum.map((e) => JSON.stringify(e)).join(', ')
      const byValue = node.enum.every(isPrimitive)
      const key = byValue ? (v: unknown) => v : jsonKey
      const allowed = new Set<unknown>(node.enum.map(key))
      checks.push((v) => (allowed.has(key(v)) ? undefined : problem(`must be one of ${list}`)))
    }
    addStringChecks(node, checks)
    addNumberChecks(node, checks)
    addObjectChecks(node, checks, compile)
    addArrayChecks(node, checks, compile)
    if (node.allOf !== undefined) checks.push(...node.allOf.map(compile))
    if (node.anyOf !== undefined) {
      const options = node.anyOf.map(compile)
      checks.push((v) =>
        options.some((o) => o(v) === undefined) ? undefined : problem('matches none of the allowed forms'),
      )
    }
    if (node.oneOf !== undefined) {
      const options = node.oneOf.map(compile)
      checks.push((v) => {
        const matches = options.filter((o) => o(v) === undefined).length
        return matches === 1 ? undefined : problem(`must match exactly one allowed form (matches ${matches})`)
      })
    }
    if (checks.length === 1) return checks[0]!
    return (v) => {
      for (const check of checks) {
        const found = check(v)
        if (found !== undefined) return found
      }
      return undefined
    }
  }
  function ref(target: string): Check {
    const match = /^#\/\$defs\/([A-Za-z0-9_-]+)$/.exec(target)
    const name = match?.[1]
    const def = name === undefined ? undefined : root.$defs?.[name]
    if (name === undefined || def === undefined) {
      throw new CredentialError(CredentialErrorCode.InvalidArgument, `unsupported or dangling $ref ${target}`)
    }
    // Late-bound so that definitions may refer to each other.
    return (v) => {
      let check = defs.get(name)
      if (check === undefined) {
        check = compile(def)
        defs.set(name, check)
      }
      return check(v)
    }
  }
  if (root.$defs !== undefined) for (const def of Object.values(root.$defs)) compile(def)
  const check = compile(root)
  return (value) => {
    const found = check(value)
    return found === undefined ? undefined : `${found.path || 'the value'} ${found.message}`
  }
}

/**
 * A JSON string, finite number, boolean or null: compared by value, as JSON Schema's const and
 * enum compare them (draft 2020-12 §6.1.2-3; 1 and 1.0 are one number, as in JavaScript).
 */
function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value)
}

/** The number of Unicode code points in `s` (JSON Schema counts string length in them), without copying. */
function codePoints(s: string): number {
  let count = s.length
  for (let i = 0; i < s.length - 1; i++) {
    const unit = s.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--
        i++
      }
    }
  }
  return count
}

function typeOf(value: unknown): JsonType | 'undefined' {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  const t = typeof value
  if (t === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  if (t === 'string' || t === 'boolean' || t === 'object') return t
  return 'undefined'
}

function typeCheck(type: JsonType | JsonType[]): Check {
  const allowed = new Set(Array.isArray(type) ? type : [type])
  const names = [...allowed].join(' or ')
  return (v) => {
    const actual = typeOf(v)
    if (allowed.has(actual as JsonType)) return undefined
    if (actual === 'integer' && allowed.has('number')) return undefined
    return problem(`must be ${names}`)
  }
}

function addStringChecks(node: JsonSchema, checks: Check[]): void {
  const { minLength, maxLength, pattern, format } = node
  if (minLength !== undefined) {
    checks.push((v) =>
      typeof v === 'string' && v.length < 2 * minLength && codePoints(v) < minLength
        ? problem(`must have at least ${minLength} characters`)
        : undefined,
    )
  }
  if (maxLength !== undefined) {
    // Code points are never more than UTF-16 units, so the cheap length decides most cases.
    checks.push((v) =>
      typeof v === 'string' && v.length > maxLength && codePoints(v) > maxLength
        ? problem(`must have at most ${maxLength} characters`)
        : undefined,
    )
  }
  if (pattern !== undefined) {
    const re = new RegExp(pattern, 'u')
    checks.push((v) => (typeof v === 'string' && !re.test(v) ? problem(`must match ${pattern}`) : undefined))
  }
  if (format === 'date-time') {
    checks.push((v) =>
      typeof v === 'string' && !isDateTime(v) ? problem('must be an RFC 3339 date-time') : undefined,
    )
  } else if (format === 'date') {
    checks.push((v) =>
      typeof v === 'string' && !isFullDate(v) ? problem('must be an RFC 3339 full-date') : undefined,
    )
  } else if (format !== undefined) {
    throw new CredentialError(
      CredentialErrorCode.InvalidArgument,
      `unsupported JSON Schema format "${format}"`,
    )
  }
}

function addNumberChecks(node: JsonSchema, checks: Check[]): void {
  const { minimum, maximum } = node
  if (minimum !== undefined) {
    checks.push((v) =>
      typeof v === 'number' && v < minimum ? problem(`must be at least ${minimum}`) : undefined,
    )
  }
  if (maximum !== undefined) {
    checks.push((v) =>
      typeof v === 'number' && v > maximum ? problem(`must be at most ${maximum}`) : undefined,
    )
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function addObjectChecks(node: JsonSchema, checks: Check[], compile: (n: JsonSchema) => Check): void {
  const { properties, required, additionalProperties, minProperties } = node
  if (required !== undefined) {
    checks.push((v) => {
      if (!isObject(v)) return undefined
      for (const name of required) {
        if (!Object.hasOwn(v, name)) return under(problem('is required'), name)
      }
      return undefined
    })
  }
  if (minProperties !== undefined) {
    checks.push((v) =>
      isObject(v) && Object.keys(v).length < minProperties
        ? problem(`must have at least ${minProperties} members`)
        : undefined,
    )
  }
  const props = new Map(Object.entries(properties ?? {}).map(([k, s]) => [k, compile(s)]))
  const extra =
    additionalProperties === undefined || additionalProperties === true
      ? undefined
      : additionalProperties === false
        ? false
        : compile(additionalProperties)
  if (props.size === 0 && extra === undefined) return
  checks.push((v) => {
    if (!isObject(v)) return undefined
    for (const name in v) {
      if (!Object.hasOwn(v, name)) continue
      const check = props.get(name)
      if (check !== undefined) {
        const found = check(v[name])
        if (found !== undefined) return under(found, name)
      } else if (extra === false) {
        return under(problem('is not allowed'), name)
      } else if (extra !== undefined) {
        const found = extra(v[name])
        if (found !== undefined) return under(found, name)
      }
    }
    return undefined
  })
}

function addArrayChecks(node: JsonSchema, checks: Check[], compile: (n: JsonSchema) => Check): void {
  const { items, prefixItems, minItems, maxItems, contains, uniqueItems } = node
  if (minItems !== undefined) {
    checks.push((v) =>
      Array.isArray(v) && v.length < minItems ? problem(`must have at least ${minItems} items`) : undefined,
    )
  }
  if (maxItems !== undefined) {
    checks.push((v) =>
      Array.isArray(v) && v.length > maxItems ? problem(`must have at most ${maxItems} items`) : undefined,
    )
  }
  const prefix = (prefixItems ?? []).map(compile)
  const rest = items === undefined ? undefined : compile(items)
  if (prefix.length > 0 || rest !== undefined) {
    checks.push((v) => {
      if (!Array.isArray(v)) return undefined
      for (let i = 0; i < v.length; i++) {
        const check = i < prefix.length ? prefix[i] : rest
        const found = check?.(v[i])
        if (found !== undefined) return under(found, i)
      }
      return undefined
    })
  }
  if (contains !== undefined) {
    const check = compile(contains)
    checks.push((v) =>
      Array.isArray(v) && !v.some((item) => check(item) === undefined)
        ? problem('must contain a matching item')
        : undefined,
    )
  }
  if (uniqueItems === true) {
    checks.push((v) =>
      Array.isArray(v) && new Set(v.every(isPrimitive) ? v : v.map(jsonKey)).size !== v.length
        ? problem('must not repeat items')
        : undefined,
    )
  }
}

// RFC 6901 §3: `~` and `/` are escaped in JSON Pointer reference tokens.
function escapePointer(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1')
}
