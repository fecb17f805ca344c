/** Milliseconds since the epoch; injected so tests can move time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

export interface TtlCacheParameters {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number
  /** How long an entry lives, in milliseconds (an entry may ask for less). */
  ttl: number
  clock: Clock
}

/** A bounded least-recently-used cache whose entries expire. */
export interface TtlCache<V> {
  get(key: string): V | undefined
  /** Stores `value` for `ttl` milliseconds at most (the cache's own TTL caps it). */
  set(key: string, value: V, ttl?: number): void
  delete(key: string): void
  clear(): void
  readonly size: number
}

/**
 * A bounded LRU cache with a time-to-live. Unlike did-resolver's built-in cache, it never
 * grows without bound and never serves an entry past its expiry.
 * @throws RangeError for a non-positive `maxEntries` or a negative `ttl`.
 */
export function createTtlCache<V>(parameters: TtlCacheParameters): TtlCache<V> {
  const { maxEntries, ttl, clock } = parameters
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new RangeError('maxEntries must be a positive integer')
  if (!(ttl >= 0)) throw new RangeError('ttl must be a non-negative number of milliseconds')
  const entries = new Map<string, { value: V; expires: number }>()
  return {
    get(key) {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (clock() >= entry.expires) {
        entries.delete(key)
        return undefined
      }
      // Re-insert so that Map order is least recently used first.
      entries.delete(key)
      entries.set(key, entry)
      return entry.value
    },
    set(key, value, entryTtl) {
      const life = Math.min(ttl, entryTtl ?? ttl)
      if (!(life > 0)) return
      entries.delete(key)
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string)
      entries.set(key, { value, expires: clock() + life })
    },
    delete(key) {
      entries.delete(key)
    },
    clear() {
      entries.clear()
    },
    get size() {
      return entries.size
    },
  }
}

/**
 * Runs `load` once per key at a time: concurrent callers for the same key share one
 * promise, so a burst of verifications triggers one resolution or one fetch.
 */
export function singleFlight<V>(): (key: string, load: () => Promise<V>) => Promise<V> {
  const pending = new Map<string, Promise<V>>()
  return (key, load) => {
    const existing = pending.get(key)
    if (existing !== undefined) return existing
    const promise = load().finally(() => pending.delete(key))
    pending.set(key, promise)
    return promise
  }
}
