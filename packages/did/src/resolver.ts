import type { Ledger } from '@marque/ledger'
import type {
  DIDDocumentMetadata,
  DIDResolutionOptions,
  DIDResolutionResult,
  DIDResolver,
  Resolvable,
} from 'did-resolver'
import { createDidCache, type DidCache } from './cache.js'
import { formatDatetime, parseDatetime } from './datetime.js'
import { parseDid } from './did.js'
import { buildDidDocument } from './document.js'
import { DidError, DidErrorCode } from './errors.js'
import { checkDomain } from './signing.js'
import { type DidVersion, readHistory } from './state.js'

/** The representations a did:marque resolver produces (DID Core §6.2, §6.3). */
export const DID_JSON = 'application/did+json'
/** The JSON-LD representation (DID Core §6.3), with `@context`: the default when `accept` is not given. */
export const DID_LD_JSON = 'application/did+ld+json'

/** Which ledger serves a network: a map, or a function for networks configured lazily. */
export type LedgerSource = Readonly<Record<string, Ledger>> | ((network: string) => Ledger | undefined)

/** Parameters of {@link createResolver} and {@link getResolver}. */
export interface CreateResolverParameters {
  /** Networks and their ledgers; `default` serves DIDs without a network segment. */
  ledgers: LedgerSource
  /** A cache, or `false` for none. Default: `createDidCache()` (10,000 entries, 60 s). */
  cache?: DidCache | false
}

/** A did:marque resolver. */
export interface MarqueResolver {
  /**
   * Resolves a DID or DID URL (DID Resolution §4). `versionId` and `versionTime` query
   * parameters select a historical version. Never throws: errors are data in
   * `didResolutionMetadata.error`.
   */
  resolve(didUrl: string, options?: DIDResolutionOptions): Promise<DIDResolutionResult>
  /** Drops cached results for a DID (the client calls it after its own writes). */
  invalidate(did: string): void
  /** The `{ marque: DIDResolver }` record for did-resolver's `Resolver`. */
  getResolver(): Record<string, DIDResolver>
}

/**
 * A resolver over the ledgers of each network. Ledgers given as a record are checked here;
 * a ledger a function gives is checked by each resolution that reads it, and a malformed
 * domain makes that resolution `internalError` with `code: 'DID_INVALID_PARAMETER'`.
 * @throws DidError `DID_INVALID_CONFIGURATION` when a ledger is filed under another network
 *   than its own `network`; `DID_INVALID_PARAMETER` when a ledger's `domain` is malformed
 *   (the check `createDidClient` makes: no operation can be signed over such a domain,
 *   so every DID would resolve as `notFound`).
 */
