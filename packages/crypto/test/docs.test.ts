// Every TypeScript sample in docs/crypto.md runs, and prints what its comments say:
// `console.log(x) // value` must print `value`, where `…` stands for any text and a
// trailing `(remark)` is a remark.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { format } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const docPath = fileURLToPath(new URL('../../../docs/crypto.md', import.meta.url))
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const doc = readFileSync(docPath, 'utf8')
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({
  code: m[1]!,
  line: doc.slice(0, m.index).split('\n').length + 1,
}))
const dir = mkdtempSync(join(tmpdir(), 'marque-crypto-docs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What a `// comment` after console.log promises, as a pattern. */
function expected(comment: string): RegExp {
  const text = comment.replace(/\s+\([^()]*\)$/, '')
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/…/g, '.*')
  return new RegExp(`^${escaped}$`)
}

type Logged = { line: number; text: string }

describe('docs/crypto.md samples', () => {
  it('has samples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10)
  })
  for (const [i, block] of blocks.entries()) {
    it(`sample ${i + 1} (docs/crypto.md line ${block.line}) runs and prints what it says`, async () => {
      const lines = block.code.split('\n')
      const promises = new Map<number, RegExp>()
      const source = lines
        .map((text, n) => {
          const log = /console\.log\((.*)\)\s*\/\/\s*(.+)$/.exec(text)
          if (log === null) return text.replace(/console\.log\(/g, `__log(${n}, `)
          promises.set(n, expected(log[2]!))
          return text.replace('console.log(', `__log(${n}, `)
        })
        .join('\n')
        .replaceAll(`'@marque/crypto'`, JSON.stringify(entry))
      const file = join(dir, `sample-${i + 1}.ts`)
      writeFileSync(file, `const __log = (globalThis as any).__docLog;\n${source}\nexport {}\n`)
      const logged: Logged[] = []
      ;(globalThis as Record<string, unknown>).__docLog = (line: number, ...args: unknown[]) =>
        logged.push({ line, text: format(...args) })
      await import(/* @vite-ignore */ file)
      expect(logged.length).toBeGreaterThan(0)
      for (const { line, text } of logged) {
        const pattern = promises.get(line)
        expect(pattern, `line ${block.line + line}: console.log without a // comment`).toBeDefined()
        expect(text, `line ${block.line + line}`).toMatch(pattern!)
      }
      expect(new Set(logged.map((l) => l.line)).size).toBe(promises.size)
    })
  }
})
