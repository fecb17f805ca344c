// `pnpm bench did`: register N device DIDs (default 1,000,000; MARQUE_BENCH_DID_N to run
// smaller) in the SQLite ledger with durability on, then measure append throughput in
// batches of 1,000, cold-cache resolution latency beside the raw ledger read alone (the
// peer: what validation costs on top), warm-cache throughput beside did-resolver's own
// cache over the same resolver, file size per DID and peak memory.
// did:ethr's cost is not measured here (it needs an RPC node): docs/did-method.md states it.
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateSigner, type Signer } from '@marque/crypto'
import {
  type CreateOperation,
  createDidCache,
  createResolver,
  formatDid,
  recoveryCommitment,
  signOperation,
} from '@marque/did'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { Resolver } from 'did-resolver'
import { measure, msFmt, opsFmt, peakRssMiB, percentile, report } from '../harness.js'

const BATCH = 1000
// 64 times the validated-key cache of @marque/crypto, so device keys practically never hit it,
// as in a fleet where every device has its own key.
const DISTINCT_KEYS = 65_536
const SAMPLE = 20_000

export default async function didSuite(): Promise<void> {
  const n = Number(process.env.MARQUE_BENCH_DID_N ?? 1_000_000)
  if (!Number.isSafeInteger(n) || n < BATCH)
    throw new Error(`MARQUE_BENCH_DID_N must be an integer ≥ ${BATCH}`)
  const dir = await mkdtemp(join(tmpdir(), 'marque-bench-did-'))
  try {
    const path = join(dir, 'ledger.db')
    const ledger = await openSqliteLedger({ path, durability: 'full' })
    const keys: Signer[] = []
    for (let i = 0; i < DISTINCT_KEYS; i++) keys.push(await generateSigner())
    const update = await generateSigner()
    const commitment = recoveryCommitment((await generateSigner()).publicKey)

    // Register: sign each batch of genesis operations, then time the append alone.
    const sampleEvery = Math.max(1, Math.floor(n / SAMPLE))
    const sample: string[] = []
    const warmup: string[] = []
    let appendMs = 0
    const started = performance.now()
    for (let b = 0; b < n / BATCH; b++) {
      const batch: { did: string; bytes: Uint8Array }[] = []
      for (let j = 0; j < BATCH; j++) {
        const i = b * BATCH + j
        // A distinct locator per DID (its index) keeps every DID distinct though keys repeat.
        const locator = Uint8Array.of(0, (i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255, 1)
        const operation: CreateOperation = {
          type: 'create',
          locator,
          keys: [keys[i % DISTINCT_KEYS]!.publicKey],
          updateKey: update.publicKey,
          recoveryCommitment: commitment,
        }
        const signed = await signOperation({
          operation,
          domain: ledger.domain,
          signer: keys[i % DISTINCT_KEYS]!,
        })
        const did = formatDid({ locator, digest: signed.digest, network: ledger.network })
        batch.push({ did, bytes: signed.bytes })
        if (i % sampleEvery === 0) sample.push(did)
        else if (i % sampleEvery === 1 && warmup.length < 2000) warmup.push(did)
      }
      const t0 = performance.now()
      await ledger.append(batch)
      appendMs += performance.now() - t0
    }
    const totalMs = performance.now() - started
    const size = (await stat(path)).size + (await walSize(path))

    // Shuffle the sample so reads jump around the file.
    for (let i = sample.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[sample[i], sample[j]] = [sample[j]!, sample[i]!]
    }

    // A gateway only resolves: drop the registration keys (65,536 signers) and collect, so
    // their heap does not lengthen the pauses timed below.
    keys.length = 0
    ;(globalThis as { gc?: () => void }).gc?.()

    // Cold cache: no resolver cache at all; each resolution reads and validates.
    const cold = createResolver({ ledgers: { [ledger.network]: ledger }, cache: false })
    // Compile the hot path first, on DIDs outside the sample.
    for (const did of warmup) await cold.resolve(did)
    const cpuBefore = process.cpuUsage()
    const coldTimes = await timeEach(sample, async (did) => {
      const r = await cold.resolve(did)
      if (r.didDocument === null) throw new Error(`did not resolve: ${did}`)
    })
    const cpu = process.cpuUsage(cpuBefore)
    const cpuPerResolve = (cpu.user + cpu.system) / 1000 / sample.length
    const rawTimes = await timeEach(sample, async (did) => {
      if ((await ledger.read(did)).length !== 1) throw new Error(`not found: ${did}`)
    })

    // Warm cache: every sampled DID resolved once, then resolved again and again.
    const warm = createResolver({
      ledgers: { [ledger.network]: ledger },
      cache: createDidCache({ maxEntries: sample.length, ttlSeconds: 3600 }),
    })
    for (const did of sample) await warm.resolve(did)
    let k = 0
    const ours = await measure(() => warm.resolve(sample[k++ % sample.length]!), { latencies: false })
    const peerResolver = new Resolver(cold.getResolver(), { cache: true })
    for (const did of sample) await peerResolver.resolve(did)
    let q = 0
    const peer = await measure(() => peerResolver.resolve(sample[q++ % sample.length]!), { latencies: false })

    await ledger.close()
    const appendRate = (n / appendMs) * 1000
    const coldP99 = percentile(coldTimes, 0.99)
    report(`did:marque — ${n.toLocaleString('en-US')} device DIDs, SQLite, durability full`, [
      {
        name: `append, batches of ${BATCH}`,
        ours: opsFmt(appendRate),
        target: '≥ 20,000/s',
        met: appendRate >= 20_000,
      },
      { name: 'register end to end (sign + encode + append)', ours: opsFmt((n / totalMs) * 1000) },
      {
        name: 'resolve, cold cache, p50',
        ours: msFmt(percentile(coldTimes, 0.5)),
        peer: `${msFmt(percentile(rawTimes, 0.5))} (ledger read alone)`,
        ratio: percentile(coldTimes, 0.5) / percentile(rawTimes, 0.5),
      },
      {
        name: 'resolve, cold cache, p99',
        ours: msFmt(coldP99),
        peer: `${msFmt(percentile(rawTimes, 0.99))} (ledger read alone)`,
        ratio: coldP99 / percentile(rawTimes, 0.99),
        target: '≤ 1 ms',
        met: coldP99 <= 1,
      },
      {
        // What a resolution costs this process whatever else the machine runs.
        name: 'resolve, cold cache, CPU time per resolution (mean)',
        ours: msFmt(cpuPerResolve),
      },
      {
        name: 'resolve, warm cache',
        ours: opsFmt(ours.opsPerSecond),
        peer: `${opsFmt(peer.opsPerSecond)} (did-resolver cache)`,
        ratio: ours.opsPerSecond / peer.opsPerSecond,
        target: '≥ 100,000/s',
        met: ours.opsPerSecond >= 100_000,
      },
      { name: 'file size per DID', ours: `${(size / n).toFixed(0)} B` },
      { name: 'peak memory (RSS)', ours: `${peakRssMiB().toFixed(0)} MiB` },
      // Latency percentiles on a shared machine move with its load: print it beside them.
      { name: 'machine load, 1-minute average', ours: loadavg()[0]!.toFixed(2) },
      {
        name: 'did:ethr, for contrast (not measured)',
        ours: '',
        peer: '1 RPC round trip per changed block + 2',
      },
    ])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function timeEach(items: readonly string[], fn: (item: string) => Promise<void>): Promise<number[]> {
  const times: number[] = []
  for (const item of items) {
    const t0 = performance.now()
    await fn(item)
    times.push(performance.now() - t0)
  }
  return times.sort((a, b) => a - b)
}

async function walSize(path: string): Promise<number> {
  try {
    return (await stat(`${path}-wal`)).size
  } catch {
    return 0
  }
}
