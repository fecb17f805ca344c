// The CLI on an EVM network: DIDs registered, rotated and resolved through the MarqueRegistry
// on a real anvil node, beside the embedded ledger, with `marque serve` resolving both.
import { join } from 'node:path'
import { type RegistryNode, startRegistryNode } from '@marque/ledger-evm/testing'
import { parseEther } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExitCode, main } from '../src/index.js'
import { CLAIMS } from './factory.js'
import { runCli, tempDir } from './helpers.js'

let node: RegistryNode
let tmp: ReturnType<typeof tempDir>
let env: Record<string, string>

beforeAll(async () => {
  node = await startRegistryNode()
  tmp = tempDir()
  const key = generatePrivateKey()
  await node.test.setBalance({ address: privateKeyToAccount(key).address, value: parseEther('10') })
  env = {
    MARQUE_LEDGER: join(tmp.dir, 'ledger.db'),
    MARQUE_KEYS_DIR: join(tmp.dir, 'keys'),
    MARQUE_EVM_NETWORK: 'anvil',
    MARQUE_EVM_RPC_URL: node.rpcUrl,
    MARQUE_EVM_REGISTRY: node.registry,
    MARQUE_EVM_PRIVATE_KEY: key,
  }
}, 60_000)
afterAll(async () => {
  await node?.stop()
  tmp?.remove()
})

