// marque provision: bundles built from the ledger, the key files `did create` wrote and
// the credentials `vc issue` made, read back with the bundle codec.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { base64urlDecode, decodeMultikey } from '@marque/crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decodeBundle, ExitCode } from '../src/index.js'
import { CLAIMS, createFactory, type Factory } from './factory.js'

let f: Factory
beforeEach(async () => {
  f = await createFactory()
  await f.json(['vc', 'status-list', 'init'])
})
afterEach(() => f.finish())

const idOf = (did: string) => did.slice(did.lastIndexOf(':') + 1)
const secretOf = (file: string) => base64urlDecode(JSON.parse(readFileSync(file, 'utf8')).d)

async function issued(device: string, extra: string[] = []): Promise<string> {
  const r = await f.json<{ credential: string }>([
    'vc',
    'issue',
    '--subject',
    device,
    '--serial',
    'SN-1',
    ...CLAIMS,
    '--status',
    ...extra,
  ])
  return r.credential
}

function bundleAt(path: string) {
  return decodeBundle(readFileSync(join(f.dir, path)))
}

describe('marque provision (one device)', () => {
  it('writes a private bundle with the device keys, its credential, the pinned issuer and the gateway', async () => {
    const device = await f.device('tcp://127.0.0.1:7400')
    const credential = await issued(device)
    await f.json(['vc', 'status-list', 'publish'])
    const r = await f.json<{ file: string }>([
      'provision',
      '--did',
      device,
      '--credential',
      credential,
      '--trust-anchor',
      'did:web:operator.example',
      '-o',
      'dev.bundle',
    ])
    expect(statSync(r.file).mode & 0o777).toBe(0o600)
    const bundle = bundleAt('dev.bundle')
    const keys = join(f.dir, 'keys', idOf(device))
    expect(bundle).toMatchObject({
      did: device,
      credentials: [credential],
      gateway: 'tcp://127.0.0.1:7400',
      network: 'default',
    })
    expect(bundle.signingKey).toEqual({ secretKey: secretOf(join(keys, 'device.jwk')) })
    expect(bundle.agreementKey).toEqual({ secretKey: secretOf(join(keys, 'agreement.jwk')) })
    const issuerKey = JSON.parse(readFileSync(join(f.dir, 'keys/acme/device.jwk'), 'utf8')).x
    expect(bundle.trustAnchors).toEqual([
      { did: f.issuer, publicKey: base64urlDecode(issuerKey) },
      { did: 'did:web:operator.example' },
    ])

    const inspected = await f.json<Record<string, unknown>>(['provision', 'inspect', 'dev.bundle'])
    const multikey = (inspected.signingKey as { publicKeyMultibase: string }).publicKeyMultibase
    expect(decodeMultikey(multikey).publicKey).toEqual(
      base64urlDecode(JSON.parse(readFileSync(join(keys, 'device.jwk'), 'utf8')).x),
    )
    expect(inspected).toMatchObject({
      did: device,
      gateway: 'tcp://127.0.0.1:7400',
      credentials: [{ issuer: f.issuer, subject: device }],
    })
    const human = await f.cli(['provision', 'inspect', 'dev.bundle'])
    expect(human.stdout).toContain('signing key  inline secret (public z6Mk')
    expect(human.stdout).toContain(
      `pinned ${(inspected.trustAnchors as { publicKeyMultibase: string }[])[0]!.publicKeyMultibase}`,
    )
  })

  it('writes key references instead of keys for a secure element', async () => {
    const device = await f.device()
    const r = await f.cli([
      'provision',
      '--did',
      device,
      '--key-reference',
      'se050:slot/3',
      '--no-agreement',
      '--gateway',
      'wss://gw.example/d',
      '-o',
      'ref.bundle',
    ])
    expect(r.code).toBe(ExitCode.Ok)
    const bundle = bundleAt('ref.bundle')
    expect(bundle.signingKey).toEqual({ reference: 'se050:slot/3' })
    expect(bundle.agreementKey).toBeUndefined()
    expect(bundle.credentials).toEqual([])
    expect((await f.cli(['provision', 'inspect', 'ref.bundle'])).stdout).toContain(
      'signing key  reference se050:slot/3',
    )
  })

  it('refuses keys that are not the device’s, credentials about another device, and revoked ones', async () => {
    const device = await f.device()
    const other = await f.device()
    const wrongKey = await f.cli([
      'provision',
      '--did',
      device,
      '--key',
      join('keys', idOf(other), 'device.jwk'),
      '-o',
      'x.bundle',
    ])
    expect(wrongKey.code).toBe(ExitCode.DataError)
    expect(wrongKey.stderr).toContain('is not under authentication of')
    const wrongAgreement = await f.cli([
      'provision',
      '--did',
      device,
      '--agreement-key',
      join('keys', idOf(other), 'agreement.jwk'),
      '-o',
      'x.bundle',
    ])
    expect(wrongAgreement.stderr).toContain('is not under keyAgreement of')
    const notHis = await f.cli([
      'provision',
      '--did',
      device,
      '--credential',
      await issued(other),
      '-o',
      'x.bundle',
    ])
    expect(notHis.code).toBe(ExitCode.Refused)
    expect(notHis.stderr).toContain('[CREDENTIAL_SUBJECT_MISMATCH]')
    const credential = await issued(device)
    await f.json(['vc', 'revoke', credential, '--publish'])
    const revoked = await f.cli(['provision', '--did', device, '--credential', credential, '-o', 'x.bundle'])
    expect(revoked.code).toBe(ExitCode.Refused)
    expect(revoked.stderr).toContain('[CREDENTIAL_REVOKED]')
    const unknown = await f.cli([
      'provision',
      '--did',
      'did:marque:dKZURP47vkt637N8q2gBheYvMwc36n',
      '-o',
      'x.bundle',
    ])
    expect(unknown.code).toBe(ExitCode.NotFound)
    expect(existsSync(join(f.dir, 'x.bundle'))).toBe(false)
    const usage = await f.cli(['provision', '--did', device])
    expect(usage.code).toBe(ExitCode.Usage)
  })

  it('warns when a status list is not published yet, and still writes the bundle', async () => {
    const device = await f.device()
    const r = await f.cli([
      'provision',
      '--did',
      device,
      '--credential',
      await issued(device),
      '-o',
      'dev.bundle',
    ])
    expect(r.code).toBe(ExitCode.Ok)
    expect(r.stderr).toContain('warning: a status list cannot be fetched yet')
    expect(bundleAt('dev.bundle').trustAnchors[0]!.did).toBe(f.issuer)
  })

  it('reports a damaged bundle with its code', async () => {
    const device = await f.device()
    await f.json(['provision', '--did', device, '-o', 'dev.bundle'])
    const bytes = readFileSync(join(f.dir, 'dev.bundle'))
    bytes[bytes.length - 40]! ^= 1
    writeFileSync(join(f.dir, 'bad.bundle'), bytes, { mode: 0o600 })
    const r = await f.cli(['provision', 'inspect', 'bad.bundle'])
    expect(r.code).toBe(ExitCode.DataError)
    expect(r.stderr).toContain('[BUNDLE_CORRUPTED]')
    writeFileSync(join(f.dir, 'open.bundle'), readFileSync(join(f.dir, 'dev.bundle')), { mode: 0o644 })
    expect((await f.cli(['provision', 'inspect', 'open.bundle'])).stderr).toContain(
      'accessible by other users',
    )
  })
})

