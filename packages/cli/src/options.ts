import type { Context } from './context.js'

/** Commander's collector for a repeatable option: `--x a --x b` gives `['a', 'b']`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** Resolves when the process is asked to stop (SIGINT, SIGTERM), at once if it already was. */
export function untilStopped(ctx: Context): Promise<void> {
  return new Promise((resolve) => {
    const signal = ctx.io.signal
    if (signal === undefined || signal.aborted) return resolve()
    signal.addEventListener('abort', () => resolve(), { once: true })
  })
}
