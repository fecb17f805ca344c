import type { DIDResolutionResult } from 'did-resolver'
import { DidError, DidErrorCode } from './errors.js'

/** Parameters of {@link createDidCache}. */
export interface CreateDidCacheParameters {
  /** The most results kept; the least recently used goes first. Default 10,000. */
  maxEntries?: number
  /** How long a current resolution stays fresh, in seconds. Default 60. */
  ttlSeconds?: number
  /** Milliseconds since the epoch; injectable for tests. Default `Date.now`. */
  now?: () => number
}

/**
 * A bounded LRU cache of resolution results. A result that can never change is kept until
 * it is evicted (a superseded version, which has a `nextVersionId`; a deactivated DID); any
 * other for `ttlSeconds`.
 */
export interface DidCache {
  /**
   * The result stored under `key`, or `undefined` when there is none or it has expired (an
   * expired result is dropped). A hit makes the result the most recently used.
   */
  get(key: string): DIDResolutionResult | undefined
  /**
   * Stores `result` under `key` (the resolver's key: the `accept` media type and the DID URL
   * as requested), filed under `did` for {@link DidCache.invalidate}. An `immutable` result
   * stays until it is evicted; any other for `ttlSeconds`. Evicts the least recently used
   * results to stay within `maxEntries`.
   */
  set(did: string, key: string, result: DIDResolutionResult, immutable: boolean): void
  /** Drops every result for this DID (current and historical). */
  invalidate(did: string): void
  /** Drops every result. */
  clear(): void
  /** How many results are held, expired ones not yet dropped included. */
  readonly size: number
}

interface Entry {
  did: string
  result: DIDResolutionResult
  expires: number
}

/**
 * @throws DidError `DID_INVALID_PARAMETER` when `maxEntries` is not a positive integer or
 *   `ttlSeconds` not a non-negative number.
 */
export function createDidCache(parameters: CreateDidCacheParameters = {}): DidCache {
  const maxEntries = parameters.maxEntries ?? 10_000
  const ttl = (parameters.ttlSeconds ?? 60) * 1000
  const now = parameters.now ?? Date.now
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new DidError(DidErrorCode.InvalidParameter, 'maxEntries must be a positive integer')
  }
  if (!Number.isFinite(ttl) || ttl < 0) {
    throw new DidError(DidErrorCode.InvalidParameter, 'ttlSeconds must be a non-negative number')
  }
  // A Map iterates in insertion order: re-inserting on each hit keeps the least recently
  // used entry first.
  const entries = new Map<string, Entry>()
  const byDid = new Map<string, Set<string>>()
  const drop = (key: string) => {
    const entry = entries.get(key)
    if (entry === undefined) return
    entries.delete(key)
    const keys = byDid.get(entry.did)
    keys?.delete(key)
    if (keys?.size === 0) byDid.delete(entry.did)
  }
  return {
    get(key) {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      if (entry.expires <= now()) {
        drop(key)
        return undefined
      }
      entries.delete(key)
      entries.set(key, entry)
      return entry.result
    },
    set(did, key, result, immutable) {
      drop(key)
      while (entries.size >= maxEntries) drop(entries.keys().next().value as string)
      entries.set(key, { did, result, expires: immutable ? Number.POSITIVE_INFINITY : now() + ttl })
      const keys = byDid.get(did)
      if (keys === undefined) byDid.set(did, new Set([key]))
      else keys.add(key)
    },
    invalidate(did) {
      for (const key of [...(byDid.get(did) ?? [])]) drop(key)
    },
    clear() {
      entries.clear()
      byDid.clear()
    },
    get size() {
      return entries.size
    },
  }
}
