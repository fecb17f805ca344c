// Extracts every TypeScript code block from README.md, docs/*.md and packages/*/README.md
// into examples/.doc-samples/ (one module per block, inside the examples workspace
// package so the @marque packages resolve), so `pnpm typecheck` checks them with the
// same compiler settings as the code. A block whose info string says `fragment`
// (```ts fragment) is an excerpt and is skipped, as is a copy of a test file
// (```ts file=…, checked where it lives), and any other language.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'examples', '.doc-samples')

function markdownFiles(): string[] {
  const files = [join(root, 'README.md')]
  for (const f of readdirSync(join(root, 'docs'))) if (f.endsWith('.md')) files.push(join(root, 'docs', f))
  for (const p of readdirSync(join(root, 'packages'))) {
    try {
      readFileSync(join(root, 'packages', p, 'README.md'))
      files.push(join(root, 'packages', p, 'README.md'))
    } catch {}
  }
  return files
}

export interface Sample {
  file: string
  line: number
  code: string
}

/** The checked TypeScript blocks of one Markdown text. */
export function samplesOf(file: string, text: string): Sample[] {
  const samples: Sample[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)(.*)$/.exec(lines[i]!)
    if (!open) continue
    const lang = open[2]!.toLowerCase()
    const rest = open[3] ?? ''
    let j = i + 1
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) j++
    if ((lang === 'ts' || lang === 'typescript') && !/\bfragment\b|\bfile=/.test(rest)) {
      samples.push({ file, line: i + 1, code: lines.slice(i + 1, j).join('\n') })
    }
    i = j
  }
  return samples
}

export function writeSamples(): number {
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  let n = 0
  for (const file of markdownFiles()) {
    const rel = relative(root, file)
    for (const s of samplesOf(rel, readFileSync(file, 'utf8'))) {
      const name = `${rel.replace(/[/.]/g, '_')}_L${s.line}.ts`
      // `export {}` makes each block a module, so top-level await and imports work.
      writeFileSync(join(out, name), `// ${rel}:${s.line}\n${s.code}\nexport {}\n`)
      n++
    }
  }
  return n
}

if (basename(process.argv[1] ?? '') === basename(fileURLToPath(import.meta.url))) {
  console.log(`doc samples: ${writeSamples()} TypeScript blocks written to examples/.doc-samples/`)
}
