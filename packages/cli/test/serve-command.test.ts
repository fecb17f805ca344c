// `marque serve` end to end: DIDs made with the CLI on a SQLite ledger, resolved over HTTP
// with the DID Resolution binding's status codes, then a graceful stop.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ExitCode, main } from '../src/index.js'
import { runCli, tempDir } from './helpers.js'

let tmp: ReturnType<typeof tempDir>
let env: Record<string, string>
beforeEach(() => {
  tmp = tempDir()
  env = {
    MARQUE_LEDGER: join(tmp.dir, 'ledger.db'),
    MARQUE_KEYS_DIR: join(tmp.dir, 'keys'),
    MARQUE_API_KEY: 'k'.repeat(24),
  }
})
afterEach(() => tmp.remove())

/** Runs `marque serve` on a free port until stopped; resolves once its result line is out. */
async function runServe(args: string[], json = true) {
  const stop = new AbortController()
  let out = ''
  let err = ''
  const done = main([...(json ? ['--json'] : []), 'serve', '--port', '0', ...args], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    cwd: tmp.dir,
    signal: stop.signal,
  })
  for (let i = 0; i < 200 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 10))
  return { out, err: () => err, stop: () => stop.abort(), done }
}

async function startServe(args: string[]) {
  const { out, stop, done } = await runServe(args)
  const { url } = JSON.parse(out) as { url: string }
  return { url, stop, done }
}

describe('marque serve', () => {
  it('resolves did:marque with the binding status codes, then stops gracefully', async () => {
    const json = async (args: string[]) =>
      JSON.parse((await runCli(['--json', ...args], { cwd: tmp.dir, env })).stdout)
    const live = await json(['did', 'create'])
    const gone = await json(['did', 'create'])
    const goneId = gone.did.split(':').pop()
    await json([
      'did',
      'deactivate',
      gone.did,
      '--recovery-key',
      join(tmp.dir, 'keys', goneId, 'recovery.jwk'),
    ])

    const server = await startServe([])
    const get = (did: string, accept = 'application/did-resolution') =>
      fetch(`${server.url}/1.0/identifiers/${did}`, { headers: { accept } })
    const ok = await get(live.did)
    expect(ok.status).toBe(200)
    expect((await ok.json()).didDocument.id).toBe(live.did)
    const doc = await get(live.did, 'application/did+ld+json')
    expect((await doc.json())['@context']).toContain('https://www.w3.org/ns/did/v1')
    expect((await get(gone.did)).status).toBe(410)
    expect((await get('did:marque:dKZURP47vkt637N8q2gBheYvMwc36n')).status).toBe(404)
    expect((await get('did:marque:othernet:dKZURP47vkt637N8q2gBheYvMwc36n')).status).toBe(501)
    expect((await get('did:marque:%%%')).status).toBe(400)
    const atV1 = await get(`${gone.did}?versionId=1`)
    expect(atV1.status).toBe(200)
    server.stop()
    expect(await server.done).toBe(ExitCode.Ok)
    await expect(fetch(`${server.url}/health`)).rejects.toThrow()
  })

  it('says where it listens on stdout in human mode, as the url in JSON mode', async () => {
    const { out, err, stop, done } = await runServe([], false)
    expect(out).toMatch(
      /^resolving at http:\/\/127\.0\.0\.1:\d+\/1\.0\/identifiers\/\{did\} \(ledger .*ledger\.db\)\n$/,
    )
    stop()
    expect(await done).toBe(ExitCode.Ok)
    expect(err()).toContain('stopping: finishing requests in flight')
  })

  it('accepts submissions only with the API key and only did:marque operations', async () => {
    const server = await startServe(['--submit'])
    const post = (body: unknown, key?: string) =>
      fetch(`${server.url}/1.0/operations`, {
        method: 'POST',
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      })
    const junk = { operations: [{ did: 'did:marque:dKZURP47vkt637N8q2gBheYvMwc36n', operation: 'AAEC' }] }
    expect((await post(junk)).status).toBe(401)
    const refused = await post(junk, env.MARQUE_API_KEY)
    expect(refused.status).toBe(422)
    expect((await refused.json()).error).toMatch(/^DID_OP_/)
    server.stop()
    await server.done
  })

  it('refuses to accept submissions without a long enough API key', async () => {
    const r = await runCli(['serve', '--submit', '--port', '0'], {
      cwd: tmp.dir,
      env: { ...env, MARQUE_API_KEY: 'short' },
    })
    expect(r.code).toBe(ExitCode.Config)
    expect(r.stderr).toContain('MARQUE_API_KEY')
  })
})
