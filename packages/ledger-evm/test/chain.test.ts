// What only a chain needs, against a real anvil node: a factory batch of 1,000, junk from a
// stranger's account, a reorg, the RPC killed mid-resolution, a range-limited and
// rate-limited endpoint. No mocked RPC anywhere: the proxy forwards to anvil.
import { LedgerError, LedgerErrorCode } from '@marque/ledger'
import {
  type BaseError,
  bytesToHex,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  encodeAbiParameters,
  http,
  type LocalAccount,
  toEventSelector,
} from 'viem'
import { describe, expect, it } from 'vitest'
import { type EvmLedger, encodeBatch, registryAbi } from '../src/index.js'
import { countRoundTrips, type RegistryNode, startRpcProxy, testCreate } from '../src/testing/index.js'
import { type Chain, useChain } from './fixture.js'
import { random } from './helpers.js'

let node: RegistryNode
let ledger: EvmLedger
let stranger: LocalAccount
let connect: Chain['connect']

useChain(async (chain) => {
  ;({ node, ledger, connect } = chain)
  stranger = await node.newAccount()
})

const publicClient = () => createPublicClient({ transport: http(node.rpcUrl) })

/** Calls `anchor` from the stranger's account with raw calldata of its choosing. */
async function strangerAnchors(batch: Uint8Array) {
  const wallet = createWalletClient({ transport: http(node.rpcUrl), account: stranger, chain: undefined })
  const hash = await wallet.writeContract({
    address: node.registry,
    abi: registryAbi,
    functionName: 'anchor',
    args: [bytesToHex(batch)],
    gas: 5_000_000n,
    chain: null,
  })
  return publicClient().waitForTransactionReceipt({ hash })
}

async function revertName(batch: Uint8Array): Promise<string | undefined> {
  try {
    await publicClient().simulateContract({
      address: node.registry,
      abi: registryAbi,
      functionName: 'anchor',
      args: [bytesToHex(batch)],
      account: stranger,
    })
  } catch (error) {
    const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError)
    return (revert as ContractFunctionRevertedError | null)?.data?.errorName
  }
  return undefined
}

describe('a factory batch', () => {
  it('anchors 1,000 registrations in one transaction under one locator, each resolvable', async () => {
    const big = await connect(node.account, { batch: { maxBytes: 400_000, waitMs: 0 } })
    const locator = random(6)
    const devices = Array.from({ length: 1000 }, () => testCreate({ locator: locator }))
    const result = await big.append(devices.map((d) => ({ did: d.did, bytes: d.bytes })))
    expect(result.positions).toHaveLength(1000)
    expect(result.positions.every((p, i) => i === 0 || p > result.positions[i - 1]!)).toBe(true)
    const receipt = await publicClient().getTransactionReceipt({ hash: result.anchorId as `0x${string}` })
    // The budget the registry is built for (docs/ledger-evm.md, "Gas"): at most 10,000 gas
    // per registered device in batches of 100 or more, on anvil's default hardfork.
    expect(Number(receipt.gasUsed) / 1000).toBeLessThan(10_000)
    for (const i of [0, 1, 499, 998, 999]) {
      const ops = await big.read(devices[i]!.did)
      expect(ops).toEqual([
        {
          did: devices[i]!.did,
          bytes: devices[i]!.bytes,
          position: result.positions[i],
          time: result.time,
          anchorId: result.anchorId,
        },
      ])
    }
    await big.close()
  })

  it('gathers concurrent appends into one transaction, each keeping its own positions', async () => {
    const locator = random(6)
    const a = testCreate({ locator: locator })
    const b = testCreate({ locator: locator })
    const c = testCreate({ locator: random(6) })
    const [ra, rb, rc] = await Promise.all([
      ledger.append([{ did: a.did, bytes: a.bytes }]),
      ledger.append([
        { did: b.did, bytes: b.bytes },
        { did: c.did, bytes: c.bytes },
      ]),
      ledger.append([{ did: a.did, bytes: random(40) }]),
    ])
    expect(new Set([ra.anchorId, rb.anchorId, rc.anchorId]).size).toBe(1)
    expect(rb.positions[0]).toBeGreaterThan(ra.positions[0]!)
    expect(rc.positions[0]).toBeGreaterThan(rb.positions[1]!)
    expect((await ledger.read(a.did)).map((o) => o.position)).toEqual([ra.positions[0], rc.positions[0]])
  })
})