export function createResolver(parameters: CreateResolverParameters): MarqueResolver {
  const source = parameters.ledgers
  if (typeof source !== 'function') {
    if (source === null || typeof source !== 'object') {
      throw new DidError(DidErrorCode.InvalidConfiguration, 'ledgers must be a record of network to Ledger')
    }
    for (const [network, ledger] of Object.entries(source)) {
      if (ledger?.network !== network) {
        throw new DidError(
          DidErrorCode.InvalidConfiguration,
          `the ledger filed under "${network}" serves another network`,
          {
            details: `its network is "${String(ledger?.network)}"`,
          },
        )
      }
      checkDomain(ledger.domain)
    }
  }
  const ledgerOf = (network: string): Ledger | undefined =>
    typeof source === 'function'
      ? source(network)
      : Object.hasOwn(source, network)
        ? source[network]
        : undefined
  const cache = parameters.cache === false ? undefined : (parameters.cache ?? createDidCache())

  const resolve = async (
    didUrl: string,
    options: DIDResolutionOptions = {},
  ): Promise<DIDResolutionResult> => {
    const accept = options.accept ?? DID_LD_JSON
    // Only results of well-formed requests are cached, so the request as given is a safe
    // key, and a hit skips parsing (base58 decoding is most of a warm resolution's cost).
    const key = `${accept} ${didUrl}`
    const cached = typeof didUrl === 'string' ? cache?.get(key) : undefined
    if (cached !== undefined) return fresh(cached)
    const url = parseDidUrl(didUrl)
    if ('error' in url) return failure(url.error, url.message)
    if (accept !== DID_JSON && accept !== DID_LD_JSON) {
      return failure('representationNotSupported', `did:marque documents are ${DID_JSON} or ${DID_LD_JSON}`)
    }
    const selector = versionSelector(url.params)
    if ('error' in selector) return failure(selector.error, selector.message)
    const { parsed } = url
    const ledger = ledgerOf(parsed.network)
    if (ledger === undefined) {
      // The DID is well-formed and the method known, but this resolver cannot look on that
      // network: notFound would claim an absence it never checked (docs/did-method.md, "Errors").
      return failure('methodNotSupported', `this resolver has no ledger for network "${parsed.network}"`)
    }
    let history: Awaited<ReturnType<typeof readHistory>>
    try {
      history = await readHistory({ ledger, did: parsed })
    } catch (error) {
      return failure('internalError', 'the ledger could not be read', {
        ...(error instanceof Error && 'code' in error && { code: String(error.code) }),
      })
    }
    const { versions } = history
    const index = selectVersion(versions, selector)
    let result: DIDResolutionResult
    let immutable = false
    if (index === undefined) {
      result = failure(
        'notFound',
        versions.length === 0 ? 'no valid genesis operation for this DID' : 'no such version of this DID',
      )
    } else {
      const version = versions[index]!
      const next = versions[index + 1]
      const metadata: DIDDocumentMetadata = { created: formatDatetime(versions[0]!.time) }
      if (index > 0) metadata.updated = formatDatetime(version.time)
      metadata.versionId = version.versionId
      if (next !== undefined) {
        metadata.nextUpdate = formatDatetime(next.time)
        metadata.nextVersionId = next.versionId
      }
      if (version.state.deactivated) metadata.deactivated = true
      result = deepFreeze({
        didResolutionMetadata: { contentType: accept },
        didDocument: buildDidDocument({
          did: parsed.did,
          state: version.state,
          jsonLd: accept === DID_LD_JSON,
        }),
        didDocumentMetadata: metadata,
      })
      // A superseded version, or a deactivated DID, can never change (ledger times never
      // decrease, so no later operation can land before `nextUpdate`).
      immutable = next !== undefined || version.state.deactivated
    }
    cache?.set(parsed.did, key, result, immutable)
    return fresh(result)
  }

  const resolver: MarqueResolver = {
    resolve,
    invalidate(did) {
      cache?.invalidate(did)
    },
    getResolver() {
      return { marque: (_did, parsed, _resolvable, options) => resolve(parsed.didUrl, options) }
    },
  }
  return resolver
}

/**
 * The `{ marque: DIDResolver }` record for did-resolver:
 * `new Resolver(getResolver({ ledgers: { default: ledger } }))`.
 * @throws DidError `DID_INVALID_CONFIGURATION`, `DID_INVALID_PARAMETER` (see {@link createResolver}).
 */
export function getResolver(
  parameters: CreateResolverParameters | MarqueResolver,
): Record<string, DIDResolver> {
  return ('getResolver' in parameters ? parameters : createResolver(parameters)).getResolver()
}

/** Parameters of {@link resolverAtTime}. */
export interface ResolverAtTimeParameters {
  /** Any resolver: did-resolver's `Resolver`, or a {@link MarqueResolver}. */
  resolver: Resolvable | MarqueResolver
  /** The moment: a Date, or whole seconds since the epoch. */
  versionTime: Date | number
}

/**
 * A resolver that resolves every DID as it stood at `versionTime`, by adding the
 * `versionTime` DID parameter. Give it to did-jwt's `verifyJWT` to check a token against the
 * keys its issuer held when it was signed. Choose the time from something the signer does
 * not control (docs/did-method.md, "Security considerations").
 * @throws DidError `DID_INVALID_PARAMETER` for a time that is not a valid date.
 */
export function resolverAtTime(parameters: ResolverAtTimeParameters): Resolvable {
  const { resolver } = parameters
  const t = parameters.versionTime
  const seconds = t instanceof Date ? Math.floor(t.getTime() / 1000) : t
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new DidError(
      DidErrorCode.InvalidParameter,
      'versionTime must be a Date or whole seconds since the epoch',
    )
  }
  const param = `versionTime=${formatDatetime(seconds)}`
  return {
    resolve(didUrl: string, options?: DIDResolutionOptions) {
      const hash = didUrl.indexOf('#')
      const base = hash === -1 ? didUrl : didUrl.slice(0, hash)
      const fragment = hash === -1 ? '' : didUrl.slice(hash)
      const url = `${base}${base.includes('?') ? '&' : '?'}${param}${fragment}`
      return resolver.resolve(url, options ?? {})
    },
  }
}

