import { Agent, request } from 'node:http'
import { percentile } from './percentile.js'

/** Parameters of {@link loadTest}. */
export interface LoadTestParameters {
  /** Full URLs to request, cycled through. Only loopback hosts are allowed. */
  urls: readonly string[]
  /** How many requests in all (bounded). */
  requests: number
  /** How many in flight at once. */
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
 */
export async function loadTest(parameters: LoadTestParameters): Promise<LoadTestResult> {
  for (const u of parameters.urls) {
    const host = new URL(u).hostname
    if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host))
      throw new Error(`refusing to load-test ${host}`)
  }
  const agent = new Agent({ keepAlive: true, maxSockets: parameters.concurrency })
  const latencies: number[] = []
  const statuses: Record<number, number> = {}
  let next = 0
  const started = performance.now()
  async function worker(): Promise<void> {
    while (next < parameters.requests) {
      const url = parameters.urls[next++ % parameters.urls.length]!
      const t0 = performance.now()
      const status = await get(url, agent, parameters.headers ?? {})
      latencies.push(performance.now() - t0)
      statuses[status] = (statuses[status] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: parameters.concurrency }, worker))
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
