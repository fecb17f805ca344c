// `pnpm demo` is the README's main job: run it as a newcomer would, as its own process, and
// check every step happened as it says.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')

it('runs the end-to-end scenario and exits 0', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@marque/source', '--import', 'tsx', 'examples/demo.ts'],
    { cwd: root, env: { ...process.env, MARQUE_DEMO_DEVICES: '100' }, timeout: 120_000 },
  )
  expect(stderr).toBe('')
  const lines = stdout.trimEnd().split('\n')
  expect(lines[0]).toMatch(/^ 1\. manufacturer did:marque:\S+ registered on the ledger/)
  expect(lines[1]).toMatch(/^ 2\. 100 devices registered in one batch/)
  expect(lines[2]).toMatch(/^ 3\. 100 DeviceIdentityCredentials issued/)
  expect(lines[3]).toMatch(/^ 4\. gateway did:marque:\S+ listening on 127\.0\.0\.1:\d+/)
  expect(lines[4]).toMatch(
    /^ 5\. 100 mutual handshakes completed, 100 encrypted readings sent and acknowledged/,
  )
  expect(lines[5]).toContain('CREDENTIAL_REVOKED')
  expect(lines[6]).toContain('DID_WRONG_KEY')
  expect(lines[7]).toContain('HANDSHAKE_DID_DEACTIVATED')
  expect(lines.at(-1)).toMatch(
    /^summary: 100 devices registered and credentialed, 102 encrypted readings received, 2 devices refused/,
  )
  expect(lines.at(-1)).toContain('ledger audit ok')
})
