// The package entry bundles for a browser with no Node.js built-in, and importing one
// function does not drag in the rest: nothing in our modules runs at import time that a
// bundler cannot drop.
import { fileURLToPath } from 'node:url'
import { type BuildOptions, build, type Plugin } from 'esbuild'
import { describe, expect, it } from 'vitest'

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const srcDir = fileURLToPath(new URL('../src/', import.meta.url))

/** Our modules that put bytes in the output, relative to src/. */
function contributors(metafile: import('esbuild').Metafile): string[] {
  const [output] = Object.values(metafile.outputs)
  return Object.entries(output!.inputs)
    .filter(([path, { bytesInOutput }]) => bytesInOutput > 0 && path.includes('packages/crypto/src/'))
    .map(([path]) => path.replace(/^.*packages\/crypto\/src\//, ''))
    .sort()
}

/** Bundles for `platform` with the source condition, in memory. */
async function bundle(platform: 'browser' | 'node', options: BuildOptions = {}) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform,
    format: 'esm',
    conditions: ['@marque/source', platform],
    logLevel: 'silent',
    ...options,
    write: false,
    metafile: true,
  })
  return { errors: result.errors, text: result.outputFiles[0]!.text, metafile: result.metafile }
}

describe('browser bundle', () => {
  it('builds for platform browser without any node: import', async () => {
    const result = await bundle('browser')
    expect(result.errors).toEqual([])
    const text = result.text
    expect(text).not.toContain('node:')
    expect(text).not.toMatch(/\brequire\(/)
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.some((p) => p.endsWith('backends/web.ts'))).toBe(true)
    expect(inputs.some((p) => p.endsWith('backends/node.ts'))).toBe(false)
    expect(inputs.some((p) => p.endsWith('backends/webcrypto.ts'))).toBe(true)
  })

  it('the same entry for Node.js does pull in node:crypto (the check above can fail)', async () => {
    const result = await bundle('node')
    expect(result.text).toContain('node:crypto')
  })

  it('importing one function keeps only what it needs, even with our modules marked impure', async () => {
    // Treat our own files as having side effects, so only top-level code that is really
    // droppable (pure, or annotated /* @__PURE__ */) is dropped: "sideEffects": false in
    // package.json would otherwise hide any top-level computation.
    const ours: Plugin = {
      name: 'ours-impure',
      setup(b) {
        b.onResolve({ filter: /.*/ }, async (args) => {
          if (args.pluginData === 'inner') return undefined
          const resolved = await b.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            importer: args.importer,
            pluginData: 'inner',
          })
          return resolved.path.startsWith(srcDir) ? { ...resolved, sideEffects: true } : resolved
        })
      },
    }
    const result = await bundle('browser', {
      entryPoints: [],
      stdin: { contents: `export { toHex } from ${JSON.stringify(entry)}`, resolveDir: srcDir, loader: 'ts' },
      plugins: [ours],
    })
    expect(result.errors).toEqual([])
    expect(contributors(result.metafile)).toEqual(['bytes.ts', 'errors.ts'])
  })
})
