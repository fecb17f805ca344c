// docs/cli.md is the reference of the `marque` command. Two checks keep it true:
// 1. every command and option `marque --help` lists is named under its heading there;
// 2. every ```sh block runs, in order, in one bash shell in an empty directory, with
//    `set -euo pipefail`. `marque` there is a small script that hands its arguments to
//    this process over a Unix socket, where `main()` runs them: the examples run the real
//    command, in-process, without paying a Node.js start for each line.
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../src/index.js'
import { runCli, tempDir } from './helpers.js'

const DOC_PATH = fileURLToPath(new URL('../../../docs/cli.md', import.meta.url))
const doc = readFileSync(DOC_PATH, 'utf8')

/** The ```sh blocks of the page, with the line each starts on. */
function shellBlocks(text: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^```sh\s*$/.test(lines[i]!)) continue
    let j = i + 1
    while (j < lines.length && !/^```\s*$/.test(lines[j]!)) j++
    blocks.push({ line: i + 1, code: lines.slice(i + 1, j).join('\n') })
    i = j
  }
  return blocks
}

/** The text under the heading `marque <path>`, up to the next heading of the same or a higher level. */
function section(path: string): string | undefined {
  const lines = doc.split('\n')
  const start = lines.findIndex((l) => new RegExp(`^#+ marque ${path.replace(/ /g, ' ')}$`).test(l))
  if (start < 0) return undefined
  const level = /^#+/.exec(lines[start]!)![0].length
  let end = start + 1
  while (end < lines.length && !(/^#+ /.test(lines[end]!) && /^#+/.exec(lines[end]!)![0].length <= level))
    end++
  return lines.slice(start, end).join('\n')
}

interface HelpEntry {
  path: string
  options: string[]
  commands: string[]
}

/** Walks `--help` from the top: every command path with its long options. */
async function helpTree(cwd: string): Promise<HelpEntry[]> {
  const entries: HelpEntry[] = []
  const visit = async (path: string[]) => {
    const r = await runCli([...path, '--help'], { cwd })
    const [, options = '', commands = ''] =
      /Options:\n([\s\S]*?)(?:\nCommands:\n([\s\S]*))?$/.exec(r.stdout) ?? []
    const entry: HelpEntry = {
      path: path.join(' '),
      options: [...options.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)]
        .map((m) => m[1]!)
        .filter((o) => o !== '--help'),
      commands: [...commands.matchAll(/^ {2}([\w-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help'),
    }
    entries.push(entry)
    for (const command of entry.commands) await visit([...path, command])
  }
  await visit([])
  return entries
}

describe('docs/cli.md', () => {
  it('names every command under its own heading, with each of its options', async () => {
    const tmp = tempDir()
    try {
      const tree = await helpTree(tmp.dir)
      expect(tree.map((e) => e.path)).toEqual(
        expect.arrayContaining(['vc issue-batch', 'provision inspect', 'serve']),
      )
      const global = tree.find((e) => e.path === '')!
      for (const option of global.options)
        expect(section('') ?? doc, `global option ${option}`).toContain(`\`${option}`)
      for (const entry of tree.filter((e) => e.path !== '')) {
        const text = section(entry.path)
        expect(text, `a heading "marque ${entry.path}"`).toBeDefined()
        // Options of a command group are documented at the group's commands.
        const missing = entry.options.filter((o) => !text?.includes(o))
        expect(missing, `options of marque ${entry.path}`).toEqual([])
      }
    } finally {
      tmp.remove()
    }
  })

  describe('examples', () => {
    const tmp = tempDir()
    const socket = join(tmp.dir, 'marque.sock')
    let server: Server
    beforeAll(async () => {
      server = createServer((connection) => {
        let buffer = ''
        let started = false
        const abort = new AbortController()
        const send = (message: object) => connection.write(`${JSON.stringify(message)}\n`)
        connection.on('data', (data) => {
          buffer += data
          for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
            const message = JSON.parse(buffer.slice(0, at))
            buffer = buffer.slice(at + 1)
            if (message.abort) abort.abort()
            else if (!started) {
              started = true
              void main(message.argv, {
                stdout: { write: (s: string) => send({ out: s }), isTTY: false },
                stderr: { write: (s: string) => send({ err: s }), isTTY: false },
                env: message.env,
                cwd: message.cwd,
                signal: abort.signal,
              }).then((code) => {
                send({ exit: code })
                connection.end()
              })
            }
          }
        })
        connection.on('error', () => abort.abort())
      })
      await new Promise<void>((resolve) => server.listen(socket, resolve))
      // The `marque` on PATH: plain Node.js, no TypeScript to load.
      mkdirSync(join(tmp.dir, 'bin'))
      writeFileSync(
        join(tmp.dir, 'bin', 'marque'),
        `#!${process.execPath}
const socket = require('node:net').connect(${JSON.stringify(socket)})
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MARQUE_')))
socket.write(JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env }) + '\\n')
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => socket.write('{"abort":true}\\n'))
let buffer = ''
socket.on('data', (data) => {
  buffer += data
  for (let at = buffer.indexOf('\\n'); at >= 0; at = buffer.indexOf('\\n')) {
    const m = JSON.parse(buffer.slice(0, at))
    buffer = buffer.slice(at + 1)
    if ('out' in m) process.stdout.write(m.out)
    else if ('err' in m) process.stderr.write(m.err)
    else if ('exit' in m) process.exitCode = m.exit
  }
})
`,
      )
      chmodSync(join(tmp.dir, 'bin', 'marque'), 0o755)
    })
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve))
      tmp.remove()
    })

    it('runs every sh block, in order, in one shell', async () => {
      const blocks = shellBlocks(doc)
      expect(blocks.length).toBeGreaterThanOrEqual(10)
      const script = blocks.map((b) => `echo "### docs/cli.md:${b.line}" >&2\n${b.code}`).join('\n')
      const work = join(tmp.dir, 'work')
      mkdirSync(work)
      const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const shell = spawn('bash', ['-euo', 'pipefail', '-c', script], {
          cwd: work,
          env: { PATH: `${join(tmp.dir, 'bin')}:/usr/local/bin:/usr/bin:/bin`, HOME: work, LANG: 'C.UTF-8' },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        let output = ''
        shell.stdout.on('data', (d) => (output += d))
        shell.stderr.on('data', (d) => (output += d))
        shell.on('close', (code) => resolve({ code, output }))
      })
      expect(result.code, result.output).toBe(0)
      // Spot checks that the examples did what the page says.
      expect(result.output).toContain('refused: exit code 1')
      expect(result.output).toContain('[CREDENTIAL_REVOKED]')
      expect(result.output).toMatch(/row 1 \(line 2\): serial is missing/)
      expect(result.output).toContain('"reference": "se050:slot/3"')
    }, 120_000)
  })
})
