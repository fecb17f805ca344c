// docs/getting-started.md's TypeScript samples run, as a newcomer would paste them (see
// `runSample`), and print exactly what the `// …` comment after each `console.log` says.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { samplesOf } from '../scripts/doc-samples.js'
import { runSample } from './lib/child.js'

const doc = 'docs/getting-started.md'
const samples = samplesOf(doc, await readFile(join(import.meta.dirname, '..', doc), 'utf8'))

describe(doc, () => {
  it('has a sample for each first step: a DID, a credential, a handshake', () => {
    expect(samples).toHaveLength(3)
  })

  for (const sample of samples) {
    it(`the sample at line ${sample.line} runs and prints what it says`, async () => {
      const said = [...sample.code.matchAll(/^\s*console\.log\(.*\) \/\/ (.*)$/gm)].map((m) => m[1])
      expect(said.length).toBeGreaterThan(0)
      const { code, stdout, stderr } = await runSample(sample.code)
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(stdout.trimEnd().split('\n')).toEqual(said)
    })
  }
})
