// Starts a real anvil node (from the @foundry-rs/anvil npm package) on 127.0.0.1 for tests
// and benchmarks, and stops it again. Node.js only.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { LedgerError, LedgerErrorCode } from '@marque/ledger'

/** The parameters of {@link startAnvil}. */
export interface StartAnvilParameters {
  /** Extra command-line arguments (for example `['--block-time', '1']`). */
  args?: readonly string[]
  /** The anvil executable; by default the one @foundry-rs/anvil installed for this platform. */
  binary?: string
  /** Milliseconds to wait for anvil to listen. Default 20 000. */
  timeoutMs?: number
}

/** A running anvil node, from {@link startAnvil}. */
export interface Anvil {
  /** `http://127.0.0.1:<port>` */
  readonly rpcUrl: string
  /** The TCP port anvil listens on, on 127.0.0.1: a free one the system picked. */
  readonly port: number
  /** The node process's id. */
  readonly pid: number
  /** Stops the node (SIGTERM, then SIGKILL after a second) and waits for it to exit. */
  stop(): Promise<void>
  /** Kills the node at once (SIGKILL), as a crash would, and waits for it to exit. */
  kill(): Promise<void>
}

const LISTENING = /Listening on 127\.0\.0\.1:(\d+)/

/**
 * Spawns anvil on 127.0.0.1 with a free port and waits until it answers JSON-RPC.
 * @throws LedgerError `LEDGER_UNAVAILABLE` when anvil cannot be found, exits, or does not
 *   listen in time.
 */
export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<Anvil> {
  const binary = parameters.binary ?? anvilBinary()
  const timeoutMs = parameters.timeoutMs ?? 20_000
  const child = spawn(binary, ['--host', '127.0.0.1', '--port', '0', ...(parameters.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const fail = (why: string, cause?: unknown) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(
        new LedgerError(LedgerErrorCode.Unavailable, `anvil did not start: ${why}`, {
          details: output.slice(-2000),
          hint: 'check that @foundry-rs/anvil is installed (pnpm install) or pass `binary`',
          ...(cause === undefined ? {} : { cause }),
        }),
      )
    }
    const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs)
    const onError = (error: Error) => fail('it could not be spawned', error)
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`it exited (${signal ?? code})`)
    child.once('error', onError)
    child.once('exit', onExit)
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      const m = LISTENING.exec(output)
      if (m !== null) {
        clearTimeout(timer)
        child.off('exit', onExit)
        child.off('error', onError)
        resolve(Number(m[1]))
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
    })
  })
  // Keep draining anvil's output so that it never blocks on a full pipe.
  child.stdout.removeAllListeners('data')
  child.stdout.resume()
  child.stderr.resume()
  // Never outlive this process, even when a test forgets to stop the node.
  const orphan = () => child.kill('SIGKILL')
  process.once('exit', orphan)
  void exited.then(() => process.off('exit', orphan))
  const rpcUrl = `http://127.0.0.1:${port}`
  try {
    await answers(rpcUrl, timeoutMs)
  } catch (error) {
    await terminate(child, exited, 'SIGKILL')
    throw error
  }
  return {
    rpcUrl,
    port,
    pid: child.pid ?? -1,
    async stop() {
      await terminate(child, exited, 'SIGTERM')
    },
    async kill() {
      await terminate(child, exited, 'SIGKILL')
    },
  }
}

/** Waits until the node answers a JSON-RPC call (eth_chainId). */
async function answers(rpcUrl: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      })
      if (response.ok && typeof ((await response.json()) as { result?: unknown }).result === 'string') return
    } catch {
      // Not answering yet.
    }
    if (Date.now() > end) {
      throw new LedgerError(LedgerErrorCode.Unavailable, `anvil did not answer in ${timeoutMs} ms`, {
        hint: 'check that nothing else holds the port and that the machine is not overloaded',
      })
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 1000)
  await exited
  clearTimeout(timer)
}

/** The anvil executable @foundry-rs/anvil installed for this platform, or `anvil` on PATH. */
export function anvilBinary(): string {
  const require = createRequire(import.meta.url)
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const name = process.platform === 'win32' ? 'anvil.exe' : 'anvil'
  try {
    // The platform package is an optional dependency of @foundry-rs/anvil, so resolve it
    // from there.
    const wrapper = dirname(require.resolve('@foundry-rs/anvil/package.json'))
    const candidate = createRequire(join(wrapper, 'package.json')).resolve(
      `@foundry-rs/anvil-${process.platform}-${arch}/bin/${name}`,
    )
    if (existsSync(candidate)) return candidate
  } catch {
    // Not installed for this platform: fall back to PATH.
  }
  return name
}
