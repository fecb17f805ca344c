// marque vc issue-batch: CSV and JSON lines in, JSON lines out, all or nothing; the
// progress bar on a terminal only.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExitCode, main } from '../src/index.js'
import { CLAIMS, createFactory, type Factory } from './factory.js'

let f: Factory
beforeEach(async () => {
  f = await createFactory()
  await f.json(['vc', 'status-list', 'init'])
})
afterEach(() => f.finish())

const HEADER = 'did,serial,model,hwversion,swname,swversion,oemid'
const row = (i: number, did = `did:example:device-${i}`) =>
  `${did},SN-${String(i).padStart(6, '0')},TH-100,1.2,thermo-fw,3.1.4,32473`

function csv(rows: string[], header = HEADER): string {
  writeFileSync(join(f.dir, 'devices.csv'), `${[header, ...rows].join('\n')}\n`)
  return 'devices.csv'
}

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(join(f.dir, path), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
}

/** Nothing was written: no output, no temporary file, no status index taken. */
async function expectNothingWritten(): Promise<void> {
  expect(existsSync(join(f.dir, 'out.jsonl'))).toBe(false)
  expect(readdirSync(f.dir).filter((n) => n.endsWith('.tmp'))).toEqual([])
  expect((await f.json<{ allocated: number }>(['vc', 'status-list', 'show'])).allocated).toBe(0)
}

