// Calls to the node: retries with exponential backoff for what a retry can fix (the node
// down or busy, a rate limit), and one error for what it cannot. No URL ever goes into an
// error: RPC URLs often carry an API key.
import { LedgerError, LedgerErrorCode } from '@marque/ledger'
import { BaseError, HttpRequestError, RpcRequestError } from 'viem'
import { invalidParameter } from './errors.js'

/**
 * How calls to the node are retried: with exponential backoff and jitter, and only for what
 * a retry can fix (the node down or busy, a rate limit).
 */
export interface RetryParameters {
  /** Tries in all, the first included. Default 4. */
  attempts?: number
  /** The first retry waits about this long; each next one twice as long. Default 200 ms. */
  baseDelayMs?: number
  /** No retry waits longer. Default 3000 ms. */
  maxDelayMs?: number
}

export type RetryPolicy = Readonly<Required<RetryParameters>>

export function retryPolicy(parameters: RetryParameters = {}): RetryPolicy {
  const attempts = parameters.attempts ?? 4
  const baseDelayMs = parameters.baseDelayMs ?? 200
  const maxDelayMs = parameters.maxDelayMs ?? 3000
  if (!Number.isSafeInteger(attempts) || attempts < 1 || attempts > 20) {
    throw invalidParameter('retry.attempts must be an integer from 1 to 20')
  }
  if (!(baseDelayMs >= 0) || !(maxDelayMs >= baseDelayMs)) {
    throw invalidParameter('retry delays must satisfy 0 ≤ baseDelayMs ≤ maxDelayMs')
  }
  return { attempts, baseDelayMs, maxDelayMs }
}

/** What an error from the node means for the caller. */
export type Failure = 'transient' | 'range' | 'fatal'

// JSON-RPC codes that mean "busy, try again": -32005 limit exceeded (EIP-1474), -32603
// internal error, 429 and -32007 (rate limits some providers send in a 200 response).
const TRANSIENT_CODES = new Set([-32005, -32603, 429, -32007, -1])
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504])
// Providers word a too-wide eth_getLogs many ways; none has a code of its own.
const RANGE =
  /block range|range (is )?too (large|wide|big)|exceeds? .*range|max(imum)? .*range|too many blocks|more than \d+ (blocks|results)|query returned more than/i

export function classify(error: unknown): Failure {
  if (!(error instanceof BaseError)) return 'fatal'
  const text = `${error.shortMessage} ${error.details}`
  if (RANGE.test(text)) return 'range'
  const http = error.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null
  const rpc = error.walk(
    (e) => e instanceof RpcRequestError || typeof (e as { code?: unknown }).code === 'number',
  )
  const code = (rpc as { code?: number } | null)?.code
  if (code !== undefined && TRANSIENT_CODES.has(code)) return 'transient'
  if (http !== null) {
    // No status: the connection failed (refused, reset, timed out).
    if (http.status === undefined || TRANSIENT_STATUS.has(http.status)) return 'transient'
    return 'fatal'
  }
  if (
    error.walk((e) => (e as Error).name === 'TimeoutError' || (e as Error).name === 'SocketClosedError') !==
    null
  ) {
    return 'transient'
  }
  return code === undefined ? 'transient' : 'fatal'
}

/** A one-line account of a node error: what viem and the node said, never the URL. */
export function describe(error: unknown): string {
  if (error instanceof BaseError) {
    const http = error.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null
    const parts = [error.shortMessage]
    if (error.details && !error.details.includes('http')) parts.push(error.details)
    if (http?.status !== undefined) parts.push(`HTTP ${http.status}`)
    return parts.join(': ')
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

export function unavailable(what: string, error: unknown): LedgerError {
  return new LedgerError(LedgerErrorCode.Unavailable, `the EVM node did not answer ${what}`, {
    details: describe(error),
    hint: 'check that the RPC endpoint is up and reachable; reads and appends retry with backoff',
  })
}

/**
 * Calls `fn`, retrying transient failures with exponential backoff (full jitter between
 * half and all of the delay). A range failure is passed through untouched, for the caller
 * to split its query, and so is any failure `keep` selects; any other failure, or the last
 * transient one, becomes `LEDGER_UNAVAILABLE`. An aborted signal rejects with its reason at once.
 */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
  keep?: (error: unknown) => boolean,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted()
    try {
      return await fn()
    } catch (error) {
      signal?.throwIfAborted()
      if (keep?.(error)) throw error
      const failure = classify(error)
      if (failure === 'range') throw error
      if (failure === 'fatal' || attempt >= policy.attempts) throw unavailable(what, error)
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
      await sleep(delay / 2 + (Math.random() * delay) / 2, signal)
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
