import cliProgress from 'cli-progress'
import type { Context } from './context.js'

export interface Progress {
  increment(by?: number): void
  stop(): void
}

/**
 * A progress bar with rate and time left on stderr, for long work (batch registration,
 * batch issuance). Off when stderr is not a terminal, with --json, or with --no-progress.
 */
export function startProgress(ctx: Context, label: string, total: number): Progress {
  const on = ctx.io.stderr.isTTY === true && !ctx.options.json && ctx.options.progress !== false
  if (!on) return { increment() {}, stop() {} }
  const started = performance.now()
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      stream: ctx.io.stderr as NodeJS.WritableStream,
      hideCursor: true,
      etaBuffer: 50,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  )
  bar.start(total, 0, { rate: '0' })
  let value = 0
  return {
    increment(by = 1) {
      value += by
      const seconds = (performance.now() - started) / 1000
      bar.update(value, { rate: seconds > 0 ? Math.round(value / seconds).toLocaleString('en-US') : '0' })
    },
    stop() {
      bar.stop()
    },
  }
}
