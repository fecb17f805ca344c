// The did:marque method through this ledger, against a real anvil node: real signed
// operations from @marque/did's client, resolved by its resolver.
import { generateSigner } from '@marque/crypto'
import { createDidClient, createResolver, type DidClient, parseDid, readHistory } from '@marque/did'
import { LedgerErrorCode } from '@marque/ledger'
import { describe, expect, it } from 'vitest'
import { deployRegistry, type EvmLedger } from '../src/index.js'
import { type RegistryNode, startRpcProxy, testCreate } from '../src/testing/index.js'
import { type Chain, useChain } from './fixture.js'
import { random } from './helpers.js'

let node: RegistryNode
let ledger: EvmLedger
let connect: Chain['connect']
let client: DidClient

useChain((chain) => {
  ;({ node, ledger, connect } = chain)
  client = createDidClient({ ledger })
})

const keys = async () => ({
  deviceKey: await generateSigner(),
  updateKey: await generateSigner(),
  recoveryKey: await generateSigner(),
})

describe('did:marque on the EVM ledger', () => {
  it('creates, rotates, transfers and deactivates a DID, each version resolvable', async () => {
    const resolver = createResolver({ ledgers: { default: ledger }, cache: false })
    const k = await keys()
    const created = await client.create(k)
    const newKey = await generateSigner()
    await client.rotate({ did: created.did, updateKey: k.updateKey, keys: [newKey] })
    const owner = { updateKey: await generateSigner(), recoveryKey: await generateSigner() }
    await client.transfer({
      did: created.did,
      recoveryKey: k.recoveryKey,
      updateKey: owner.updateKey,
      nextRecoveryKey: owner.recoveryKey,
    })
    const first = await resolver.resolve(`${created.did}?versionId=1`)
    expect(first.didDocument?.verificationMethod?.[0]?.id).toBe(
      created.verificationMethodIds.authentication[0],
    )
    expect(first.didDocumentMetadata.nextVersionId).toBe('2')
    await client.deactivate({ did: created.did, recoveryKey: owner.recoveryKey })
    const last = await resolver.resolve(created.did)
    expect(last.didDocumentMetadata).toMatchObject({ deactivated: true, versionId: '4' })
    expect(last.didDocument).toEqual({ '@context': expect.anything(), id: created.did })
    // Anchor times are block timestamps.
    const ops = await ledger.read(created.did)
    expect(ops).toHaveLength(4)
    expect(first.didDocumentMetadata.created).toBe(
      new Date(ops[0]!.time * 1000).toISOString().replace('.000', ''),
    )
  })

  for (const [name, anchorAccount] of [
    ['', undefined],
    [', each genesis naming an anchor account,', random(20)],
  ] as const) {
    it(`registers a factory batch of 100 in one transaction${name} under 10,000 gas a device`, async () => {
      const devices = await Promise.all(Array.from({ length: 100 }, () => keys()))
      const batch = await client.createBatch({
        devices,
        locator: random(6),
        ...(anchorAccount !== undefined && { anchorAccount }),
      })
      expect(new Set(batch.dids.map((d) => d.did)).size).toBe(100)
      expect(batch.dids[0]!.operation).toHaveLength(anchorAccount === undefined ? 186 : 208)
      expect((await node.gasUsed(batch.anchorId)) / 100).toBeLessThan(10_000)
      const resolver = createResolver({ ledgers: { default: ledger }, cache: false })
      for (const d of [batch.dids[0]!, batch.dids[99]!]) {
        const r = await resolver.resolve(d.did)
        expect(r.didDocumentMetadata.versionId).toBe('1')
        expect(r.didDocument?.id).toBe(d.did)
      }
    })
  }

  it('resolves the same after a stranger’s junk: random bytes, a replayed genesis, a forged update', async () => {
    const k = await keys()
    const created = await client.create(k)
    const update = await client.update({
      did: created.did,
      updateKey: k.updateKey,
      services: [{ id: 1, type: 'LinkedDomains', endpoint: 'https://maker.example' }],
    })
    const resolver = createResolver({ ledgers: { default: ledger }, cache: false })
    const before = await resolver.resolve(created.did)
    const stranger = await connect(await node.newAccount())
    const forged = update.operation.slice()
    forged[forged.length - 1]! ^= 1
    await stranger.append([
      { did: created.did, bytes: random(150) },
      { did: created.did, bytes: created.operation },
      { did: created.did, bytes: forged },
    ])
    // Another DID's genesis under the same locator: its block joins the locator's list.
    const parsed = parseDid(created.did)
    if ('error' in parsed) throw new Error(parsed.message)
    await stranger.append([testCreate({ locator: parsed.locator })])
    const after = await resolver.resolve(created.did)
    expect(after.didDocument).toEqual(before.didDocument)
    expect(after.didDocumentMetadata.versionId).toBe('2')
    expect(await ledger.read(created.did)).toHaveLength(5)
  })

  it('does not validate an operation signed for another chain or registry', async () => {
    // The same genesis bytes anchored on a second registry: its domain differs, so the
    // signature over the first registry's domain fails there.
    const created = await client.create(await keys())
    const other = await deployRegistry({ rpcUrl: node.rpcUrl, account: node.account })
    const otherLedger = await connect(node.account, { address: other.address })
    expect(otherLedger.domain).not.toBe(ledger.domain)
    await otherLedger.append([{ did: created.did, bytes: created.operation }])
    const there = await createResolver({ ledgers: { default: otherLedger }, cache: false }).resolve(
      created.did,
    )
    expect(there.didResolutionMetadata.error).toBe('notFound')
    const history = await readHistory({ ledger: otherLedger, did: created.did })
    expect(history.ignored.map((i) => i.code)).toEqual(['DID_OP_BAD_SIGNATURE'])
  })

  it('turns an RPC endpoint gone down into internalError data', async () => {
    const created = await client.create(await keys())
    const proxy = await startRpcProxy({ target: node.rpcUrl })
    const reader = await connect(undefined, { rpcUrl: proxy.url })
    await proxy.kill()
    const r = await createResolver({ ledgers: { default: reader }, cache: false }).resolve(created.did)
    expect(r.didResolutionMetadata).toMatchObject({
      error: 'internalError',
      code: LedgerErrorCode.Unavailable,
    })
    expect(r.didDocument).toBeNull()
  })
})
