// docs/handshake.md stays true: its usage example is this package's doc-example.ts, which
// runs here, and its §9 test vector is the first one of handshake-v1.json.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import file from './vectors/handshake-v1.json' with { type: 'json' }
import { vectorBlock } from './vectors/render.js'

const doc = readFileSync(new URL('../../../docs/handshake.md', import.meta.url), 'utf8')

describe('docs/handshake.md', () => {
  it('shows the first test vector exactly as handshake-v1.json holds it', () => {
    expect(doc).toContain(vectorBlock(file.vectors[0]!.output))
  })

  it('has a usage example that is doc-example.ts verbatim, and runs', async () => {
    const block = /```ts file=packages\/handshake\/test\/doc-example\.ts\n([\s\S]*?)\n```/.exec(doc)?.[1]
    const example = readFileSync(new URL('./doc-example.ts', import.meta.url), 'utf8')
    expect(example.split('\n').slice(1).join('\n').trimEnd()).toBe(block)
    await import('./doc-example.js')
  })
})
