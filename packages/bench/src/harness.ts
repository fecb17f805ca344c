// A small benchmark harness: time a function for a while, report operations per second
// and latency percentiles, and print our figure beside a peer's measured in the same run.

import { percentile } from '@marque/cli'

export interface MeasureOptions {
  /** Minimum time to run, in milliseconds (after warm-up). Default 1000. */
  time?: number
  /** Warm-up time in milliseconds. Default 200. */
  warmup?: number
  /** Operations done by one call of `fn` (for batched work). Default 1. */
  opsPerCall?: number
  /** Record each call's latency for percentiles. Default true. */
  latencies?: boolean
}

export interface Measurement {
  opsPerSecond: number
  calls: number
  /** Per-call latency percentiles in milliseconds, when recorded. */
  p50?: number
  p99?: number
}

/** Runs `fn` repeatedly (awaiting it) and measures throughput and latency. */
export async function measure(fn: () => unknown, options: MeasureOptions = {}): Promise<Measurement> {
  const time = options.time ?? 1000
  const warmup = options.warmup ?? 200
  const opsPerCall = options.opsPerCall ?? 1
  const record = options.latencies ?? true
  const warmEnd = performance.now() + warmup
  while (performance.now() < warmEnd) await fn()
  const samples: number[] = []
  let calls = 0
  const start = performance.now()
  const end = start + time
  let now = start
  while (now < end) {
    const t0 = now
    await fn()
    now = performance.now()
    if (record) samples.push(now - t0)
    calls++
  }
  const elapsed = (now - start) / 1000
  const result: Measurement = { opsPerSecond: (calls * opsPerCall) / elapsed, calls }
  if (record && samples.length > 0) {
    samples.sort((a, b) => a - b)
    result.p50 = percentile(samples, 0.5)
    result.p99 = percentile(samples, 0.99)
  }
  return result
}

// The nearest-rank percentile, the one `loadTest` reports: one definition for every figure.
export { percentile }

export interface Row {
  /** What was measured. */
  name: string
  /** Our figure, formatted. */
  ours: string
  /** The peer's figure in the same run, formatted, when there is one. */
  peer?: string
  /** ours ÷ peer (or any ratio the target speaks of). */
  ratio?: number
  /** The target in words, e.g. "≥ 0.8× node:crypto". */
  target?: string
  /** Whether the target is met. */
  met?: boolean
}

/** Prints a titled table of rows. */
export function report(title: string, rows: readonly Row[]): void {
  console.log(`\n## ${title}\n`)
  const header = ['measure', 'ours', 'peer (same run)', 'ratio', 'target', 'met']
  const lines = rows.map((r) => [
    r.name,
    r.ours,
    r.peer ?? '',
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  console.log(fmt(header))
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`)
  for (const l of lines) console.log(fmt(l))
}

/** Formats operations per second with thousands separators. */
export function opsFmt(n: number): string {
  return `${Math.round(n).toLocaleString('en-US')}/s`
}

/** Formats milliseconds. */
export function msFmt(n: number | undefined): string {
  return n === undefined ? '' : n < 1 ? `${(n * 1000).toFixed(0)} µs` : `${n.toFixed(2)} ms`
}

/** Peak resident memory so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024
}
