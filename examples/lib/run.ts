// What the examples share: their command-line options, a check that stops an example with
// the reason when something does not behave as it says, and the exit code.
import { MarqueError } from '@marque/crypto'

/** Thrown by {@link check}: the example did not behave as it says. */
export class ExampleFailure extends Error {}

/** Stops the example (exit code 1, `what` on stderr) unless `condition` holds. */
export function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new ExampleFailure(what)
}

/**
 * The stable code of a Marque error (for a refused credential inside a handshake error, the
 * credential's code after a slash), else the error's text: what an example prints and its
 * test checks.
 */
export function codeOf(error: unknown): string {
  if (!(error instanceof MarqueError)) return error instanceof Error ? error.message : String(error)
  const cause = error.cause
  return cause instanceof MarqueError && cause.code !== error.code
    ? `${error.code}/${cause.code}`
    : error.code
}

/** Runs `promise`, which must fail; returns its error's code (see {@link codeOf}). */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return codeOf(error)
  }
  throw new ExampleFailure('an operation that had to be refused was accepted')
}

/** The command-line arguments after the script's name; a lone `--` (some runners add one) is dropped. */
export function cliArgs(): string[] {
  return process.argv.slice(2).filter((arg) => arg !== '--')
}

/**
 * Runs an example: `main` registers cleanups with `defer` (run last first, whatever
 * happens). A failure prints `<name> failed: <reason>` on stderr and sets exit code 1.
 */
export async function run(
  name: string,
  main: (defer: (cleanup: () => unknown) => void) => Promise<void>,
): Promise<void> {
  const cleanups: (() => unknown)[] = []
  try {
    await main((cleanup) => cleanups.unshift(cleanup))
  } catch (error) {
    const reason = error instanceof ExampleFailure ? error.message : codeOf(error)
    const message = error instanceof MarqueError ? `: ${error.message}` : ''
    console.error(`${name} failed: ${reason}${message}`)
    process.exitCode = 1
  } finally {
    for (const cleanup of cleanups) await cleanup()
  }
}
