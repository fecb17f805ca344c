// `pnpm bench cli`: batch issuance through the `marque` command. 100,000 device rows
// (MARQUE_BENCH_CLI_CREDENTIALS) in a CSV file go through `marque vc issue-batch --status`,
// run in-process through `main()` with a stderr that says it is a terminal, so the progress
// bar is drawn (its output is counted and its last line shown). The peer, in the same run:
// the library's own `issueCredentials` over the same devices with the same signer and
// status slots, its inputs built in memory and its output only counted: the difference is
// what the command adds (reading and checking the CSV twice, writing and syncing the JSON
// lines, saving the status registry, the progress bar).

import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { main } from '@marque/cli'
import { createStatusRegistry, hwmodelOf, issueCredentials } from '@marque/credentials'
import { createSigner, importJwk, randomBytes, withKeyId } from '@marque/crypto'
import { formatDid } from '@marque/did'
import { opsFmt, peakRssMiB, report } from '../harness.js'

const ROUNDS = 2

interface Run {
  perSecond: number
  seconds: number
}

export default async function cliSuite(): Promise<void> {
  const count = Number(process.env.MARQUE_BENCH_CLI_CREDENTIALS ?? 100_000)
  const dir = await mkdtemp(join(tmpdir(), 'marque-bench-cli-'))
  const env = {
    MARQUE_LEDGER: join(dir, 'ledger.db'),
    MARQUE_KEYS_DIR: join(dir, 'keys'),
    MARQUE_ISSUER_KEY: join(dir, 'keys', 'acme', 'device.jwk'),
  }
  let progressBytes = 0
  let lastProgress = ''
  const cli = async (args: string[], tty = false): Promise<string> => {
    let stdout = ''
    let stderr = ''
    const code = await main(args, {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: {
        write: (s: string) => {
          if (tty) {
            progressBytes += s.length
            // Without the terminal's control sequences, the bar's text.
            const text = stripVTControlCharacters(s).trim()
            if (text.length > 0) lastProgress = text
          } else stderr += s
          return true
        },
        isTTY: tty,
      },
      env: { ...env, MARQUE_ISSUER: issuer },
      cwd: dir,
    })
    if (code !== 0) throw new Error(`marque ${args.join(' ')} exited ${code}: ${stdout}${stderr}`)
    return stdout
  }
  let issuer = ''
  try {
    issuer = JSON.parse(
      await cli(['--json', 'did', 'create', '--no-agreement', '--keys-out', join(dir, 'keys', 'acme')]),
    ).did
    // Room for every round of the command (2^20 entries, a multiple of 8 above 131,072).
    await cli(['vc', 'status-list', 'init', '--length', String(2 ** 20)])
    const devices = Array.from({ length: count }, () =>
      formatDid({ locator: randomBytes(6), digest: randomBytes(16) }),
    )
    const rows = devices.map(
      (did, i) => `${did},SN-${String(i).padStart(7, '0')},TH-100,1.2,thermo-fw,3.1.4,32473`,
    )
    await writeFile(
      join(dir, 'devices.csv'),
      `did,serial,model,hwversion,swname,swversion,oemid\n${rows.join('\n')}\n`,
    )

    // The peer: the same key, the same assertion method, the same claims and status slots.
    const jwk = importJwk(JSON.parse(readFileSync(env.MARQUE_ISSUER_KEY, 'utf8')))
    const base = await createSigner({ secretKey: jwk.secretKey! })
    const document = JSON.parse(await cli(['--json', 'did', 'resolve', issuer])).didDocument
    const signer = withKeyId(base, document.assertionMethod[0])
    const registry = createStatusRegistry({
      signer,
      revocationUrl: `file://${join(dir, 'revocation-list.jwt')}`,
      suspensionUrl: `file://${join(dir, 'suspension-list.jwt')}`,
      length: 2 ** 20,
    })
    const today = new Date().toISOString().slice(0, 10)
    const library = async (): Promise<Run> => {
      const started = performance.now()
      let bytes = 0
      for await (const jwt of issueCredentials({
        signer,
        credentials: (function* () {
          for (let i = 0; i < count; i++) {
            yield {
              type: 'DeviceIdentityCredential',
              subject: devices[i]!,
              claims: {
                oemid: 32473,
                hwmodel: hwmodelOf('TH-100'),
                hwversion: ['1.2'],
                serialNumber: `SN-${String(i).padStart(7, '0')}`,
                manufactureDate: today,
                swname: 'thermo-fw',
                swversion: ['3.1.4'],
              },
              status: registry.allocate().credentialStatus,
            }
          }
        })(),
      })) {
        bytes += jwt.length
      }
      const seconds = (performance.now() - started) / 1000
      if (bytes === 0) throw new Error('nothing issued')
      return { perSecond: count / seconds, seconds }
    }
    const command = async (): Promise<Run> => {
      const started = performance.now()
      await cli(
        ['vc', 'issue-batch', '-i', 'devices.csv', '-o', 'credentials.jsonl', '--status', '--force'],
        true,
      )
      const seconds = (performance.now() - started) / 1000
      return { perSecond: count / seconds, seconds }
    }

    // Rounds alternate which goes first, so both see the same background load; each keeps its best.
    let ours: Run | undefined
    let peer: Run | undefined
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['command', 'library'] : ['library', 'command']
      for (const name of order) {
        const run = name === 'command' ? await command() : await library()
        if (name === 'command') ours = ours === undefined || run.perSecond > ours.perSecond ? run : ours
        else peer = peer === undefined || run.perSecond > peer.perSecond ? run : peer
      }
    }
    const n = count.toLocaleString('en-US')
    report(
      `CLI batch issuance (marque vc issue-batch, in-process through main(), progress bar on a fake terminal; best of ${ROUNDS})`,
      [
        {
          name: `${n} vc+jwt with status slots: command (CSV in, JSON lines out) vs library issueCredentials`,
          ours: `${opsFmt(ours!.perSecond)} (${ours!.seconds.toFixed(1)} s)`,
          peer: `${opsFmt(peer!.perSecond)} (${peer!.seconds.toFixed(1)} s)`,
          ratio: ours!.perSecond / peer!.perSecond,
          target: '≥ 10,000/s through the command',
          met: ours!.perSecond >= 10_000,
        },
        {
          name: 'progress bar output (bytes drawn / its last line)',
          ours: `${progressBytes.toLocaleString('en-US')} B: ${lastProgress}`,
        },
        { name: 'process peak RSS', ours: `${peakRssMiB().toFixed(0)} MiB` },
      ],
    )
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
