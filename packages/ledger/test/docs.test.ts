// docs/ledger.md's code samples are real: each ```ts block runs as a module and prints what
// its `console.log(...) // …` comments say; a ```ts file=<path> block is that file, word
// for word; ```ts no-run blocks are declarations, shown but not run.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..', '..')
const doc = await readFile(join(root, 'docs', 'ledger.md'), 'utf8')
const blocks = [...doc.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```$/gm)].map(([, info, code]) => ({
  info: info!.trim(),
  code: code!,
}))

describe('docs/ledger.md', () => {
  it('has samples to check', () => {
    expect(blocks.filter((b) => b.info === '').length).toBeGreaterThanOrEqual(2)
  })

  for (const [i, block] of blocks.entries()) {
    const file = /^file=(\S+)$/.exec(block.info)?.[1]
    if (file !== undefined) {
      it(`sample ${i + 1} is ${file}`, async () => {
        expect(block.code).toBe(await readFile(join(root, file), 'utf8'))
      })
    } else if (block.info === '') {
      it(`sample ${i + 1} runs and prints what it says`, async () => {
        // Inside the package, so that `@marque/ledger` resolves to it by its own name.
        const dir = await mkdtemp(join(import.meta.dirname, '.doc-sample-'))
        try {
          const path = join(dir, 'sample.ts')
          await writeFile(path, block.code)
          const { stdout } = await promisify(execFile)(
            process.execPath,
            ['--conditions=@marque/source', '--import', 'tsx', path],
            { timeout: 20_000 },
          )
          const said = [...block.code.matchAll(/^\s*console\.log\(.*\) \/\/ (.*)$/gm)].map((m) => m[1])
          expect(said.length).toBeGreaterThan(0)
          expect(stdout.trimEnd().split('\n')).toEqual(said)
        } finally {
          await rm(dir, { recursive: true, force: true })
        }
      })
    }
  }
})