describe('junk from a stranger', () => {
  it('never hides, reorders or blocks a DID’s operations', async () => {
    const locator = random(6)
    const victim = testCreate({ locator: locator })
    const victimKey = ledger.keyOf(victim.did)
    // Junk first: under the victim's key, and genesis-looking records under its locator.
    await strangerAnchors(
      encodeBatch([
        { kind: 'keyed', key: victimKey, bytes: random(50) },
        { kind: 'genesis', locator, bytes: random(190) },
      ]),
    )
    const valid1 = await ledger.append([{ did: victim.did, bytes: victim.bytes }])
    await strangerAnchors(encodeBatch([{ kind: 'keyed', key: victimKey, bytes: random(4096) }]))
    const update = random(100)
    const valid2 = await ledger.append([{ did: victim.did, bytes: update }])
    await strangerAnchors(encodeBatch([{ kind: 'keyed', key: victimKey, bytes: Uint8Array.of(0) }]))

    const ops = await ledger.read(victim.did)
    // Every operation filed under the victim is returned, valid or not (the resolver
    // decides); the valid ones are there, at the positions they were anchored at, in order.
    const positions = ops.map((o) => o.position)
    expect(positions).toEqual([...positions].sort((x, y) => x - y))
    const mine = ops.filter((o) => o.anchorId === valid1.anchorId || o.anchorId === valid2.anchorId)
    expect(mine.map((o) => [o.bytes, o.position])).toEqual([
      [victim.bytes, valid1.positions[0]],
      [update, valid2.positions[0]],
    ])
    // Three junk operations under its key and its two: the junk genesis under its locator
    // hashes to another DID, so it is filed there.
    expect(ops).toHaveLength(5)
    // And the victim can still append after all that junk.
    const valid3 = await ledger.append([{ did: victim.did, bytes: random(80) }])
    expect((await ledger.read(victim.did)).at(-1)!.position).toBe(valid3.positions[0])
  })

  it('refuses malformed batches without changing anything', async () => {
    const cases: [string, number[]][] = [
      ['empty', []],
      ['kind 0', [0x00, 0x01, 0xff]],
      ['genesis before any locator', [0x80, 0x01, 0xff]],
      ['truncated key', [0xc0, 0x01, ...new Array(20).fill(7)]],
      ['zero-length operation', [0x40, 0x00, 1, 2, 3, 4, 5, 6]],
      ['operation past the end', [0x40, 0x05, 1, 2, 3, 4, 5, 6, 9]],
      ['operation over 4096 bytes', [0x50, 0x01, 1, 2, 3, 4, 5, 6, ...new Array(4097).fill(1)]],
    ]
    for (const [name, bytes] of cases) {
      expect([name, await revertName(Uint8Array.from(bytes))]).toEqual([name, 'MalformedBatch'])
    }
  })

  it('cannot pass off logs of another contract as the registry’s', async () => {
    const victim = testCreate({ locator: random(6) })
    await ledger.append([{ did: victim.did, bytes: victim.bytes }])
    // A contract of the stranger's that emits the registry's event signature with the
    // victim's key: LOG2(calldata[64:], topic0 = calldata[0:32], topic1 = calldata[32:64]).
    const runtime = '60403603806040600037602035600035826000a200'
    const wallet = createWalletClient({ transport: http(node.rpcUrl), account: stranger, chain: undefined })
    // Creation code: copy the 21-byte runtime from offset 11 and return it.
    const deployHash = await wallet.sendTransaction({
      data: `0x601580600b6000396000f3${runtime}`,
      chain: null,
    })
    const emitter = (await publicClient().waitForTransactionReceipt({ hash: deployHash })).contractAddress!
    const topic = toEventSelector('Anchored(bytes32,bytes)')
    const forged = encodeAbiParameters([{ type: 'bytes' }], [bytesToHex(random(64))])
    for (const data of [forged, '0xdeadbeef']) {
      const hash = await wallet.sendTransaction({
        to: emitter,
        data: `${topic}${ledger.keyOf(victim.did).slice(2)}${data.slice(2)}`,
        chain: null,
      })
      const receipt = await publicClient().waitForTransactionReceipt({ hash })
      expect(receipt.logs[0]?.topics).toEqual([topic, ledger.keyOf(victim.did)])
    }
    expect((await ledger.read(victim.did)).map((o) => o.bytes)).toEqual([victim.bytes])
  })
})

