// A JSON-RPC proxy on 127.0.0.1 in front of a node, standing in for a public endpoint: it
// refuses eth_getLogs over too many blocks, rate-limits, adds latency, can be killed, and
// records every call it gets. Node.js only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** The parameters of {@link startRpcProxy}. */
export interface StartRpcProxyParameters {
  /** The node to forward to, e.g. anvil's `rpcUrl`. */
  target: string
  /** eth_getLogs over more blocks than this is refused, as public endpoints do. */
  maxLogsRange?: number
  /** At most `requests` calls in any `perMs` window; more get HTTP 429. */
  rateLimit?: {
    /** The calls allowed in one window; each call of a JSON-RPC batch counts. */
    requests: number
    /** The window's length, in milliseconds. */
    perMs: number
  }
  /** Milliseconds to hold each answer, as a distant endpoint would. Default 0. */
  latencyMs?: number
  /** Leave `blockTimestamp` out of eth_getLogs answers, as older nodes do. */
  stripLogTimestamps?: boolean
  /** Called as each call arrives; may kill the proxy (the call then gets no answer). */
  onCall?: (call: RecordedCall, proxy: RpcProxy) => void
}

/** One JSON-RPC call the proxy received; each call of a batch is recorded on its own. */
export interface RecordedCall {
  /** The JSON-RPC method, for example `eth_getLogs`. */
  readonly method: string
  /** The call's `params`, as sent. */
  readonly params: unknown
  /** What the proxy answered: forwarded, refused for its range, rate limited, or dropped. */
  outcome: 'forwarded' | 'range' | 'rate' | 'dropped' | undefined
}

/** A running proxy, from {@link startRpcProxy}. */
export interface RpcProxy {
  /** The proxy's URL, `http://127.0.0.1:<port>`: give it to the client in place of the node's. */
  readonly url: string
  /** Every call so far, in arrival order. */
  readonly calls: readonly RecordedCall[]
  /** Milliseconds each answer is held; may be changed at any time. */
  latencyMs: number
  /** Forgets the calls recorded so far. */
  reset(): void
  /** Drops every connection and stops listening, as an endpoint that goes down. */
  kill(): Promise<void>
}

/** Starts the proxy on a free port of 127.0.0.1. */
export async function startRpcProxy(parameters: StartRpcProxyParameters): Promise<RpcProxy> {
  let calls: RecordedCall[] = []
  let recent: number[] = []
  const sockets = new Set<Socket>()
  // Answers held for latency; killing the proxy lets them go (unanswered).
  const holding = new Set<() => void>()
  let server: Server | undefined
  let dead = false

  const proxy: RpcProxy = {
    url: '',
    latencyMs: parameters.latencyMs ?? 0,
    get calls() {
      return calls
    },
    reset() {
      calls = []
    },
    async kill() {
      if (dead) return
      dead = true
      for (const release of holding) release()
      holding.clear()
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server!.close(() => resolve()))
    },
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    let parsed: { method?: string; params?: unknown; id?: unknown } | { method?: string }[]
    try {
      parsed = JSON.parse(body) as typeof parsed
    } catch {
      res.writeHead(400).end()
      return
    }
    const batch = Array.isArray(parsed) ? parsed : [parsed]
    const recorded = batch.map((c) => {
      const call: RecordedCall = {
        method: String(c.method),
        params: (c as { params?: unknown }).params,
        outcome: undefined,
      }
      calls.push(call)
      return call
    })
    const answer = async (status: number, text: string, outcome: RecordedCall['outcome']) => {
      if (proxy.latencyMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            holding.delete(release)
            resolve()
          }, proxy.latencyMs)
          const release = () => {
            clearTimeout(timer)
            resolve()
          }
          holding.add(release)
        })
      }
      if (dead) return
      for (const call of recorded) call.outcome = outcome
      res.writeHead(status, { 'content-type': 'application/json' }).end(text)
    }
    for (const call of recorded) parameters.onCall?.(call, proxy)
    if (dead) {
      for (const call of recorded) call.outcome = 'dropped'
      return
    }
    const { rateLimit } = parameters
    if (rateLimit !== undefined) {
      const now = Date.now()
      recent = recent.filter((t) => now - t < rateLimit.perMs)
      if (recent.length + batch.length > rateLimit.requests) {
        const id = (batch[0] as { id?: unknown }).id ?? null
        answer(
          429,
          JSON.stringify({ jsonrpc: '2.0', id, error: { code: 429, message: 'rate limit exceeded' } }),
          'rate',
        )
        return
      }
      for (let i = 0; i < batch.length; i++) recent.push(now)
    }
    const tooWide = batch.find(
      (c) =>
        c.method === 'eth_getLogs' &&
        span((c as { params?: unknown }).params) > (parameters.maxLogsRange ?? Number.POSITIVE_INFINITY),
    )
    if (tooWide !== undefined) {
      const id = (tooWide as { id?: unknown }).id ?? null
      const message = `eth_getLogs block range too large: at most ${parameters.maxLogsRange} blocks`
      await answer(200, JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32602, message } }), 'range')
      return
    }
    try {
      const response = await fetch(parameters.target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      let text = await response.text()
      if (parameters.stripLogTimestamps && batch.some((c) => c.method === 'eth_getLogs')) {
        text = JSON.stringify(JSON.parse(text), (key, value) =>
          key === 'blockTimestamp' ? undefined : value,
        )
      }
      await answer(response.status, text, 'forwarded')
    } catch {
      await answer(502, '', 'forwarded')
    }
  }

  server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  const port = await new Promise<number>((resolve, reject) => {
    server!.once('error', reject)
    server!.listen(0, '127.0.0.1', () => {
      const address = server!.address()
      resolve(typeof address === 'object' && address !== null ? address.port : 0)
    })
  })
  Object.assign(proxy, { url: `http://127.0.0.1:${port}` })
  return proxy
}

/** Blocks an eth_getLogs filter spans; 1 for a blockHash filter or tags. */
function span(params: unknown): number {
  const filter = Array.isArray(params) ? (params[0] as { fromBlock?: string; toBlock?: string }) : undefined
  const from = filter?.fromBlock
  const to = filter?.toBlock
  if (typeof from !== 'string' || typeof to !== 'string' || !from.startsWith('0x') || !to.startsWith('0x'))
    return 1
  return Number(BigInt(to) - BigInt(from)) + 1
}
