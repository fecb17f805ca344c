import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../src/index.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs the command in-process in `cwd` with a clean environment plus `env`. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; tty?: boolean },
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd,
  })
  return { code, stdout, stderr }
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'marque-cli-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