describe('a reorg', () => {
  it('does not count an operation seen in a dropped block as anchored', async () => {
    const deep = await connect(node.account, { confirmations: 3 })
    const g = testCreate({ locator: random(6) })
    await node.test.setAutomine(false)
    try {
      let settled = false
      const appended = deep.append([{ did: g.did, bytes: g.bytes }]).finally(() => {
        settled = true
      })
      await until(async () => Object.keys((await node.test.getTxpoolContent()).pending).length > 0)
      await node.test.mine({ blocks: 1 })
      const dropped = await publicClient().getBlockNumber()
      // Anchored in the latest block, visible to a ledger that takes one confirmation...
      expect((await ledger.read(g.did)).map((o) => o.bytes)).toEqual([g.bytes])
      // ...but not yet to this one, and its append has not resolved.
      expect(await deep.read(g.did)).toEqual([])
      expect(settled).toBe(false)
      // The block is replaced by an empty one: the operation is gone from the chain.
      await node.reorg(1)
      expect(await ledger.read(g.did)).toEqual([])
      // The ledger broadcasts the same signed transaction again; it is mined anew.
      await until(async () => Object.keys((await node.test.getTxpoolContent()).pending).length > 0)
      await node.test.mine({ blocks: 3 })
      const result = await appended
      const ops = await deep.read(g.did)
      expect(ops.map((o) => [o.bytes, o.position, o.anchorId])).toEqual([
        [g.bytes, result.positions[0], result.anchorId],
      ])
      expect(Math.floor(result.positions[0]! / 2 ** 20)).toBe(Number(dropped) + 1)
    } finally {
      await node.test.setAutomine(true)
      await deep.close()
    }
  })
})