type Failure = { error: string; message: string }

function failure(error: string, message: string, extra: Record<string, string> = {}): DIDResolutionResult {
  return deepFreeze({
    didResolutionMetadata: { error, message, ...extra },
    didDocument: null,
    didDocumentMetadata: {},
  })
}

// Each caller gets its own top-level object (did-jwt assigns to it); what it holds is frozen
// so no caller can change what the cache gives the next one.
function fresh(result: DIDResolutionResult): DIDResolutionResult {
  return { ...result }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

// RFC 3986 §3.4 and §3.5: query and fragment characters, with percent-encodings.
const QUERY = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$/
const PATH = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/

/** A DID URL taken apart (DID Core §3.2): the DID, its query parameters. */
function parseDidUrl(
  didUrl: unknown,
): { parsed: Exclude<ReturnType<typeof parseDid>, Failure>; params: Map<string, string> } | Failure {
  if (typeof didUrl !== 'string') return { error: 'invalidDid', message: 'a DID must be a string' }
  const end = didUrl.search(/[/?#]/)
  const did = end === -1 ? didUrl : didUrl.slice(0, end)
  const parsed = parseDid(did)
  if ('error' in parsed) return parsed
  let rest = end === -1 ? '' : didUrl.slice(end)
  const hash = rest.indexOf('#')
  const fragment = hash === -1 ? '' : rest.slice(hash + 1)
  if (hash !== -1) rest = rest.slice(0, hash)
  const q = rest.indexOf('?')
  const path = q === -1 ? rest : rest.slice(0, q)
  const query = q === -1 ? undefined : rest.slice(q + 1)
  if (!PATH.test(path) || !QUERY.test(query ?? '') || !QUERY.test(fragment)) {
    return { error: 'invalidDidUrl', message: 'the DID URL has characters RFC 3986 does not allow there' }
  }
  const params = new Map<string, string>()
  if (query !== undefined && query.length > 0) {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=')
      let name: string
      let value: string
      try {
        name = decodeURIComponent(eq === -1 ? pair : pair.slice(0, eq))
        value = decodeURIComponent(eq === -1 ? '' : pair.slice(eq + 1))
      } catch {
        return { error: 'invalidDidUrl', message: 'a DID URL query parameter has a bad percent-encoding' }
      }
      if (params.has(name)) {
        return { error: 'invalidDidUrl', message: `the DID parameter "${name}" appears twice` }
      }
      params.set(name, value)
    }
  }
  return { parsed, params }
}

type Selector = { kind: 'current' } | { kind: 'id'; versionId: number } | { kind: 'time'; time: number }

function versionSelector(params: Map<string, string>): Selector | Failure {
  const versionId = params.get('versionId')
  const versionTime = params.get('versionTime')
  if (versionId !== undefined && versionTime !== undefined) {
    return { error: 'invalidOptions', message: 'give versionId or versionTime, not both' }
  }
  if (versionId !== undefined) {
    if (!/^[1-9][0-9]{0,8}$/.test(versionId)) {
      return {
        error: 'invalidOptions',
        message: 'versionId is a positive decimal integer ("1" is the genesis)',
      }
    }
    return { kind: 'id', versionId: Number(versionId) }
  }
  if (versionTime !== undefined) {
    const time = parseDatetime(versionTime)
    if (time === undefined) {
      return { error: 'invalidOptions', message: 'versionTime is a UTC datetime YYYY-MM-DDThh:mm:ssZ' }
    }
    return { kind: 'time', time }
  }
  return { kind: 'current' }
}

function selectVersion(versions: readonly DidVersion[], selector: Selector): number | undefined {
  if (versions.length === 0) return undefined
  switch (selector.kind) {
    case 'current':
      return versions.length - 1
    case 'id':
      return selector.versionId <= versions.length ? selector.versionId - 1 : undefined
    case 'time': {
      // The version in force at that second: the last one anchored at or before it.
      let found: number | undefined
      for (let i = 0; i < versions.length && versions[i]!.time <= selector.time; i++) found = i
      return found
    }
  }
}
