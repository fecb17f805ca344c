import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { base64urlDecode, constantTimeEqual, MarqueError, sha256, utf8 } from '@marque/crypto'
import type { Ledger, LedgerOperation } from '@marque/ledger'
import type { DIDResolutionResult, Resolvable } from 'did-resolver'
import { negotiate } from './negotiate.js'
import { statusOf } from './status.js'

/**
 * How {@link createResolverService} accepts signed operations at `POST /1.0/operations`
 * (a body `{ "operations": [{ "did", "operation": <base64url> }] }`).
 */
export interface SubmitOptions {
  /** The ledger that anchors submitted operations. */
  ledger: Ledger
  /** The API key clients send as `Authorization: Bearer <key>`. Never logged. */
  apiKey: string
  /**
   * Checks operations before they are anchored (for example that each is a valid
   * did:marque operation); throw a MarqueError to refuse the batch with 422.
   */
  check?: (operations: readonly LedgerOperation[]) => Promise<void>
}

/** Parameters of {@link createResolverService}. */
export interface ResolverServiceParameters {
  /** Resolves each DID asked for at `GET /1.0/identifiers/{did}` (a did-resolver `Resolvable`). */
  resolver: Resolvable
  /** Enables `POST /1.0/operations`. */
  submit?: SubmitOptions
  /** The longest request target accepted, in bytes (default 4096): longer gets 414. */
  maxUrlLength?: number
  /** The largest submission body, in bytes (default 1 MiB): larger gets 413. */
  maxBodyBytes?: number
  /** How long one resolution may take before the answer is 504 (default 10 s). */
  resolveTimeoutMs?: number
  /** Socket-level limit for a whole request (default 30 s). */
  requestTimeoutMs?: number
  /** Called once per request with a one-line summary; never given secrets. */
  log?: (line: string) => void
}

