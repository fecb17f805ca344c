// docs/ledger-evm.md's code samples are real: each ```ts block runs as a module, against
// the anvil node it starts, and prints what its `console.log(...) // …` comments say;
// ```ts no-run blocks need a real chain or a real key, and are shown but not run.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..', '..')
const doc = await readFile(join(root, 'docs', 'ledger-evm.md'), 'utf8')
const samples = [...doc.matchAll(/^```ts([^\n]*)\n([\s\S]*?)^```$/gm)]
  .filter(([, info]) => info!.trim() === '')
  .map(([, , code]) => code!)

describe('docs/ledger-evm.md', () => {
  it('has samples to run', () => {
    expect(samples.length).toBeGreaterThanOrEqual(2)
  })

  for (const [i, code] of samples.entries()) {
    it(`sample ${i + 1} runs and prints what it says`, async () => {
      // Inside the package, so that `@marque/ledger-evm` resolves to it by its own name.
      const dir = await mkdtemp(join(import.meta.dirname, '.doc-sample-'))
      try {
        const path = join(dir, 'sample.ts')
        await writeFile(path, code)
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ['--conditions=@marque/source', '--import', 'tsx', path],
          { timeout: 60_000 },
        )
        const said = [...code.matchAll(/^\s*console\.log\(.*\) \/\/ (.*)$/gm)].map((m) => m[1])
        expect(said.length).toBeGreaterThan(0)
        expect(stdout.trimEnd().split('\n')).toEqual(said)
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    }, 90_000)
  }
})
