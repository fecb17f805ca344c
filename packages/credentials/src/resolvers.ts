// @marque/credentials/resolvers: a DID resolver for verifiers, with did:key and did:web
// (their well-kept resolver packages) and any further methods such as did:marque. A separate
// entry point because web-did-resolver brings an HTTP client.
import { type DIDCache, type DIDResolutionResult, type DIDResolver, Resolver } from 'did-resolver'
import { getResolver as getKeyResolver } from 'key-did-resolver'
import { getResolver as getWebResolver } from 'web-did-resolver'
import { type Clock, createTtlCache, systemClock } from './cache.js'

/** Parameters of {@link createDidResolver}. */
export interface CreateDidResolverParameters {
  /** Further methods, e.g. `getResolver({ ledgers })` from `@marque/did`. They override key/web. */
  methods?: Record<string, DIDResolver>
  /** Most cache entries (entries not used lately go first). Default 10 000. */
  maxEntries?: number
  /** Milliseconds a resolution is reused. Default 60 000. `0` disables the cache. */
  ttl?: number
  /** Milliseconds since the epoch, for the cache's expiry; injectable for tests. Default `Date.now`. */
  clock?: Clock
}

/**
 * A did-resolver cache that, unlike its built-in one, is bounded and expires, and never
 * keeps failed resolutions. `no-cache=true` in a DID URL bypasses it.
 */
export function boundedDidCache(
  parameters: {
    /** Most cache entries (entries not used lately go first). Default 10 000. */
    maxEntries?: number
    /** Milliseconds a resolution is reused. Default 60 000; `0` keeps nothing. */
    ttl?: number
    /** Milliseconds since the epoch, for expiry; injectable for tests. Default `Date.now`. */
    clock?: Clock
  } = {},
): DIDCache {
  const cache = createTtlCache<DIDResolutionResult>({
    maxEntries: parameters.maxEntries ?? 10_000,
    ttl: parameters.ttl ?? 60_000,
    clock: parameters.clock ?? systemClock,
  })
  return async (parsed, resolve) => {
    if (parsed.params?.['no-cache'] === 'true') return resolve()
    const hit = cache.get(parsed.didUrl)
    if (hit !== undefined) return hit
    const result = await resolve()
    if (result.didResolutionMetadata?.error === undefined) cache.set(parsed.didUrl, result)
    return result
  }
}

/** A did-resolver `Resolver` for `did:key`, `did:web` and the given methods, with a bounded cache. */
export function createDidResolver(parameters: CreateDidResolverParameters = {}): Resolver {
  const ttl = parameters.ttl ?? 60_000
  const registry = { ...getKeyResolver(), ...getWebResolver(), ...parameters.methods }
  return new Resolver(registry, {
    cache:
      ttl === 0
        ? false
        : boundedDidCache({
            ttl,
            ...(parameters.maxEntries === undefined ? {} : { maxEntries: parameters.maxEntries }),
            ...(parameters.clock === undefined ? {} : { clock: parameters.clock }),
          }),
  })
}
