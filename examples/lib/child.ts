// Runs an example as its own process, as a newcomer would from the command line, for the
// examples' tests. Every child is bounded in time and killed if a test leaves it running.
import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pathToFileURL } from 'node:url'
import { temporaryDirectory } from './temporary.js'

const examples = join(import.meta.dirname, '..')
const node = (script: string, args: readonly string[]) => [
  '--conditions=@marque/source',
  '--import',
  'tsx',
  join(examples, script),
  ...args,
]

export interface ExampleRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `examples/<script>` to its end (at most `timeoutMs`), whatever its exit code. */
export function runExample(
  script: string,
  args: readonly string[] = [],
  options: { timeoutMs?: number; cwd?: string } = {},
): Promise<ExampleRun> {
  return execNode(node(script, args), options.cwd ?? join(examples, '..'), options.timeoutMs ?? 60_000)
}

/** Runs node with `args` to its end, whatever its exit code; killed after `timeoutMs`. */
function execNode(args: readonly string[], cwd: string, timeoutMs: number): Promise<ExampleRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
      resolve({ code, stdout, stderr })
    })
  })
}

/** An example that keeps running (a server): its output so far, its first line, its end. */
export interface RunningExample {
  readonly child: ChildProcessByStdio<null, Readable, Readable>
  stdout(): string
  stderr(): string
  /** Resolves with the first line the example prints. */
  readonly firstLine: Promise<string>
  /** Resolves when the example exits, with its run. */
  readonly exited: Promise<ExampleRun>
  /** Kills the example (SIGKILL) if it is still running, and waits for it. */
  kill(): Promise<void>
}

/** Starts `examples/<script>` in the background. */
export function startExample(script: string, args: readonly string[] = []): RunningExample {
  const child = spawn(process.execPath, node(script, args), {
    cwd: join(examples, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
  const exited = once(child, 'close').then(([code]) => ({
    code: code as number | null,
    stdout: out,
    stderr: err,
  }))
  const firstLine = new Promise<string>((resolve, reject) => {
    const look = () => {
      const end = out.indexOf('\n')
      if (end >= 0) {
        child.stdout.off('data', look)
        resolve(out.slice(0, end))
      }
    }
    child.stdout.on('data', look)
    void exited.then(() => reject(new Error(`${script} exited before printing a line: ${err}`)))
  })
  firstLine.catch(() => {})
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    firstLine,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}

// From another working directory, `--import tsx` must name the loader by its path.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/**
 * Runs a code sample from a document as a newcomer who pasted it would: from a file of its
 * own inside the examples package (so the @marque packages resolve by name), with a new
 * temporary directory as its working directory (so files it writes land there).
 */
export async function runSample(code: string, options: { timeoutMs?: number } = {}): Promise<ExampleRun> {
  const cwd = await temporaryDirectory('marque-sample-')
  const dir = await mkdtemp(join(examples, '.sample-run-'))
  try {
    const file = join(dir, 'sample.ts')
    await writeFile(file, `${code}\nexport {}\n`)
    return await execNode(
      ['--conditions=@marque/source', '--import', tsx, file],
      cwd.path,
      options.timeoutMs ?? 30_000,
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
    await cwd.remove()
  }
}
