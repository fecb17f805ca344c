// `pnpm bench [suite ...]`: runs every suite in src/suites (or the ones named) in one
// process, one after another, and prints each suite's table. A suite is a module whose
// default export is an async function that measures and calls `report`.
import { readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = join(dirname(fileURLToPath(import.meta.url)), 'suites')
const wanted = process.argv.slice(2)
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort()

if (suites.length === 0) {
  console.error(`no benchmark suite matches ${wanted.join(', ')}`)
  process.exit(2)
}
console.log(`# Marque benchmarks — node ${process.version}, ${process.platform}/${process.arch}`)
for (const name of suites) {
  const mod = (await import(join(dir, `${name}.ts`))) as { default: () => Promise<void> }
  await mod.default()
}
