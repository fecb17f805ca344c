// A factory for the vc and provision tests: a temporary directory with a SQLite ledger, an
// issuer DID with its key files, and a record of everything the command printed, so a test
// can check that no secret key ever appears in it.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { base64urlDecode, toHex } from '@marque/crypto'
import { expect } from 'vitest'
import { type CliRun, runCli, tempDir } from './helpers.js'

export interface Factory {
  dir: string
  env: Record<string, string>
  /** The manufacturer's DID (no key-agreement key), its key files in keys/acme. */
  issuer: string
  /** Runs the command in the factory directory; every output is recorded. */
  cli(args: string[], options?: { tty?: boolean; env?: Record<string, string> }): Promise<CliRun>
  /** Runs with --json and returns the parsed result; fails the test on a non-zero exit. */
  json<T = Record<string, unknown>>(args: string[]): Promise<T>
  /** A new device DID (keys in keys/<id>/), optionally with a handshake service. */
  device(service?: string): Promise<string>
  /** The exact device claims options every test issues with. */
  claims: string[]
  /** Checks no key file's secret (base64url or hex) appears in anything printed; removes the directory. */
  finish(): void
}

export const CLAIMS = [
  '--model',
  'TH-100',
  '--hwversion',
  '1.2',
  '--swname',
  'thermo-fw',
  '--swversion',
  '3.1.4',
  '--oemid',
  '32473',
]

function secretsUnder(dir: string): string[] {
  const found: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.jwk')) {
        const d64 = JSON.parse(readFileSync(path, 'utf8')).d as string
        found.push(d64, toHex(base64urlDecode(d64)))
      }
    }
  }
  walk(dir)
  return found
}

export async function createFactory(): Promise<Factory> {
  const tmp = tempDir()
  const env: Record<string, string> = {
    MARQUE_LEDGER: join(tmp.dir, 'ledger.db'),
    MARQUE_KEYS_DIR: join(tmp.dir, 'keys'),
  }
  let transcript = ''
  const cli: Factory['cli'] = async (args, options = {}) => {
    const r = await runCli(args, {
      cwd: tmp.dir,
      env: { ...env, ...options.env },
      ...(options.tty ? { tty: true } : {}),
    })
    transcript += r.stdout + r.stderr
    return r
  }
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await cli(['--json', ...args])
    if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`)
    return JSON.parse(r.stdout) as T
  }
  const created = await json<{ did: string }>(['did', 'create', '--no-agreement', '--keys-out', 'keys/acme'])
  env.MARQUE_ISSUER = created.did
  env.MARQUE_ISSUER_KEY = 'keys/acme/device.jwk'
  return {
    dir: tmp.dir,
    env,
    issuer: created.did,
    cli,
    json,
    async device(service) {
      return (
        await json<{ did: string }>([
          'did',
          'create',
          ...(service ? ['--service', `MarqueHandshake=${service}`] : []),
        ])
      ).did
    },
    claims: CLAIMS,
    finish() {
      try {
        const secrets = secretsUnder(join(tmp.dir, 'keys'))
        expect(secrets.length).toBeGreaterThanOrEqual(6)
        for (const secret of secrets) expect(transcript).not.toContain(secret)
      } finally {
        tmp.remove()
      }
    },
  }
}