describe('an RPC endpoint', () => {
  /** A DID with `count` operations, one a block, `gap` empty blocks between them. */
  async function history(count: number, gap: number) {
    const g = testCreate({ locator: random(6) })
    await ledger.append([{ did: g.did, bytes: g.bytes }])
    for (let i = 1; i < count; i++) {
      if (gap > 0) await node.test.mine({ blocks: gap })
      await ledger.append([{ did: g.did, bytes: random(60) }])
    }
    return g.did
  }

  it('resolves in two round trips however long the history', async () => {
    const proxy = await startRpcProxy({ target: node.rpcUrl })
    const counter = countRoundTrips(http(proxy.url, { retryCount: 0 }))
    try {
      // At most 3 blocks a query, so that operations 4 blocks apart take one query each.
      const reader = await connect(undefined, { transport: counter.transport, read: { maxBlockRange: 3 } })
      for (const [count, gap] of [
        [1, 0],
        [3, 0],
        [30, 0],
        [10, 3], // far apart: one eth_getLogs per operation, all in parallel
      ] as const) {
        const did = await history(count, gap)
        counter.reset()
        proxy.reset()
        expect(await reader.read(did)).toHaveLength(count)
        expect(counter.rounds()).toBe(2)
        // Counted at the endpoint too: one eth_call, then the eth_getLogs.
        expect(proxy.calls[0]!.method).toBe('eth_call')
        expect(proxy.calls.slice(1).every((c) => c.method === 'eth_getLogs')).toBe(true)
        expect(proxy.calls).toHaveLength(gap === 0 ? 1 + Math.ceil(count / 3) : 1 + count)
      }
      await reader.close()
    } finally {
      await proxy.kill()
    }
  })

  it('keeps to an eth_getLogs range limit, in two round trips when told the limit', async () => {
    const proxy = await startRpcProxy({ target: node.rpcUrl, maxLogsRange: 5 })
    const counter = countRoundTrips(http(proxy.url, { retryCount: 0 }))
    try {
      const did = await history(4, 3) // operations 4 blocks apart: spans 13 blocks
      const expected = await ledger.read(did)
      const told = await connect(undefined, { transport: counter.transport, read: { maxBlockRange: 5 } })
      counter.reset()
      proxy.reset()
      expect(await told.read(did)).toEqual(expected)
      expect(counter.rounds()).toBe(2)
      expect(proxy.calls.map((c) => c.outcome)).toEqual(['forwarded', 'forwarded', 'forwarded'])
      // Not told: the wide query is refused, the ledger asks block by block, and remembers.
      const untold = await connect(undefined, { transport: counter.transport })
      counter.reset()
      proxy.reset()
      expect(await untold.read(did)).toEqual(expected)
      expect(counter.rounds()).toBe(3)
      expect(proxy.calls.filter((c) => c.outcome === 'range')).toHaveLength(1)
      counter.reset()
      proxy.reset()
      expect(await untold.read(did)).toEqual(expected)
      expect(counter.rounds()).toBe(2)
      expect(proxy.calls.filter((c) => c.outcome === 'range')).toHaveLength(0)
      await told.close()
      await untold.close()
    } finally {
      await proxy.kill()
    }
  })

  it('stays at two round trips with a node that leaves timestamps out of its logs, once it knows', async () => {
    const did = await history(5, 2)
    const expected = await ledger.read(did)
    const proxy = await startRpcProxy({ target: node.rpcUrl, stripLogTimestamps: true })
    const counter = countRoundTrips(proxy.url)
    try {
      const reader = await connect(undefined, { transport: counter.transport })
      counter.reset()
      expect(await reader.read(did)).toEqual(expected)
      expect(counter.rounds()).toBe(3)
      counter.reset()
      expect(await reader.read(did)).toEqual(expected)
      expect(counter.rounds()).toBe(2)
      expect(counter.methods().filter((m) => m === 'eth_getBlockByNumber')).toHaveLength(5)
    } finally {
      await proxy.kill()
    }
  })

  it('retries with backoff through a rate limit', async () => {
    const did = await history(6, 2)
    const expected = await ledger.read(did)
    const proxy = await startRpcProxy({ target: node.rpcUrl, rateLimit: { requests: 2, perMs: 100 } })
    try {
      const reader = await connect(undefined, {
        rpcUrl: proxy.url,
        read: { maxBlockRange: 1 },
        retry: { attempts: 8, baseDelayMs: 50, maxDelayMs: 400 },
      })
      proxy.reset()
      expect(await reader.read(did)).toEqual(expected)
      expect(proxy.calls.some((c) => c.outcome === 'rate')).toBe(true)
      await reader.close()
    } finally {
      await proxy.kill()
    }
  })

  it('turns an endpoint killed mid-resolution into LEDGER_UNAVAILABLE', async () => {
    const did = await history(3, 1)
    const proxy = await startRpcProxy({
      target: node.rpcUrl,
      onCall: (call, p) => {
        if (call.method === 'eth_getLogs') void p.kill()
      },
    })
    const reader = await connect(undefined, { rpcUrl: proxy.url })
    const error = await reader.read(did).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LedgerError)
    expect((error as LedgerError).code).toBe(LedgerErrorCode.Unavailable)
    expect((error as LedgerError).details).not.toContain('127.0.0.1')
    expect(proxy.calls.map((c) => c.method)).toContain('eth_call')
    await reader.close()
  })

  it('turns an endpoint down from the start into LEDGER_UNAVAILABLE', async () => {
    const proxy = await startRpcProxy({ target: node.rpcUrl })
    await proxy.kill()
    await expect(connect(undefined, { rpcUrl: proxy.url })).rejects.toMatchObject({
      code: LedgerErrorCode.Unavailable,
    })
  })
})

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}
