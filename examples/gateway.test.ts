// examples/gateway.ts and examples/device-client.ts together, each as its own process, on
// what examples/factory-provisioning.ts wrote: two devices get in and send readings; a device
// registered on the same ledger by a manufacturer the gateway does not trust is refused.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeBundle, encodeBundle } from '@marque/cli'
import { hwmodelOf, issueDeviceIdentityCredential } from '@marque/credentials'
import { exportSecretKey, generateSigner, withKeyId } from '@marque/crypto'
import { createDidClient } from '@marque/did'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { type RunningExample, runExample, startExample } from './lib/child.js'
import { temporaryDirectory } from './lib/temporary.js'

const factory = await temporaryDirectory('marque-gateway-')
let gateway: RunningExample | undefined
afterAll(async () => {
  await gateway?.kill()
  await factory.remove()
})

describe('examples/gateway.ts with examples/device-client.ts', () => {
  it('lets provisioned devices in, prints who they are and what they send, refuses others', async () => {
    const made = await runExample('factory-provisioning.ts', ['--out', factory.path, '--devices', '2'])
    expect(made.code).toBe(0)
    await provisionUntrusted(factory.path, 'XX200-000001')

    gateway = startExample('gateway.ts', [
      '--dir',
      factory.path,
      '--port',
      '0',
      '--sessions',
      '2',
      '--seconds',
      '40',
    ])
    const first = await gateway.firstLine
    const [, gatewayDid, port] =
      /^gateway (did:marque:\w+) listening on tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(first) ?? []
    expect(port).toBeDefined()
    const at = ['--gateway', `tcp://127.0.0.1:${port}`]

    const impostor = await runExample('device-client.ts', [
      '--dir',
      factory.path,
      '--serial',
      'XX200-000001',
      ...at,
    ])
    expect(impostor.code).toBe(1)
    expect(impostor.stderr).toMatch(/^device-client failed: HANDSHAKE_PEER_ABORTED: /)

    const devices = await Promise.all(
      ['TH200-000001', 'TH200-000002'].map((serial) =>
        runExample('device-client.ts', ['--dir', factory.path, '--serial', serial, '--readings', '4', ...at]),
      ),
    )
    const deviceDids: string[] = []
    for (const [i, device] of devices.entries()) {
      expect(device.stderr).toBe('')
      expect(device.code).toBe(0)
      const lines = device.stdout.trimEnd().split('\n')
      const did = /^device (did:marque:\w+) \(TH200-00000\d\) read its bundle$/.exec(lines[0]!)?.[1]
      expect(lines[0]).toContain(`(TH200-00000${i + 1})`)
      deviceDids.push(did!)
      expect(lines[1]).toMatch(
        new RegExp(
          `^connected to gateway ${gatewayDid} \\(serial GW1-000001, vouched for by did:marque:\\w+\\)$`,
        ),
      )
      expect(lines[2]).toBe('4 readings sent and acknowledged over the secure channel')
    }

    const { code, stdout, stderr } = await gateway.exited
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines).toContainEqual(
      'refused a peer at 127.0.0.1: HANDSHAKE_CREDENTIAL_REJECTED/CREDENTIAL_UNTRUSTED_ISSUER',
    )
    for (const [i, did] of deviceDids.entries()) {
      const serial = `TH200-00000${i + 1}`
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^device ${did}: TH-200 serial ${serial}, firmware th200-fw 1\\.4\\.2, vouched for by did:marque:\\w+$`,
          ),
        ),
      )
      for (const n of [1, 2, 3, 4])
        expect(lines).toContainEqual(
          expect.stringMatching(new RegExp(`^  ${serial} reading ${n}: \\d+(\\.\\d)? °C$`)),
        )
      expect(lines).toContain(`  ${serial} closed its session`)
    }
    expect(lines.at(-1)).toBe('gateway stopped (2 sessions ended): 2 sessions, 8 readings, 1 refused')
  })

  it('stops on SIGTERM, closing what it opened', async () => {
    const running = startExample('gateway.ts', ['--dir', factory.path, '--port', '0', '--seconds', '40'])
    try {
      expect(await running.firstLine).toMatch(/ listening on tcp:\/\/127\.0\.0\.1:\d+$/)
      running.child.kill('SIGTERM')
      const { code, stdout, stderr } = await running.exited
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(stdout.trimEnd().split('\n').at(-1)).toBe(
        'gateway stopped (SIGTERM): 0 sessions, 0 readings, 0 refused',
      )
    } finally {
      await running.kill()
    }
  })

  it('says what is missing when there is no factory output', async () => {
    const empty = join(factory.path, 'nothing-here')
    const run = await runExample('gateway.ts', ['--dir', empty])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `gateway failed: no ledger at ${empty}/ledger.db: run examples/factory-provisioning.ts first\n`,
    )
  })
})

/**
 * A device whose DID is on the factory's ledger and whose credential is well formed, but
 * signed by a manufacturer of its own that the gateway does not trust. The device itself
 * trusts the real manufacturer, so it accepts the gateway and the refusal is the gateway's.
 */
async function provisionUntrusted(dir: string, serial: string): Promise<void> {
  const ledger = await openSqliteLedger({ path: join(dir, 'ledger.db') })
  try {
    const dids = createDidClient({ ledger })
    const register = async () => {
      const key = await generateSigner()
      const made = await dids.create({ deviceKey: key, updateKey: key, recoveryKey: key })
      return { key, did: made.did, keyId: made.verificationMethodIds.assertionMethod[0]! }
    }
    const maker = await register()
    const device = await register()
    const credential = await issueDeviceIdentityCredential({
      signer: withKeyId(maker.key, maker.keyId),
      device: device.did,
      claims: {
        oemid: 1,
        hwmodel: hwmodelOf('TH-200'),
        hwversion: ['2.1'],
        serialNumber: serial,
        manufactureDate: '2026-11-02',
        swname: 'th200-fw',
        swversion: ['1.4.2'],
      },
    })
    const bundle = encodeBundle({
      did: device.did,
      signingKey: { secretKey: exportSecretKey(device.key) },
      credentials: [credential],
      trustAnchors: decodeBundle(new Uint8Array(await readFile(join(dir, 'gateway.bundle')))).trustAnchors,
    })
    await writeFile(join(dir, 'devices', `${serial}.bundle`), bundle, { mode: 0o600 })
  } finally {
    await ledger.close()
  }
}
