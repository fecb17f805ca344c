import { Agent, request } from 'node:http'
import { CliError, CliErrorCode } from '../errors.js'
import { percentile } from './percentile.js'

/** Parameters of {@link loadTest}. */
export interface LoadTestParameters {
  /** Full URLs to request, cycled through. Only loopback hosts are allowed. */
  urls: readonly string[]
  /** How many requests in all, from 1 to 10,000,000. */
  requests: number
  /** How many in flight at once, from 1 to 1024. */
  concurrency: number
  /** Headers sent with every request, e.g. `{ accept: 'application/did+json' }`. Default none. */
  headers?: Record<string, string>
}

/** What {@link loadTest} measured. */
export interface LoadTestResult {
  /** Responses received, whatever their status: every request made (a failed one fails the test). */
  requests: number
  /** Wall-clock time of the whole test, in seconds. */
  seconds: number
  /** `requests` divided by `seconds`. */
  requestsPerSecond: number
  /** The median latency of a request, in milliseconds, by nearest rank; `NaN` without requests. */
  p50Ms: number
  /** The 99th-percentile latency of a request, in milliseconds, by nearest rank; `NaN` without requests. */
  p99Ms: number
  /** Count of responses per HTTP status. */
  statuses: Record<number, number>
}

/**
 * A bounded load test against a service on this machine: `requests` GETs over keep-alive
 * connections, `concurrency` at a time. Refuses any host but 127.0.0.1, ::1 or localhost.
 * @throws CliError `CLI_BAD_INPUT` for another host, a malformed URL, or a count out of bounds.
 */
export async function loadTest(parameters: LoadTestParameters): Promise<LoadTestResult> {
  const { urls, requests, concurrency } = parameters
  if (!Array.isArray(urls) || urls.length === 0) throw badLoad('urls must list at least one URL')
  for (const u of urls) {
    let host: string
    try {
      host = new URL(u).hostname
    } catch (cause) {
      throw badLoad(`${JSON.stringify(String(u).slice(0, 80))} is not a URL`, cause)
    }
    if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
      throw badLoad(`refusing to load-test ${host}: only this machine (127.0.0.1, ::1, localhost)`)
    }
  }
  if (!Number.isSafeInteger(requests) || requests < 1 || requests > MAX_REQUESTS) {
    throw badLoad(`requests must be an integer from 1 to ${MAX_REQUESTS.toLocaleString('en-US')}`)
  }
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw badLoad(`concurrency must be an integer from 1 to ${MAX_CONCURRENCY}`)
  }
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const latencies: number[] = []
  const statuses: Record<number, number> = {}
  let next = 0
  const started = performance.now()
  async function worker(): Promise<void> {
    while (next < requests) {
      const url = urls[next++ % urls.length]!
      const t0 = performance.now()
      const status = await get(url, agent, parameters.headers ?? {})
      latencies.push(performance.now() - t0)
      statuses[status] = (statuses[status] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    statuses,
  }
}

/** The bounds of a load test: it ends by itself, and holds a bounded number of sockets. */
const MAX_REQUESTS = 10_000_000
const MAX_CONCURRENCY = 1024

function badLoad(message: string, cause?: unknown): CliError {
  return new CliError(CliErrorCode.BadInput, message, cause === undefined ? {} : { cause })
}

function get(url: string, agent: Agent, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}