describe('marque vc issue-batch', () => {
  it('issues 200 credentials from CSV, each with its own status slot, in input order', async () => {
    const device = await f.device()
    const input = csv([row(0, device), ...Array.from({ length: 199 }, (_, i) => row(i + 1))])
    const summary = await f.json<{ count: number; out: string }>([
      'vc',
      'issue-batch',
      '-i',
      input,
      '-o',
      'out.jsonl',
      '--status',
    ])
    expect(summary).toMatchObject({ count: 200, out: join(f.dir, 'out.jsonl') })
    const out = lines('out.jsonl')
    expect(out).toHaveLength(200)
    expect(out.map((l) => l.serial)).toEqual(
      Array.from({ length: 200 }, (_, i) => `SN-${String(i).padStart(6, '0')}`),
    )
    expect(new Set(out.map((l) => l.statusIndex)).size).toBe(200)
    expect((await f.json<{ allocated: number }>(['vc', 'status-list', 'show'])).allocated).toBe(200)
    await f.json(['vc', 'status-list', 'publish'])
    writeFileSync(join(f.dir, 'first.json'), JSON.stringify(out[0]))
    const verified = await f.json([
      'vc',
      'verify',
      'first.json',
      '--subject',
      device,
      '--trusted-issuer',
      f.issuer,
    ])
    expect(verified).toMatchObject({
      valid: true,
      subject: device,
      claims: expect.objectContaining({ serialNumber: 'SN-000000' }),
    })
    expect((await f.json(['vc', 'verify', String(out[199]!.credential)])).subject).toBe(
      'did:example:device-199',
    )
  })

  it('issues from JSON lines with defaults from options, extra claims and an expiry', async () => {
    writeFileSync(
      join(f.dir, 'devices.jsonl'),
      [
        { did: 'did:example:a', serial: 'A', oemid: 32473, claims: { color: 'blue' } },
        {},
        {
          did: 'did:example:b',
          serial: 'B',
          model: 'TH-200',
          swversion_scheme: 16384,
          valid_until: '2099-12-31T23:59:59Z',
        },
      ]
        .map((o) => (Object.keys(o).length === 0 ? '' : JSON.stringify(o)))
        .join('\n'),
    )
    const r = await f.cli([
      'vc',
      'issue-batch',
      '-i',
      'devices.jsonl',
      '-o',
      'out.jsonl',
      '--model',
      'TH-100',
      '--hwversion',
      '2',
      '--swname',
      'fw',
      '--swversion',
      '3.1.4',
      '--oemid',
      '1',
    ])
    expect(r.code).toBe(ExitCode.Ok)
    expect(r.stdout).toMatch(/^issued 2 credentials to .*out\.jsonl in [\d.]+ s \([\d,]+\/s\)\n$/)
    const [a, b] = lines('out.jsonl')
    expect(a!.statusIndex).toBeUndefined()
    const va = await f.json<{ claims: Record<string, unknown> }>(['vc', 'verify', String(a!.credential)])
    expect(va.claims).toMatchObject({ oemid: 32473, color: 'blue', hwversion: ['2'], swname: 'fw' })
    const vb = await f.json<{ claims: Record<string, unknown>; validUntil: number }>([
      'vc',
      'verify',
      String(b!.credential),
    ])
    expect(vb.claims).toMatchObject({ oemid: 1, swversion: ['3.1.4', 16384] })
    expect(vb.validUntil).toBe(Date.parse('2099-12-31T23:59:59Z') / 1000)
  })

  it('refuses a malformed row by number and writes nothing', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => row(i))
    rows[56] = 'did:example:x,,TH-100,1.2,thermo-fw,3.1.4,32473'
    const missing = await f.cli(['vc', 'issue-batch', '-i', csv(rows), '-o', 'out.jsonl', '--status'])
    expect(missing.code).toBe(ExitCode.DataError)
    expect(missing.stderr).toContain('error: row 57 (line 58): serial is missing [CLI_BAD_INPUT]')
    expect(missing.stderr).toContain('nothing was written')
    await expectNothingWritten()

    rows[56] = 'not-a-did,SN-X,TH-100,1.2,thermo-fw,3.1.4,32473'
    const notDid = await f.cli(['vc', 'issue-batch', '-i', csv(rows), '-o', 'out.jsonl'])
    expect(notDid.stderr).toContain('row 57 (line 58): did "not-a-did" is not a DID')
    rows[56] = 'did:example:x,SN-X,TH-100,1.2'
    const short = await f.cli(['vc', 'issue-batch', '-i', csv(rows), '-o', 'out.jsonl'])
    expect(short.code).toBe(ExitCode.DataError)
    expect(short.stderr).toMatch(/line 58: .*columns/i)
    const typo = await f.cli([
      'vc',
      'issue-batch',
      '-i',
      csv([`${row(1)},x`], `${HEADER},serail`),
      '-o',
      'out.jsonl',
    ])
    expect(typo.stderr).toContain('row 1 (line 2): unknown column "serail"')
    await expectNothingWritten()
  })

  it('refuses a row the credential schema refuses, found while signing, and writes nothing', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => row(i))
    // An oemid that is neither a number nor 3 or 16 bytes of base64url passes the column
    // checks and fails the schema when its credential is issued.
    rows[139] = 'did:example:x,SN-X,TH-100,1.2,thermo-fw,3.1.4,zz'
    const r = await f.cli(['vc', 'issue-batch', '-i', csv(rows), '-o', 'out.jsonl', '--status'])
    expect(r.code).toBe(ExitCode.DataError)
    expect(r.stderr).toContain('row 140 (line 141): the claims do not fit DeviceIdentityCredential')
    await expectNothingWritten()
  })

  it('refuses an empty input: no file content, a header alone, blank JSON lines', async () => {
    writeFileSync(join(f.dir, 'empty.csv'), '')
    writeFileSync(join(f.dir, 'blank.jsonl'), '\n\n')
    for (const input of ['empty.csv', csv([]), 'blank.jsonl']) {
      const r = await f.cli(['vc', 'issue-batch', '-i', input, '-o', 'out.jsonl', '--status'])
      expect(r.code).toBe(ExitCode.DataError)
      expect(r.stderr).toContain('holds no device rows')
    }
    await expectNothingWritten()
    writeFileSync(join(f.dir, 'bad.jsonl'), '{"did": "did:example:a", "serial": "A"}\n[1]\n')
    const notObject = await f.cli(['vc', 'issue-batch', '-i', 'bad.jsonl', '-o', 'out.jsonl', ...CLAIMS])
    expect(notObject.stderr).toContain('line 2: each line must be a JSON object')
    const unknownFormat = await f.cli(['vc', 'issue-batch', '-i', 'devices.txt', '-o', 'out.jsonl'])
    expect(unknownFormat.code).toBe(ExitCode.Usage)
    const missing = await f.cli(['vc', 'issue-batch', '-i', 'nope.csv', '-o', 'out.jsonl'])
    expect(missing.code).toBe(ExitCode.NotFound)
  })

  it('never replaces an output without --force, checked before any work', async () => {
    writeFileSync(join(f.dir, 'out.jsonl'), 'keep\n')
    const r = await f.cli(['vc', 'issue-batch', '-i', csv([row(1)]), '-o', 'out.jsonl', '--status'])
    expect(r.code).toBe(ExitCode.CannotCreate)
    expect(readFileSync(join(f.dir, 'out.jsonl'), 'utf8')).toBe('keep\n')
    expect((await f.json<{ allocated: number }>(['vc', 'status-list', 'show'])).allocated).toBe(0)
    expect((await f.cli(['vc', 'issue-batch', '-i', 'devices.csv', '-o', 'out.jsonl', '--force'])).code).toBe(
      ExitCode.Ok,
    )
    expect(lines('out.jsonl')).toHaveLength(1)
  })

  it('stops when interrupted, and writes nothing', async () => {
    const input = csv(Array.from({ length: 50 }, (_, i) => row(i)))
    const stop = new AbortController()
    stop.abort()
    let stderr = ''
    const code = await main(['vc', 'issue-batch', '-i', input, '-o', 'out.jsonl', '--status'], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      env: f.env,
      cwd: f.dir,
      signal: stop.signal,
    })
    expect(code).toBe(ExitCode.Refused)
    expect(stderr).toContain('interrupted: nothing was written')
    await expectNothingWritten()
  })

  it('shows a progress bar with the rate on a terminal, and none otherwise', async () => {
    const input = csv(Array.from({ length: 200 }, (_, i) => row(i)))
    const tty = await f.cli(['vc', 'issue-batch', '-i', input, '-o', 'a.jsonl'], { tty: true })
    expect(tty.code).toBe(ExitCode.Ok)
    expect(tty.stderr).toContain('issuing [')
    expect(tty.stderr).toMatch(/200\/200 \| [\d,]+\/s \| ETA/)
    const pipe = await f.cli(['vc', 'issue-batch', '-i', input, '-o', 'b.jsonl'])
    expect(pipe.stderr).toBe('')
    const off = await f.cli(['--no-progress', 'vc', 'issue-batch', '-i', input, '-o', 'c.jsonl'], {
      tty: true,
    })
    expect(off.stderr).toBe('')
    const json = await f.cli(['--json', 'vc', 'issue-batch', '-i', input, '-o', 'd.jsonl'], { tty: true })
    expect(json.stderr).toBe('')
    expect(JSON.parse(json.stdout)).toMatchObject({ count: 200, issuer: f.issuer })
  })
})
