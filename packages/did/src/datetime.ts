/**
 * DID Core §7.1.3: `created`, `updated` and `versionTime` are XML Schema dateTimes normalized
 * to UTC, without sub-second precision: `YYYY-MM-DDThh:mm:ssZ`.
 */
export function formatDatetime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/

/**
 * Parses a `YYYY-MM-DDThh:mm:ssZ` datetime into whole seconds since the epoch; undefined for
 * anything else (another offset, sub-second digits, a day that does not exist).
 */
export function parseDatetime(text: string): number | undefined {
  const m = DATETIME.exec(text)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls 30 February over into March: a round trip tells a real date.
  if (Number.isNaN(ms) || formatDatetime(ms / 1000) !== text) return undefined
  return ms / 1000
}
