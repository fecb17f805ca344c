// `pnpm bench serve`: `marque serve`'s resolver service on a warm cache. N DIDs
// (MARQUE_BENCH_SERVE_DIDS, default 10,000) in a SQLite ledger; the service runs in its
// own process; a bounded load on 127.0.0.1 (MARQUE_BENCH_SERVE_REQUESTS, default 50,000,
// 32 in flight) reports requests per second and p99. Peer in the same run: the HTTP floor,
// a bare node:http server answering a DID document of the same size.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadTest } from '@marque/cli'
import { generateSigner } from '@marque/crypto'
import { createDidClient } from '@marque/did'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { msFmt, opsFmt, report } from '../harness.js'

const here = dirname(fileURLToPath(import.meta.url))

async function startChild(args: string[]): Promise<{ port: number; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@marque/source', '--import', 'tsx', join(here, '..', 'serve-child.ts'), ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: join(here, '..', '..'),
    },
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  return { port, stop: () => child.stdin!.end() }
}

export default async function serveSuite(): Promise<void> {
  const dids = Number(process.env.MARQUE_BENCH_SERVE_DIDS ?? 10_000)
  const requests = Number(process.env.MARQUE_BENCH_SERVE_REQUESTS ?? 50_000)
  const concurrency = 32
  const dir = await mkdtemp(join(tmpdir(), 'marque-bench-serve-'))
  try {
    const path = join(dir, 'ledger.db')
    const ledger = await openSqliteLedger({ path })
    const client = createDidClient({ ledger })
    const device = await generateSigner()
    const update = await generateSigner()
    const list: string[] = []
    for (let done = 0; done < dids; done += 1000) {
      const n = Math.min(1000, dids - done)
      const batch = await client.createBatch({
        devices: Array.from({ length: n }, () => ({
          deviceKey: device,
          updateKey: update.publicKey,
          recoveryKey: update.publicKey,
        })),
      })
      for (const d of batch.dids) list.push(d.did)
    }
    await ledger.close()

    const ours = await startChild(['marque', path])
    const urls = list.map((d) => `http://127.0.0.1:${ours.port}/1.0/identifiers/${d}`)
    // Warm the cache: every DID once.
    await loadTest({ urls, requests: urls.length, concurrency })
    const body = await (await fetch(urls[0]!)).text()
    const oursResult = await loadTest({ urls, requests, concurrency })
    ours.stop()

    const floor = await startChild(['floor', '-', body])
    const floorResult = await loadTest({
      urls: [`http://127.0.0.1:${floor.port}/1.0/identifiers/x`],
      requests,
      concurrency,
    })
    floor.stop()

    report(
      `marque serve: warm cache, ${dids.toLocaleString('en-US')} DIDs, ${requests.toLocaleString('en-US')} requests, ${concurrency} in flight`,
      [
        {
          name: 'requests per second',
          ours: opsFmt(oursResult.requestsPerSecond),
          peer: `${opsFmt(floorResult.requestsPerSecond)} (bare node:http)`,
          ratio: oursResult.requestsPerSecond / floorResult.requestsPerSecond,
        },
        { name: 'latency p50', ours: msFmt(oursResult.p50Ms), peer: msFmt(floorResult.p50Ms) },
        { name: 'latency p99', ours: msFmt(oursResult.p99Ms), peer: msFmt(floorResult.p99Ms) },
        {
          name: 'statuses',
          ours: JSON.stringify(oursResult.statuses),
          peer: JSON.stringify(floorResult.statuses),
        },
      ],
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
