// The README's TypeScript samples run, as a newcomer would paste them: each from a file of
// its own inside the examples package (so the @marque packages resolve by name), with a new
// temporary directory as the working directory (so files they write land there).
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { samplesOf } from '../scripts/doc-samples.js'
import { temporaryDirectory } from './lib/temporary.js'

const root = join(import.meta.dirname, '..')
const samples = samplesOf('README.md', await readFile(join(root, 'README.md'), 'utf8'))
// From a temporary working directory, `--import tsx` must name the loader by its path.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

describe('README.md', () => {
  it('has TypeScript samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(2)
  })

  for (const sample of samples) {
    it(`the sample at line ${sample.line} runs and exits 0`, async () => {
      const cwd = await temporaryDirectory('marque-readme-')
      const dir = await mkdtemp(join(import.meta.dirname, '.sample-run-'))
      try {
        const file = join(dir, 'sample.ts')
        await writeFile(file, `${sample.code}\nexport {}\n`)
        const { stdout, stderr } = await promisify(execFile)(
          process.execPath,
          ['--conditions=@marque/source', '--import', tsx, file],
          { cwd: cwd.path, timeout: 30_000 },
        )
        expect(stderr).toBe('')
        expect(stdout).not.toBe('')
      } finally {
        await rm(dir, { recursive: true, force: true })
        await cwd.remove()
      }
    })
  }
})
