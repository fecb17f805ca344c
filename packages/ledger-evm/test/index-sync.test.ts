// The optional local index: syncs from the last block it saw, survives a reorg, keeps to a
// range-limited endpoint, and answers reads without a round trip.
import { http } from 'viem'
import { describe, expect, it } from 'vitest'
import { createEvmIndex, type EvmLedger } from '../src/index.js'
import { countRoundTrips, type RegistryNode, startRpcProxy, testCreate } from '../src/testing/index.js'
import { type Chain, fast, useChain } from './fixture.js'
import { random } from './helpers.js'

let node: RegistryNode
let ledger: EvmLedger
let connect: Chain['connect']

useChain((chain) => {
  ;({ node, ledger, connect } = chain)
})

describe('local index', () => {
  it('syncs from the registry’s deployment, then only from the last block it saw', async () => {
    const g = testCreate({ locator: random(6) })
    await ledger.append([{ did: g.did, bytes: g.bytes }])
    const counter = countRoundTrips(http(node.rpcUrl, { retryCount: 0 }))
    const index = createEvmIndex({ transport: counter.transport, address: node.registry, maxAgeMs: 60_000 })
    const reader = await connect(undefined, { index })
    const first = await index.sync()
    expect(first?.block).toBe(await node.blockNumber())
    expect(await reader.read(g.did)).toEqual(await ledger.read(g.did))
    // Within maxAgeMs a read costs no call at all.
    counter.reset()
    expect(await reader.read(g.did)).toHaveLength(1)
    expect(counter.methods()).toEqual([])
    // A later sync reads only the new blocks.
    const update = random(70)
    const appended = await ledger.append([{ did: g.did, bytes: update }])
    counter.reset()
    const second = await index.sync()
    const logQueries = counter.methods().filter((m) => m === 'eth_getLogs')
    expect(logQueries).toHaveLength(1)
    expect(second!.block).toBeGreaterThan(first!.block)
    const ops = await reader.read(g.did)
    expect(ops.map((o) => [o.bytes, o.position])).toEqual([
      [g.bytes, ops[0]!.position],
      [update, appended.positions[0]],
    ])
    await reader.close()
  })

  it('drops what a reorg removed', async () => {
    const index = createEvmIndex({ rpcUrl: node.rpcUrl, address: node.registry, maxAgeMs: 60_000 })
    await index.sync()
    const g = testCreate({ locator: random(6) })
    const key = ledger.keyOf(g.did)
    await ledger.append([{ did: g.did, bytes: g.bytes }])
    await index.sync()
    expect((await index.read(g.did, key)).map((o) => o.bytes)).toEqual([g.bytes])
    const [seen] = await index.read(g.did, key)
    // Replace the last block by an empty one: the operation is gone from the chain.
    await node.reorg(1)
    await index.sync()
    expect(await index.read(g.did, key)).toEqual([])
    // The next append makes the ledger broadcast the lost transaction again (its nonce
    // comes first): the operation is anchored anew, at a new position.
    const other = testCreate({ locator: random(6) })
    await ledger.append([{ did: other.did, bytes: other.bytes }])
    await index.sync()
    expect((await index.read(other.did, ledger.keyOf(other.did))).map((o) => o.bytes)).toEqual([other.bytes])
    const [again] = await index.read(g.did, key)
    expect(again!.bytes).toEqual(g.bytes)
    expect(again!.position).toBeGreaterThan(seen!.position)
    expect(await index.read(g.did, key)).toEqual(await ledger.read(g.did))
  })

  it('keeps to an endpoint that refuses wide eth_getLogs', async () => {
    const proxy = await startRpcProxy({ target: node.rpcUrl, maxLogsRange: 7 })
    try {
      const dids: string[] = []
      for (let i = 0; i < 5; i++) {
        const g = testCreate({ locator: random(6) })
        await ledger.append([{ did: g.did, bytes: g.bytes }])
        await node.test.mine({ blocks: 6 })
        dids.push(g.did)
      }
      const index = createEvmIndex({ rpcUrl: proxy.url, address: node.registry, maxAgeMs: 60_000, ...fast })
      await index.sync()
      expect(proxy.calls.some((c) => c.outcome === 'range')).toBe(true)
      for (const did of dids) {
        expect(await index.read(did, ledger.keyOf(did))).toEqual(await ledger.read(did))
      }
    } finally {
      await proxy.kill()
    }
  })
})
