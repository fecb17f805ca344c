// `pnpm docs:api` builds the API reference from the sources' doc comments, with every
// TypeDoc warning (a broken {@link}, an exported type that references an unexported one)
// failing the build; one module per public entry point of the library packages.
import { execFile } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { entryPoints } from '../scripts/api-docs.js'
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
