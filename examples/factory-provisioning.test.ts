// examples/factory-provisioning.ts, run as its own process: every step happens as it prints,
// and what it writes is what firmware will read.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeBundle } from '@marque/cli'
import { afterAll, describe, expect, it } from 'vitest'
import { runExample } from './lib/child.js'
import { temporaryDirectory } from './lib/temporary.js'

const out = await temporaryDirectory('marque-factory-')
afterAll(() => out.remove())

describe('examples/factory-provisioning.ts', () => {
  it('registers, credentials and provisions a batch, and reads every bundle back', async () => {
    const { code, stdout, stderr } = await runExample('factory-provisioning.ts', [
      '--out',
      out.path,
      '--devices',
      '5',
    ])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(6)
    const maker = /^manufacturer (did:marque:\w+) registered$/.exec(lines[0]!)?.[1]
    expect(maker).toBeDefined()
    expect(lines[1]).toMatch(
      /^5 devices and 1 hub registered in one batch \(anchor sqlite:2, locator [0-9a-f]{12}\)$/,
    )
    expect(lines[2]).toMatch(
      /^6 DeviceIdentityCredentials issued and provisioning bundles written to .* \(\d+ bytes on average, mode 0600\)$/,
    )
    expect(lines[3]).toBe(`status list published at file://${out.path}/status/revocation.jwt`)
    expect(lines[4]).toBe(
      'read back: every bundle decodes, holds a key of its DID and a credential that verifies',
    )
    expect(lines[5]).toBe('a damaged bundle is refused: BUNDLE_CORRUPTED')

    const names = (await readdir(join(out.path, 'devices'))).sort()
    expect(names).toEqual([1, 2, 3, 4, 5].map((n) => `TH200-00000${n}.bundle`))
    const dids = new Set<string>()
    for (const name of [...names.map((n) => join('devices', n)), 'gateway.bundle']) {
      const path = join(out.path, name)
      expect((await stat(path)).mode & 0o777).toBe(0o600)
      const bundle = decodeBundle(new Uint8Array(await readFile(path)))
      dids.add(bundle.did)
      expect(bundle.trustAnchors.map((a) => a.did)).toEqual([maker])
      expect(bundle.credentials).toHaveLength(1)
      expect(bundle.gateway).toBe(name === 'gateway.bundle' ? undefined : 'tcp://127.0.0.1:7400')
    }
    expect(dids.size).toBe(6)
  })

  it('refuses to write over an earlier run, and says why', async () => {
    const { code, stdout, stderr } = await runExample('factory-provisioning.ts', ['--out', out.path])
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`factory-provisioning failed: ${out.path}/ledger.db exists: give a new directory\n`)
  })

  it('checks its options', async () => {
    const { code, stderr } = await runExample('factory-provisioning.ts', [
      '--out',
      out.path,
      '--devices',
      '0',
    ])
    expect(code).toBe(1)
    expect(stderr).toBe('factory-provisioning failed: --devices must be from 1 to 1000\n')
  })
})
