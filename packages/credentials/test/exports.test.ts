// The public API is an explicit list, and device-side code imports no Node.js built-in.
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src')

it('exports exactly this list from each entry point', async () => {
  expect(Object.keys(await import('../src/index.js')).sort()).toMatchSnapshot('index')
  expect(Object.keys(await import('../src/node.js')).sort()).toMatchSnapshot('node')
  expect(Object.keys(await import('../src/resolvers.js')).sort()).toMatchSnapshot('resolvers')
})

/** Every module specifier of `file` and, recursively, of the relative modules it imports. */
function importGraph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!)
  seen.set(file, specifiers)
  for (const specifier of specifiers) {
    if (specifier.startsWith('.'))
      importGraph(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')), seen)
  }
  return seen
}

it('the main entry point (verifier, presentations, issuing) imports no Node.js built-in', () => {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])
  const graph = importGraph(join(src, 'index.ts'))
  expect(graph.size).toBeGreaterThan(20)
  const external = new Set<string>()
  for (const [file, specifiers] of graph) {
    for (const specifier of specifiers) {
      expect(builtins.has(specifier), `${file} imports ${specifier}`).toBe(false)
      if (!specifier.startsWith('.')) external.add(specifier)
    }
  }
  // Each of these runs in browsers and on devices (checked: none imports a Node.js built-in;
  // @marque/crypto picks its native backend through a conditional import).
  expect([...external].sort()).toEqual([
    '@marque/crypto',
    'did-jwt-vc',
    'did-resolver',
    'multiformats/bases/base58',
  ])
  expect([...graph.keys()].some((f) => f.endsWith('node.ts') || f.endsWith('resolvers.ts'))).toBe(false)
})
