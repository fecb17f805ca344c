import type { Resolvable, Service } from 'did-resolver'
import { parse } from 'did-resolver'

/**
 * Fetches a status list credential (or a trust list) and returns its compact JWS. Injected
 * so that a verifier can fetch through a proxy, read files (`@marque/credentials/node`), or
 * serve lists from memory in tests. It throws (anything) when it cannot fetch.
 */
export type FetchStatusList = (url: string) => Promise<string>

/** Parameters of {@link createStatusListFetcher} (and of `createNodeStatusListFetcher`). */
export interface CreateStatusListFetcherParameters {
  /** Resolves DIDs for `did:…?service=…&relativeRef=…` references. Without it DID URLs are refused. */
  resolver?: Resolvable
  /** The fetch function. Default: the platform's `fetch`. */
  fetch?: typeof globalThis.fetch
  /** Milliseconds before a request is abandoned. Default 5 000. */
  timeout?: number
  /** Largest response accepted, in bytes. Default 1 MiB. */
  maxBytes?: number
}

/**
 * Why a status list could not be fetched; the verifier reports it as `CREDENTIAL_STATUS_UNAVAILABLE`.
 * @property constructor - Takes a message and, as `Error` does, an optional `{ cause }`.
 */
export class StatusFetchError extends Error {
  /** `StatusFetchError`, what stack traces and `String(error)` show. */
  override name = 'StatusFetchError'
}

/**
 * A {@link FetchStatusList} for `https:` and `http:` URLs, and for DID URLs that name a
 * service of the issuer's DID document (DID Core §3.2.1 `service` and `relativeRef`
 * parameters), so that a list can move without re-issuing credentials. Imports nothing
 * from Node.js; `file:` URLs need `createNodeStatusListFetcher` from `@marque/credentials/node`.
 */
export function createStatusListFetcher(parameters: CreateStatusListFetcherParameters = {}): FetchStatusList {
  const timeout = parameters.timeout ?? 5_000
  const maxBytes = parameters.maxBytes ?? 1024 * 1024
  const { resolver } = parameters
  const doFetch = parameters.fetch ?? globalThis.fetch
  async function fetchUrl(url: string): Promise<string> {
    let response: Response
    try {
      response = await doFetch(url, { signal: AbortSignal.timeout(timeout), redirect: 'error' })
    } catch (cause) {
      throw new StatusFetchError(`could not fetch ${url}`, { cause })
    }
    if (response.status !== 200) {
      await response.body?.cancel()
      throw new StatusFetchError(`${url} answered HTTP ${response.status}`)
    }
    const length = Number(response.headers.get('content-length') ?? 0)
    if (length > maxBytes) {
      await response.body?.cancel()
      throw new StatusFetchError(`${url} is larger than ${maxBytes} bytes`)
    }
    const text = await readLimited(response, maxBytes, url)
    return text.trim()
  }
  return async (url) => {
    if (url.startsWith('https://') || url.startsWith('http://')) return fetchUrl(url)
    if (url.startsWith('did:')) {
      if (resolver === undefined) throw new StatusFetchError('a DID URL status list needs a resolver')
      return fetchUrl(await dereferenceService(url, resolver))
    }
    throw new StatusFetchError(
      `unsupported status list URL scheme in ${url.slice(0, 16)}…; file: URLs need createNodeStatusListFetcher`,
    )
  }
}

async function readLimited(response: Response, maxBytes: number, url: string): Promise<string> {
  const reader = response.body?.getReader()
  if (reader === undefined) return ''
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let text = ''
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.length
      if (total > maxBytes) {
        await reader.cancel()
        throw new StatusFetchError(`${url} is larger than ${maxBytes} bytes`)
      }
      text += decoder.decode(value, { stream: true })
    }
    return text + decoder.decode()
  } catch (cause) {
    if (cause instanceof StatusFetchError) throw cause
    throw new StatusFetchError(`could not read ${url}`, { cause })
  }
}

/**
 * The URL a DID URL with a `service` parameter points to: the service's endpoint (a string
 * URL) with `relativeRef` appended (DID Core §3.2.1; DID Resolution §5, service endpoint
 * construction).
 * @throws StatusFetchError when the DID does not resolve or has no such service.
 */
export async function dereferenceService(didUrl: string, resolver: Resolvable): Promise<string> {
  const parsed = parse(didUrl)
  const query = new URLSearchParams(parsed?.query ?? '')
  const serviceName = query.get('service')
  if (parsed === null || serviceName === null || serviceName.length === 0 || parsed.fragment !== undefined) {
    throw new StatusFetchError('a status list DID URL must be did:…?service=<id>[&relativeRef=<path>]')
  }
  let services: Service[] | undefined
  try {
    const result = await resolver.resolve(parsed.did)
    if (result.didDocumentMetadata?.deactivated === true) throw new Error('the DID is deactivated')
    services = result.didDocument?.service
  } catch (cause) {
    throw new StatusFetchError(`could not resolve ${parsed.did}`, { cause })
  }
  const wanted = new Set([serviceName, `#${serviceName}`, `${parsed.did}#${serviceName}`])
  const service = services?.find((s) => wanted.has(s.id))
  const endpoint = [service?.serviceEndpoint].flat().find((e): e is string => typeof e === 'string')
  if (endpoint === undefined || !/^https?:\/\//.test(endpoint)) {
    throw new StatusFetchError(`${parsed.did} has no service "${serviceName}" with an http(s) endpoint`)
  }
  const relativeRef = query.get('relativeRef') ?? ''
  // RFC 3986 §5.2: relativeRef is resolved against the endpoint as a relative reference.
  return relativeRef === '' ? endpoint : new URL(relativeRef, endpoint).href
}