describe('marque provision --input (a batch)', () => {
  async function factoryRun(n: number): Promise<string[]> {
    const devices: string[] = []
    for (let i = 0; i < n; i++) devices.push(await f.device())
    writeFileSync(
      join(f.dir, 'devices.csv'),
      `did,serial\n${devices.map((d, i) => `${d},SN-${i}`).join('\n')}\n`,
    )
    await f.json(['vc', 'issue-batch', '-i', 'devices.csv', '-o', 'credentials.jsonl', '--status', ...CLAIMS])
    await f.json(['vc', 'status-list', 'publish'])
    return devices
  }

  it('writes one private bundle per line of vc issue-batch output, with a progress bar on a terminal', async () => {
    const devices = await factoryRun(6)
    const r = await f.cli(
      ['provision', '-i', 'credentials.jsonl', '--out-dir', 'bundles', '--gateway', 'tcp://127.0.0.1:7400'],
      { tty: true },
    )
    expect(r.code).toBe(ExitCode.Ok)
    expect(r.stderr).toMatch(/provisioning \[.*\] 100% \| 6\/6 \| [\d,]+\/s/)
    expect(readdirSync(join(f.dir, 'bundles')).sort()).toEqual(devices.map((d) => `${idOf(d)}.bundle`).sort())
    const lines = readFileSync(join(f.dir, 'credentials.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    for (const [i, device] of devices.entries()) {
      const file = join('bundles', `${idOf(device)}.bundle`)
      expect(statSync(join(f.dir, file)).mode & 0o777).toBe(0o600)
      const bundle = bundleAt(file)
      expect(bundle).toMatchObject({
        did: device,
        credentials: [lines[i].credential],
        gateway: 'tcp://127.0.0.1:7400',
      })
      expect(bundle.signingKey).toEqual({
        secretKey: secretOf(join(f.dir, 'keys', idOf(device), 'device.jwk')),
      })
    }
    const again = await f.cli(['provision', '-i', 'credentials.jsonl', '--out-dir', 'bundles'])
    expect(again.code).toBe(ExitCode.CannotCreate)
  })

  it('writes nothing when one device fails, and names its row', async () => {
    const devices = await factoryRun(4)
    const lines = readFileSync(join(f.dir, 'credentials.jsonl'), 'utf8').trim().split('\n')
    // Row 3 claims another device's credential.
    const third = JSON.parse(lines[2]!)
    third.credential = JSON.parse(lines[0]!).credential
    lines[2] = JSON.stringify(third)
    writeFileSync(join(f.dir, 'mixed.jsonl'), `${lines.join('\n')}\n`)
    const r = await f.cli(['provision', '-i', 'mixed.jsonl', '--out-dir', 'bundles'])
    expect(r.code).toBe(ExitCode.Refused)
    expect(r.stderr).toContain('row 3 (line 3): ')
    expect(r.stderr).toContain('[CREDENTIAL_SUBJECT_MISMATCH]')
    expect(readdirSync(join(f.dir, 'bundles'))).toEqual([])
    writeFileSync(join(f.dir, 'twice.jsonl'), `${lines[0]}\n${lines[1]}\n${lines[0]}\n`)
    const twice = await f.cli(['provision', '-i', 'twice.jsonl', '--out-dir', 'bundles'])
    expect(twice.code).toBe(ExitCode.DataError)
    expect(twice.stderr).toContain(`row 3 (line 3): ${devices[0]} appears twice`)
    writeFileSync(join(f.dir, 'empty.jsonl'), '')
    expect((await f.cli(['provision', '-i', 'empty.jsonl', '--out-dir', 'bundles'])).stderr).toContain(
      'holds no devices',
    )
    expect(readdirSync(join(f.dir, 'bundles'))).toEqual([])
  })
})
