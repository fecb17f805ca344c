import type { DIDResolutionResult } from 'did-resolver'
import { describe, expect, it } from 'vitest'
import { createDidCache, DidErrorCode } from '../src/index.js'
import { manualClock } from './fixtures.js'

const result = (id: string): DIDResolutionResult => ({
  didResolutionMetadata: {},
  didDocument: { id },
  didDocumentMetadata: {},
})

describe('createDidCache', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = createDidCache({ maxEntries: 2 })
    cache.set('a', 'a|current', result('a'), false)
    cache.set('b', 'b|current', result('b'), false)
    expect(cache.get('a|current')?.didDocument?.id).toBe('a') // a is now the most recent
    cache.set('c', 'c|current', result('c'), false)
    expect(cache.size).toBe(2)
    expect(cache.get('b|current')).toBeUndefined()
    expect(cache.get('a|current')?.didDocument?.id).toBe('a')
    expect(cache.get('c|current')?.didDocument?.id).toBe('c')
  })

  it('expires current results after the TTL and keeps immutable ones', () => {
    const clock = manualClock()
    const cache = createDidCache({ ttlSeconds: 10, now: clock.now })
    cache.set('a', 'a|current', result('a'), false)
    cache.set('a', 'a|v1', result('a1'), true)
    clock.advance(9)
    expect(cache.get('a|current')).toBeDefined()
    clock.advance(1)
    expect(cache.get('a|current')).toBeUndefined()
    clock.advance(1_000_000)
    expect(cache.get('a|v1')?.didDocument?.id).toBe('a1')
    expect(cache.size).toBe(1)
  })

  it('invalidates every entry of one DID and no other', () => {
    const cache = createDidCache()
    cache.set('a', 'a|current', result('a'), false)
    cache.set('a', 'a|v1', result('a1'), true)
    cache.set('b', 'b|current', result('b'), false)
    cache.invalidate('a')
    expect(cache.get('a|current')).toBeUndefined()
    expect(cache.get('a|v1')).toBeUndefined()
    expect(cache.get('b|current')).toBeDefined()
    cache.clear()
    expect(cache.size).toBe(0)
  })

  it('replaces an entry set twice under one key without growing', () => {
    const cache = createDidCache({ maxEntries: 2 })
    cache.set('a', 'a|current', result('a'), false)
    cache.set('a', 'a|current', result('a2'), false)
    cache.set('b', 'b|current', result('b'), false)
    expect(cache.size).toBe(2)
    expect(cache.get('a|current')?.didDocument?.id).toBe('a2')
  })

  it('refuses bad bounds with DID_INVALID_PARAMETER', () => {
    for (const p of [
      { maxEntries: 0 },
      { maxEntries: 1.5 },
      { ttlSeconds: -1 },
      { ttlSeconds: Number.NaN },
    ]) {
      expect(() => createDidCache(p)).toThrowError(
        expect.objectContaining({ code: DidErrorCode.InvalidParameter }),
      )
    }
  })
})
