// `pnpm docs:api` builds the API reference from the sources' doc comments, with every
// TypeDoc warning (a broken {@link}, an exported type that references an unexported one)
// failing the build; one module per public entry point of the library packages.
import { execFile } from 'node:child_process'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Application } from 'typedoc'
import { afterAll, expect, it } from 'vitest'
import { entryPoints, undocumented } from '../scripts/api-docs.js'
import { temporaryDirectory } from './lib/temporary.js'

const root = join(import.meta.dirname, '..')
const out = await temporaryDirectory('marque-api-')
afterAll(() => out.remove())

it('finds every public entry point in the packages’ exports maps', () => {
  const names = entryPoints().map((p) => p.name)
  for (const name of [
    '@marque/crypto',
    '@marque/ledger',
    '@marque/ledger/sqlite',
    '@marque/ledger/compliance',
    '@marque/ledger-evm',
    '@marque/ledger-evm/testing',
    '@marque/did',
    '@marque/credentials',
    '@marque/credentials/node',
    '@marque/credentials/resolvers',
    '@marque/handshake',
    '@marque/handshake/gateway',
    '@marque/handshake/device (Node.js)',
    '@marque/handshake/device (browsers and devices)',
    '@marque/cli',
  ])
    expect(names).toContain(name)
  expect(names.some((n) => n.startsWith('@marque/bench'))).toBe(false)
})

it('builds without a warning, one module per entry point', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/api-docs.ts', '--out', out.path],
    { cwd: root, timeout: 120_000 },
  )
  expect(stderr).toBe('')
  expect(stdout).toBe(`API reference: ${entryPoints().length} entry points written to ${out.path}/\n`)
  const index = await readFile(join(out.path, 'index.html'), 'utf8')
  for (const { name } of entryPoints()) expect(index).toContain(`>${name}</a>`)
  // A function's page, its summary from the doc comment and its source location.
  const page = await readFile(join(out.path, 'functions', '_marque_did.createDidClient.html'), 'utf8')
  expect(page).toContain('packages/did/src/client.ts')
  expect((await stat(join(out.path, 'modules', '_marque_ledger_sqlite.html'))).isFile()).toBe(true)
}, 150_000)

it('names every exported member without a doc comment, generated artifacts aside', async () => {
  const dir = await temporaryDirectory('marque-undocumented-')
  try {
    await mkdir(join(dir.path, 'artifacts'))
    await writeFile(join(dir.path, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }))
    await writeFile(
      join(dir.path, 'artifacts', 'abi.ts'),
      'export const abi = [{ type: "function", name: "x" }] as const\n',
    )
    await writeFile(
      join(dir.path, 'index.ts'),
      [
        "export { abi } from './artifacts/abi'",
        '/** Said. */',
        'export function said(): void {}',
        'export function bare(): void {}',
        '/** An options object. */',
        'export interface Options {',
        '  /** Said too. */',
        '  documented?: number',
        '  quiet?: string',
        '}',
        '',
      ].join('\n'),
    )
    const app = await Application.bootstrap({
      entryPoints: [join(dir.path, 'index.ts')],
      tsconfig: join(dir.path, 'tsconfig.json'),
      skipErrorChecking: true,
      logLevel: 'None',
    })
    const project = await app.convert()
    expect(project).toBeDefined()
    expect(undocumented(project!).map((m) => m.split(' (')[0])).toEqual(['Options.quiet', 'bare'])
  } finally {
    await dir.remove()
  }
}, 60_000)
