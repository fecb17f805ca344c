import { CredentialError, CredentialErrorCode } from './errors.js'

// Date-times in credentials: VC Data Model 2.0 §4.7 uses XML Schema dateTimeStamp
// (a time zone is required); RFC 3339 §5.6 date-time is its common profile. JWT times
// (`iat`, `nbf`, `exp`) are NumericDate: seconds since the epoch (RFC 7519 §2).

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  // Gregorian leap years (RFC 3339 Appendix C).
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return day <= DAYS[month - 1]! + (leap ? 1 : 0)
}

/** True for an RFC 3339 date-time with a time zone (`2024-05-01T12:00:00Z`). Leap seconds are refused. */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value)
  if (m === null) return false
  const [, y, mo, d, h, mi, s, , , zh, zm] = m
  if (!validDate(Number(y), Number(mo), Number(d))) return false
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return false
  if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) return false
  return true
}

/** True for an RFC 3339 full-date (`2024-05-01`). */
export function isFullDate(value: string): boolean {
  const m = FULL_DATE.exec(value)
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]))
}

/** Seconds since the epoch of an RFC 3339 date-time, or undefined when it is not one. */
export function parseDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !isDateTime(value)) return undefined
  return Math.floor(Date.parse(value) / 1000)
}

/** The RFC 3339 form of a NumericDate, in whole seconds (`2024-05-01T12:00:00Z`). */
export function formatDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** True for a JWT NumericDate Marque accepts: an integer number of seconds in a sane range. */
export function isNumericDate(value: unknown): value is number {
  // Below 10^11 refuses milliseconds passed as seconds (they would mean year 5138 or later).
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < 1e11
}

/** A time given as a Date or as seconds since the epoch, in whole seconds. */
export type TimeInput = Date | number

/**
 * Whole seconds of a {@link TimeInput}.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for an invalid Date or a time
 *   outside the NumericDate range Marque accepts.
 */
export function toSeconds(value: TimeInput, name: string): number {
  const seconds = Math.floor(value instanceof Date ? value.getTime() / 1000 : value)
  if (!isNumericDate(seconds)) {
    throw new CredentialError(CredentialErrorCode.InvalidArgument, `${name} is not a valid time`, {
      hint: 'pass a Date or whole seconds since the epoch',
    })
  }
  return seconds
}
