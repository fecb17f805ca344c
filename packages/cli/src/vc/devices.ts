import { type CredentialInput, type DeviceIdentityClaims, hwmodelOf } from '@marque/credentials'
import { utf8 } from '@marque/crypto'
import { CliError, CliErrorCode } from '../errors.js'

/**
 * The columns of a device row (a CSV header or the members of a JSON line) and the
 * `DeviceIdentityCredential` claims they become (docs/cli.md, "Device rows"). A column
 * marked `option` may instead be given once for every row by the option of the same name
 * (`--model TH-100`); a value in the row wins.
 */
export const DEVICE_COLUMNS = {
  did: { claim: 'credentialSubject.id', required: true, option: false },
  serial: { claim: 'serialNumber', required: true, option: false },
  model: { claim: 'hwmodel', required: true, option: true },
  hwversion: { claim: 'hwversion[0]', required: true, option: true },
  hwversion_scheme: { claim: 'hwversion[1]', required: false, option: true },
  swname: { claim: 'swname', required: true, option: true },
  swversion: { claim: 'swversion[0]', required: true, option: true },
  swversion_scheme: { claim: 'swversion[1]', required: false, option: true },
  oemid: { claim: 'oemid', required: true, option: true },
  manufacture_date: { claim: 'manufactureDate', required: false, option: true },
  manufacturer: { claim: 'manufacturer', required: false, option: true },
  ueid: { claim: 'ueid', required: false, option: false },
  valid_until: { claim: 'validUntil', required: false, option: true },
} as const
export type DeviceColumn = keyof typeof DEVICE_COLUMNS

/** Values given by options for every row. */
export type DeviceDefaults = Partial<Record<DeviceColumn, string>>

/** A device row checked and turned into the input of one credential. */
export interface DeviceCredential {
  did: string
  serial: string
  input: CredentialInput
}

// The DID syntax of DID Core §3.1, as the credential schema checks it.
const DID = /^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
const bad = (problem: string) => new CliError(CliErrorCode.BadInput, problem)

function text(
  fields: Record<string, unknown>,
  defaults: DeviceDefaults,
  column: DeviceColumn,
): string | undefined {
  const value = fields[column]
  if (value === undefined || value === null || value === '') return defaults[column]
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value !== 'string') throw bad(`${column} must be text`)
  return value
}

function required(fields: Record<string, unknown>, defaults: DeviceDefaults, column: DeviceColumn): string {
  const value = text(fields, defaults, column)
  if (value === undefined) {
    throw bad(
      DEVICE_COLUMNS[column].option
        ? `${column} is missing: give the column, or --${column.replace(/_/g, '-')} for every row`
        : `${column} is missing`,
    )
  }
  return value
}

/** `[version, scheme?]` (RFC 9711 §4.2.5); a scheme of digits is a CoSWID version-scheme number (RFC 9393 §4.1). */
function version(value: string, scheme: string | undefined): readonly [string, (number | string)?] {
  if (scheme === undefined) return [value]
  return [value, /^\d{1,9}$/.test(scheme) ? Number(scheme) : scheme]
}

/**
 * The columns a row may have: those of {@link DEVICE_COLUMNS}, and in JSON lines a `claims`
 * object of further claims. Unknown columns are refused, so a misspelt header is not
 * silently dropped.
 * @throws CliError `CLI_BAD_INPUT`.
 */
export function checkColumns(fields: Record<string, unknown>, json: boolean): void {
  for (const name of Object.keys(fields)) {
    if (!Object.hasOwn(DEVICE_COLUMNS, name) && !(json && name === 'claims')) {
      throw bad(
        `unknown column "${name}" (known: ${Object.keys(DEVICE_COLUMNS).join(', ')}${json ? ', claims' : ''})`,
      )
    }
  }
}

/**
 * Turns one device row into a `DeviceIdentityCredential` input. The claims' JSON Schema is
 * checked again when the credential is issued.
 * @throws CliError `CLI_BAD_INPUT` saying what is wrong with the row.
 */
export function deviceCredential(
  fields: Record<string, unknown>,
  defaults: DeviceDefaults,
  today: string,
): DeviceCredential {
  const did = required(fields, defaults, 'did')
  if (did.length > 2048 || !DID.test(did)) throw bad(`did "${did.slice(0, 64)}" is not a DID`)
  const serial = required(fields, defaults, 'serial')
  const model = required(fields, defaults, 'model')
  const modelBytes = utf8(model).length
  if (modelBytes > 32)
    throw bad(`model "${model}" is ${modelBytes} bytes of UTF-8; the most is 32 (RFC 9711 §4.2.4)`)
  const oemid = required(fields, defaults, 'oemid')
  if (/^\d+$/.test(oemid) && !Number.isSafeInteger(Number(oemid))) throw bad('oemid is too large a number')
  const claims: DeviceIdentityClaims = {
    oemid: /^\d+$/.test(oemid) ? Number(oemid) : oemid,
    hwmodel: hwmodelOf(model),
    hwversion: version(required(fields, defaults, 'hwversion'), text(fields, defaults, 'hwversion_scheme')),
    serialNumber: serial,
    manufactureDate: text(fields, defaults, 'manufacture_date') ?? today,
    swname: required(fields, defaults, 'swname'),
    swversion: version(required(fields, defaults, 'swversion'), text(fields, defaults, 'swversion_scheme')),
  }
  const manufacturer = text(fields, defaults, 'manufacturer')
  if (manufacturer !== undefined) claims.manufacturer = manufacturer
  const ueid = text(fields, defaults, 'ueid')
  if (ueid !== undefined) claims.ueid = ueid
  const extra = fields.claims
  if (extra !== undefined) {
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
      throw bad('claims must be a JSON object')
    for (const [name, value] of Object.entries(extra)) {
      if (name === 'id' || Object.hasOwn(claims, name))
        throw bad(`claims.${name} repeats a claim the columns set`)
      claims[name] = value
    }
  }
  const input: CredentialInput = { type: 'DeviceIdentityCredential', subject: did, claims }
  const validUntil = text(fields, defaults, 'valid_until')
  if (validUntil !== undefined) {
    const time = new Date(validUntil)
    if (!DATE_TIME.test(validUntil) || Number.isNaN(time.getTime())) {
      throw bad(`valid_until "${validUntil}" is not an RFC 3339 date-time such as 2030-12-31T23:59:59Z`)
    }
    input.validUntil = time
  }
  return { did, serial, input }
}

/** The issuance day, as `manufacture_date` defaults to it: an RFC 3339 full-date in UTC. */
export function todayUtc(now: number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10)
}