const cli = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { cwd: tmp.dir, env: { ...env, ...extra } })
const json = async (args: string[]) => {
  const r = await cli(['--json', ...args])
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}${r.stdout}`)
  return JSON.parse(r.stdout)
}

describe('marque on an EVM network', () => {
  it('registers, rotates and resolves a DID anchored on chain, and the embedded ledger still serves its own', async () => {
    const onChain = await json(['did', 'create', '--network', 'anvil', '--no-agreement'])
    expect(onChain.did).toMatch(/^did:marque:anvil:/)
    const local = await json(['did', 'create', '--no-agreement'])
    expect(local.did).not.toContain(':anvil:')
    await json(['keys', 'generate', '-o', 'k2.jwk'])
    const update = join(tmp.dir, 'keys', onChain.did.split(':').pop(), 'update.jwk')
    expect(
      (await json(['did', 'rotate', onChain.did, '--update-key', update, '--key', 'k2.jwk'])).versionId,
    ).toBe('2')
    const now = await json(['did', 'resolve', onChain.did])
    expect(now.didDocumentMetadata.versionId).toBe('2')
    const first = await json(['did', 'resolve', onChain.did, '--version-id', '1'])
    expect(first.didDocument.verificationMethod[0].publicKeyMultibase).not.toBe(
      now.didDocument.verificationMethod[0].publicKeyMultibase,
    )
    const log = await json(['did', 'log', onChain.did])
    expect(log.versions[0].anchorId).toMatch(/^0x[0-9a-f]{64}$/)
    // The embedded ledger holds only the local DID.
    expect((await json(['ledger', 'stats'])).entries).toBe(1)

    const stop = new AbortController()
    let out = ''
    const served = main(['--json', 'serve', '--port', '0'], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
      env,
      cwd: tmp.dir,
      signal: stop.signal,
    })
    for (let i = 0; i < 300 && !out.includes('"url"'); i++) await new Promise((r) => setTimeout(r, 10))
    const { url } = JSON.parse(out) as { url: string }
    for (const did of [onChain.did, local.did]) {
      const res = await fetch(`${url}/1.0/identifiers/${did}`)
      expect(res.status).toBe(200)
      expect((await res.json()).didDocument.id).toBe(did)
    }
    stop.abort()
    expect(await served).toBe(ExitCode.Ok)
  })

  it('reads without a key, refuses to write without one, and names unconfigured networks', async () => {
    const made = await json(['did', 'create', '--network', 'anvil', '--no-agreement'])
    const readOnly = await cli(['--json', 'did', 'resolve', made.did], { MARQUE_EVM_PRIVATE_KEY: '' })
    expect(readOnly.code).toBe(ExitCode.Ok)
    const noKey = await cli(['did', 'create', '--network', 'anvil'], { MARQUE_EVM_PRIVATE_KEY: '' })
    expect(noKey.code).not.toBe(ExitCode.Ok)
    const badKey = await cli(['did', 'create', '--network', 'anvil'], { MARQUE_EVM_PRIVATE_KEY: '0x1234' })
    expect(badKey.code).toBe(ExitCode.Config)
    expect(badKey.stderr).not.toContain('0x1234')
    const other = await cli(['did', 'create', '--network', 'sepolia'])
    expect(other.code).toBe(ExitCode.DataError)
    expect(other.stderr).toContain('no ledger is configured for the network "sepolia"')
    const partial = await cli(['did', 'resolve', made.did], {
      MARQUE_EVM_REGISTRY: '',
      MARQUE_EVM_NETWORK: 'anvil',
    })
    expect(partial.code).toBe(ExitCode.Config)
  })

  it('issues and verifies a credential whose issuer is anchored on chain, and one about a device on chain', async () => {
    const maker = await json(['did', 'create', '--network', 'anvil', '--no-agreement'])
    const device = await json(['did', 'create', '--network', 'anvil', '--no-agreement'])
    const local = await json(['did', 'create', '--no-agreement'])
    const key = join('keys', maker.did.split(':').pop(), 'device.jwk')
    const issue = (subject: string) =>
      json([
        'vc',
        'issue',
        '--issuer',
        maker.did,
        '--key',
        key,
        '--no-status',
        '--subject',
        subject,
        '--serial',
        'SN-7',
        ...CLAIMS,
      ])
    const issued = await issue(device.did)
    const verified = await json(['vc', 'verify', issued.credential, '--subject', device.did])
    expect(verified.issuer).toBe(maker.did)
    expect(verified.subject).toBe(device.did)
    const aboutLocal = await issue(local.did)
    expect((await json(['vc', 'verify', aboutLocal.credential])).subject).toBe(local.did)
    // Without the EVM configuration the issuer cannot be resolved: refused, not crashed.
    const unconfigured = await cli(['vc', 'verify', issued.credential], {
      MARQUE_EVM_NETWORK: '',
      MARQUE_EVM_RPC_URL: '',
      MARQUE_EVM_REGISTRY: '',
    })
    expect(unconfigured.code).toBe(ExitCode.Refused)
    expect(unconfigured.stderr).toContain('CREDENTIAL_ISSUER_UNRESOLVABLE')
  })

  it('deploys a registry and then anchors DIDs on it', async () => {
    const noKey = await cli(['ledger', 'deploy-registry'], { MARQUE_EVM_PRIVATE_KEY: '' })
    expect(noKey.code).toBe(ExitCode.Config)
    expect(noKey.stderr).toContain('MARQUE_EVM_PRIVATE_KEY')
    const noUrl = await cli(['ledger', 'deploy-registry'], {
      MARQUE_EVM_RPC_URL: '',
      MARQUE_EVM_NETWORK: '',
      MARQUE_EVM_REGISTRY: '',
    })
    expect(noUrl.code).toBe(ExitCode.Usage)
    const human = await cli(['ledger', 'deploy-registry', '--rpc-url', node.rpcUrl])
    expect(human.code).toBe(ExitCode.Ok)
    expect(human.stdout).toMatch(/^registry {3}0x[0-9a-fA-F]{40}\n/)
    const deployed = await json(['ledger', 'deploy-registry'])
    expect(deployed.registry).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(deployed.registry).not.toBe(node.registry)
    const onNew = { MARQUE_EVM_REGISTRY: deployed.registry }
    const made = await cli(['--json', 'did', 'create', '--network', 'anvil', '--no-agreement'], onNew)
    expect(made.code).toBe(ExitCode.Ok)
    const did = JSON.parse(made.stdout).did
    expect((await cli(['did', 'resolve', did], onNew)).code).toBe(ExitCode.Ok)
    // The first registry never saw it.
    expect((await cli(['did', 'resolve', did])).code).toBe(ExitCode.NotFound)
    const unreachable = await cli(['ledger', 'deploy-registry', '--rpc-url', 'http://127.0.0.1:9'])
    expect(unreachable.code).toBe(ExitCode.Unavailable)
    expect(`${unreachable.stdout}${unreachable.stderr}`).not.toContain(env.MARQUE_EVM_PRIVATE_KEY!.slice(2))
  })
})
