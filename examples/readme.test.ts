// The README's TypeScript samples run, as a newcomer would paste them (see `runSample`).
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { samplesOf } from '../scripts/doc-samples.js'
import { runSample } from './lib/child.js'

const samples = samplesOf('README.md', await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8'))

describe('README.md', () => {
  it('has TypeScript samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(2)
  })

  for (const sample of samples) {
    it(`the sample at line ${sample.line} runs and exits 0`, async () => {
      const { code, stdout, stderr } = await runSample(sample.code)
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(stdout).not.toBe('')
    })
  }
})