/** The DID resolution service, from {@link createResolverService}. */
export interface ResolverService {
  /** The Node.js HTTP server, with its limits set; it listens only after `listen`. */
  readonly server: Server
  /** Starts listening; resolves with the bound address. */
  listen(port: number, host?: string): Promise<AddressInfo>
  /**
   * Stops accepting connections, lets requests in flight finish (up to `graceMs`, default
   * 5 s), closes idle keep-alive connections, then forces the rest closed.
   */
  close(graceMs?: number): Promise<void>
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const PREFIX = '/1.0/identifiers/'

/**
 * The DID Resolution HTTP(S) binding (as Universal Resolver drivers serve it):
 * `GET /1.0/identifiers/{did}` with content negotiation between the resolution result
 * (`application/did-resolution`) and the DID document (`application/did+json`,
 * `application/did+ld+json`, `application/did`), and the binding's status codes.
 * Resolution options such as `versionTime` may be given as query parameters.
 */
export function createResolverService(parameters: ResolverServiceParameters): ResolverService {
  const maxUrl = parameters.maxUrlLength ?? 4096
  const maxBody = parameters.maxBodyBytes ?? 1024 * 1024
  const resolveTimeout = parameters.resolveTimeoutMs ?? 10_000
  const log = parameters.log ?? (() => {})
  const keyHash = parameters.submit === undefined ? undefined : sha256(utf8(parameters.submit.apiKey))
  let inFlight = 0
  let idle: (() => void) | undefined

  const server = createServer({
    maxHeaderSize: 16 * 1024,
    requestTimeout: parameters.requestTimeoutMs ?? 30_000,
  })
  server.headersTimeout = 10_000
  server.keepAliveTimeout = 5_000

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight++
    const started = performance.now()
    handle(req, res)
      .catch((error: unknown) => {
        const e = error instanceof HttpError ? error : new HttpError(500, 'internalError', 'internal error')
        sendJson(res, e.status, { error: e.code, message: e.message })
      })
      .finally(() => {
        log(
          `${req.method} ${(req.url ?? '').slice(0, 200)} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`,
        )
        inFlight--
        if (inFlight === 0) idle?.()
      })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/'
    if (target.length > maxUrl)
      throw new HttpError(414, 'uriTooLong', `request target longer than ${maxUrl} bytes`)
    const url = new URL(target, 'http://localhost')
    if (url.pathname === '/health') {
      sendJson(res, 200, { status: 'ok' })
      return
    }
    if (url.pathname === '/1.0/operations') {
      if (req.method !== 'POST') throw new HttpError(405, 'methodNotAllowed', 'use POST')
      await submit(req, res)
      return
    }
    if (!url.pathname.startsWith(PREFIX)) throw new HttpError(404, 'notFound', 'no such endpoint')
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'methodNotAllowed', 'use GET')
    await resolve(req, res, url)
  }

  async function resolve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const representation = negotiate(req.headers.accept)
    if (representation === undefined) {
      sendJson(res, 406, resultError('representationNotSupported'), 'application/did-resolution')
      return
    }
    let didUrl: string
    try {
      didUrl = decodeURIComponent(url.pathname.slice(PREFIX.length))
    } catch {
      sendJson(res, 400, resultError('invalidDid'), 'application/did-resolution')
      return
    }
    // Resolution options given as HTTP query parameters join the DID URL's own.
    if (url.search.length > 1) didUrl += didUrl.includes('?') ? `&${url.search.slice(1)}` : url.search
    const accept = representation === 'application/did-resolution' ? 'application/did+json' : representation
    let result: DIDResolutionResult
    try {
      result = await withTimeout(parameters.resolver.resolve(didUrl, { accept }), resolveTimeout)
    } catch (error) {
      const timedOut = error instanceof HttpError
      sendJson(
        res,
        timedOut ? 504 : 500,
        resultError('internalError', timedOut ? 'resolution timed out' : 'resolution failed'),
        'application/did-resolution',
      )
      return
    }
    const status = statusOf(result)
    if (
      representation === 'application/did-resolution' ||
      result.didDocument === null ||
      (status >= 400 && status !== 410)
    ) {
      sendJson(res, status, result, 'application/did-resolution', req.method === 'HEAD')
      return
    }
    sendJson(res, status, result.didDocument, representation, req.method === 'HEAD')
  }

  async function submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const options = parameters.submit
    if (options === undefined || keyHash === undefined) {
      throw new HttpError(404, 'notFound', 'this service does not accept operations')
    }
    const auth = req.headers.authorization ?? ''
    const presented = auth.startsWith('Bearer ') ? auth.slice(7) : ''
    if (!constantTimeEqual(sha256(utf8(presented)), keyHash)) {
      res.setHeader('WWW-Authenticate', 'Bearer')
      throw new HttpError(401, 'unauthorized', 'a valid API key is required')
    }
    const body = await readBody(req, maxBody)
    const operations = parseOperations(body)
    try {
      await options.check?.(operations)
    } catch (error) {
      if (error instanceof MarqueError) throw new HttpError(422, error.code, error.message)
      throw error
    }
    try {
      const anchored = await options.ledger.append(operations)
      sendJson(res, 201, anchored)
    } catch (error) {
      if (error instanceof MarqueError) {
        const status = error.code === 'LEDGER_UNAVAILABLE' || error.code === 'LEDGER_CLOSED' ? 503 : 422
        throw new HttpError(status, error.code, error.message)
      }
      throw error
    }
  }

  return {
    server,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolvePromise, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolvePromise(server.address() as AddressInfo)
        })
      })
    },
    close(graceMs = 5_000) {
      return new Promise((resolvePromise) => {
        server.close(() => resolvePromise())
        server.closeIdleConnections()
        const force = setTimeout(() => server.closeAllConnections(), graceMs)
        force.unref()
        idle = () => server.closeIdleConnections()
        if (inFlight === 0) server.closeIdleConnections()
      })
    },
  }
}

function resultError(error: string, message?: string): DIDResolutionResult {
  return {
    didResolutionMetadata: { error, ...(message === undefined ? {} : { message }) },
    didDocument: null,
    didDocumentMetadata: {},
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json',
  headOnly = false,
): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('Content-Type', type)
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.end(headOnly ? undefined : text)
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new HttpError(504, 'internalError', 'timeout')), ms)
    promise.then(
      (v) => {
        clearTimeout(timer)
        resolvePromise(v)
      },
      (e: unknown) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN)
  if (declared > max)
    return Promise.reject(new HttpError(413, 'payloadTooLarge', `body larger than ${max} bytes`))
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        reject(new HttpError(413, 'payloadTooLarge', `body larger than ${max} bytes`))
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolvePromise(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** `{ "operations": [ { "did": "did:…", "operation": "<base64url>" } ] }` */
function parseOperations(body: Uint8Array): LedgerOperation[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
  } catch {
    throw new HttpError(400, 'invalidRequest', 'the body must be JSON')
  }
  const list = (parsed as { operations?: unknown })?.operations
  if (!Array.isArray(list) || list.length === 0) {
    throw new HttpError(400, 'invalidRequest', 'the body must hold a non-empty "operations" array')
  }
  return list.map((item: unknown, i) => {
    const { did, operation } = (item ?? {}) as { did?: unknown; operation?: unknown }
    if (typeof did !== 'string' || typeof operation !== 'string') {
      throw new HttpError(
        400,
        'invalidRequest',
        `operations[${i}] needs string members "did" and "operation"`,
      )
    }
    try {
      return { did, bytes: base64urlDecode(operation, `operations[${i}].operation`) }
    } catch {
      throw new HttpError(400, 'invalidRequest', `operations[${i}].operation must be base64url`)
    }
  })
}
