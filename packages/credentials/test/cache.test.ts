// The bounded, expiring cache behind documents, keys, status lists and did-resolver.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTtlCache } from '../src/index.js'
import { boundedDidCache } from '../src/resolvers.js'

describe('createTtlCache', () => {
  it('serves an entry until its time-to-live, and never after', () => {
    let now = 0
    const cache = createTtlCache<string>({ maxEntries: 10, ttl: 1000, clock: () => now })
    cache.set('a', 'A')
    cache.set('b', 'B', 100)
    now = 99
    expect([cache.get('a'), cache.get('b')]).toEqual(['A', 'B'])
    now = 100
    expect([cache.get('a'), cache.get('b')]).toEqual(['A', undefined])
    now = 1000
    expect(cache.get('a')).toBeUndefined()
    cache.set('c', 'C', 0)
    expect(cache.get('c')).toBeUndefined()
  })

  it('drops the old value when a set gives a lifetime of 0 or less, never serving it again', () => {
    let now = 0
    const cache = createTtlCache<string>({ maxEntries: 10, ttl: 1000, clock: () => now })
    for (const life of [0, -1, Number.NaN, Number.NEGATIVE_INFINITY]) {
      cache.set('a', 'old')
      expect(cache.get('a')).toBe('old')
      cache.set('a', 'new', life)
      expect(cache.get('a')).toBeUndefined()
      expect(cache.size).toBe(0)
    }
    // A status list whose validUntil has just passed is set with what is left of its life: 0.
    cache.set('list', 'v1', 500)
    now = 10
    cache.set('list', 'v2', 0)
    expect(cache.get('list')).toBeUndefined()
  })

  it('gives entries used since the last eviction a second chance', () => {
    const cache = createTtlCache<number>({ maxEntries: 3, ttl: 1000, clock: () => 0 })
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3)
    cache.get('a')
    cache.set('d', 4) // evicts b, the oldest unused
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, undefined, 3, 4])
  })

  it('never holds more than maxEntries, whatever the operations (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 50 }))),
        (max, ops) => {
          let now = 0
          const cache = createTtlCache<number>({ maxEntries: max, ttl: 40, clock: () => now })
          const model = new Map<string, { value: number; expires: number }>()
          for (const [write, key, time] of ops) {
            now += time % 5
            if (write) {
              cache.set(String(key), time)
              model.set(String(key), { value: time, expires: now + 40 })
            } else {
              const got = cache.get(String(key))
              const known = model.get(String(key))
              // A hit is always the latest value written and never expired; a miss may be an eviction.
              if (got !== undefined)
                expect(known !== undefined && got === known.value && now < known.expires).toBe(true)
            }
            expect(cache.size).toBeLessThanOrEqual(max)
          }
        },
      ),
    )
  })

  it('refuses nonsense bounds', () => {
    expect(() => createTtlCache({ maxEntries: 0, ttl: 1, clock: () => 0 })).toThrow(RangeError)
    expect(() => createTtlCache({ maxEntries: 1, ttl: -1, clock: () => 0 })).toThrow(RangeError)
  })
})

describe('boundedDidCache', () => {
  it('caches successful resolutions only, and honours no-cache', async () => {
    const cache = boundedDidCache({ ttl: 1000, clock: () => 0 })
    let calls = 0
    const ok = async () => {
      calls++
      return { didResolutionMetadata: {}, didDocument: { id: 'did:example:a' }, didDocumentMetadata: {} }
    }
    const failed = async () => {
      calls++
      return { didResolutionMetadata: { error: 'notFound' }, didDocument: null, didDocumentMetadata: {} }
    }
    const parsed = { did: 'did:example:a', didUrl: 'did:example:a', method: 'example', id: 'a' }
    await cache(parsed, ok)
    await cache(parsed, ok)
    expect(calls).toBe(1)
    await cache({ ...parsed, params: { 'no-cache': 'true' } }, ok)
    expect(calls).toBe(2)
    const missing = { ...parsed, did: 'did:example:b', didUrl: 'did:example:b' }
    await cache(missing, failed)
    await cache(missing, failed)
    expect(calls).toBe(4)
  })
})
