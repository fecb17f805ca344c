/** Milliseconds since the epoch; injected so tests can move time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

/** Parameters of {@link createTtlCache}. */
export interface TtlCacheParameters {
  /** Most entries kept; entries not used lately go first. */
  maxEntries: number
  /** How long an entry lives, in milliseconds (an entry may ask for less). */
  ttl: number
  /** The time entries expire by, in milliseconds since the epoch (`Date.now` outside tests). */
  clock: Clock
}

/** A bounded least-recently-used cache whose entries expire. */
export interface TtlCache<V> {
  /**
   * The value under `key`, or `undefined` when there is none or it has expired (an expired
   * entry is dropped). A hit marks the entry used, so that eviction passes it over once.
   */
  get(key: string): V | undefined
  /**
   * Stores `value` for `ttl` milliseconds at most (the cache's own TTL caps it). A lifetime
   * of 0 or less (or not a number) stores nothing, and still drops what `key` held before.
   */
  set(key: string, value: V, ttl?: number): void
  /** Drops the entry under `key`, if there is one. */
  delete(key: string): void
  /** Drops every entry. */
  clear(): void
  /** How many entries are held, expired ones not yet dropped included. */
  readonly size: number
}

/**
 * A bounded cache with a time-to-live. Unlike did-resolver's built-in cache, it never grows
 * without bound and never serves an entry past its expiry. Eviction is CLOCK (second chance),
 * an approximation of least-recently-used whose hits write nothing but a flag: a warm
 * verifier reads this cache several times per verification.
 * @throws RangeError for a non-positive `maxEntries` or a negative `ttl`.
 */
export function createTtlCache<V>(parameters: TtlCacheParameters): TtlCache<V> {
  const { maxEntries, ttl, clock } = parameters
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new RangeError('maxEntries must be a positive integer')
  if (!(ttl >= 0)) throw new RangeError('ttl must be a non-negative number of milliseconds')
  const entries = new Map<string, { value: V; expires: number; used: boolean }>()
  function evictOne(): void {
    // Entries used since the hand last passed get a second chance at the back of the line.
    for (const [key, entry] of entries) {
      entries.delete(key)
      if (!entry.used || clock() >= entry.expires) return
      entry.used = false
      entries.set(key, entry)
    }
  }
  return {
    get(key) {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (clock() >= entry.expires) {
        entries.delete(key)
        return undefined
      }
      entry.used = true
      return entry.value
    },
    set(key, value, entryTtl) {
      // The old value goes first, whatever the new one's life: a value not worth keeping
      // must not leave the one it replaces to be served.
      entries.delete(key)
      const life = Math.min(ttl, entryTtl ?? ttl)
      if (!(life > 0)) return
      if (entries.size >= maxEntries) evictOne()
      entries.set(key, { value, expires: clock() + life, used: false })
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
