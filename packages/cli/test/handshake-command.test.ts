// `marque handshake listen` and `connect` on 127.0.0.1, with DIDs made by `marque did create`
// on a SQLite ledger, and a credential the listener's policy verifies.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hwmodelOf, issueDeviceIdentityCredential } from '@marque/credentials'
import { createSigner, withKeyId } from '@marque/crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExitCode, main } from '../src/index.js'
import { runCli, tempDir } from './helpers.js'

let tmp: ReturnType<typeof tempDir>
let env: Record<string, string>
beforeEach(() => {
  tmp = tempDir()
  env = { MARQUE_LEDGER: join(tmp.dir, 'ledger.db'), MARQUE_KEYS_DIR: join(tmp.dir, 'keys') }
})
afterEach(() => tmp.remove())

const json = async (args: string[]) => {
  const r = await runCli(['--json', ...args], { cwd: tmp.dir, env })
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`)
  return JSON.parse(r.stdout)
}
const keyOf = (did: string, name: string) => join(tmp.dir, 'keys', did.split(':').pop()!, `${name}.jwk`)

async function startListener(args: string[]) {
  const stop = new AbortController()
  let out = ''
  let err = ''
  const done = main(['--json', 'handshake', 'listen', '--port', '0', ...args], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    cwd: tmp.dir,
    signal: stop.signal,
  })
  for (let i = 0; i < 300 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 10))
  const port = Number((JSON.parse(out) as { listening: string }).listening.split(':')[1])
  return { port, stop: () => stop.abort(), done, log: () => out + err }
}

describe('marque handshake', () => {
  it('authenticates both DIDs and echoes a message over the secure channel', async () => {
    const gateway = await json(['did', 'create'])
    const device = await json(['did', 'create'])
    const listener = await startListener(['--did', gateway.did, '--key', keyOf(gateway.did, 'device')])
    const reply = await json([
      'handshake',
      'connect',
      '--port',
      String(listener.port),
      '--did',
      device.did,
      '--key',
      keyOf(device.did, 'device'),
      '--expect',
      gateway.did,
      '--message',
      'ping',
    ])
    expect(reply).toMatchObject({ peer: gateway.did, reply: 'ping' })
    listener.stop()
    expect(await listener.done).toBe(ExitCode.Ok)
    expect(listener.log()).toContain(`"event":"session","peer":"${device.did}"`)
  })

  it('refuses a device without the credential the gateway requires, and admits one with it', async () => {
    const maker = await json(['did', 'create'])
    const gateway = await json(['did', 'create'])
    const device = await json(['did', 'create'])
    const listener = await startListener([
      '--did',
      gateway.did,
      '--key',
      keyOf(gateway.did, 'device'),
      '--trusted-issuer',
      maker.did,
    ])
    const connect = (extra: string[]) =>
      runCli(
        [
          'handshake',
          'connect',
          '--port',
          String(listener.port),
          '--did',
          device.did,
          '--key',
          keyOf(device.did, 'device'),
          ...extra,
        ],
        { cwd: tmp.dir, env },
      )
    const refused = await connect([])
    expect(refused.code).toBe(ExitCode.Refused)
    expect(refused.stderr).toContain('HANDSHAKE_PEER_ABORTED')

    const makerJwk = JSON.parse(readFileSync(keyOf(maker.did, 'device'), 'utf8'))
    const signer = await createSigner({ secretKey: Buffer.from(makerJwk.d, 'base64url') })
    const kid = maker.document.assertionMethod[0]
    const credential = await issueDeviceIdentityCredential({
      signer: withKeyId(signer, kid.startsWith('#') ? `${maker.did}${kid}` : kid),
      device: device.did,
      claims: {
        oemid: 1,
        hwmodel: hwmodelOf('X'),
        hwversion: ['1'],
        serialNumber: 'S1',
        manufactureDate: '2026-01-01',
        swname: 'fw',
        swversion: ['1'],
      },
    })
    writeFileSync(join(tmp.dir, 'device.vc'), credential)
    const admitted = await connect(['--credential', 'device.vc', '--expect', gateway.did])
    expect(admitted.code).toBe(ExitCode.Ok)
    expect(admitted.stdout).toContain(`authenticated ${gateway.did}`)
    const wrongGateway = await connect(['--credential', 'device.vc', '--expect', maker.did])
    expect(wrongGateway.code).toBe(ExitCode.Refused)
    expect(wrongGateway.stderr).toContain('HANDSHAKE_PEER_MISMATCH')
    listener.stop()
    await listener.done
    expect(listener.log()).toContain('HANDSHAKE_CREDENTIAL_REJECTED')
  })

  it('refuses a key that is not an authentication key of the DID', async () => {
    const a = await json(['did', 'create'])
    const r = await runCli(
      ['handshake', 'connect', '--port', '1', '--did', a.did, '--key', keyOf(a.did, 'update')],
      { cwd: tmp.dir, env },
    )
    expect(r.code).toBe(ExitCode.DataError)
    expect(r.stderr).toContain('is not an authentication key')
  })

  it('connects over WebSocket with --transport websocket, as the listener serves', async () => {
    const gateway = await json(['did', 'create'])
    const device = await json(['did', 'create'])
    const listener = await startListener([
      '--transport',
      'websocket',
      '--did',
      gateway.did,
      '--key',
      keyOf(gateway.did, 'device'),
    ])
    const connectArgs = ['handshake', 'connect', '--port', String(listener.port), '--did', device.did]
    const reply = await json([
      ...connectArgs,
      '--key',
      keyOf(device.did, 'device'),
      '--transport',
      'websocket',
    ])
    expect(reply.peer).toBe(gateway.did)
    expect(reply.reply).toBe('hello')
    // Over TCP the same port speaks another protocol: the handshake cannot complete.
    const tcp = await runCli([...connectArgs, '--key', keyOf(device.did, 'device')], { cwd: tmp.dir, env })
    expect(tcp.code).not.toBe(ExitCode.Ok)
    listener.stop()
    expect(await listener.done).toBe(ExitCode.Ok)
  })

  it('exits 69 when the gateway cannot be reached, and 66 when our own DID does not resolve', async () => {
    const device = await json(['did', 'create'])
    const closed = await startListener(['--did', device.did, '--key', keyOf(device.did, 'device')])
    closed.stop()
    await closed.done
    const key = keyOf(device.did, 'device')
    const r = await runCli(
      ['handshake', 'connect', '--port', String(closed.port), '--did', device.did, '--key', key],
      {
        cwd: tmp.dir,
        env,
      },
    )
    expect(r.code).toBe(ExitCode.Unavailable)
    expect(r.stderr).toContain('HANDSHAKE_TRANSPORT_CLOSED')
    const unknown = 'did:marque:dKZURP47vkt637N8q2gBheYvMwc36n'
    const missing = await runCli(['handshake', 'connect', '--port', '1', '--did', unknown, '--key', key], {
      cwd: tmp.dir,
      env,
    })
    expect(missing.code).toBe(ExitCode.NotFound)
    expect(missing.stderr).toContain(`our DID ${unknown} does not resolve: notFound`)
  })
})
