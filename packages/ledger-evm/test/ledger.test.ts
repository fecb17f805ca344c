import { LedgerErrorCode } from '@marque/ledger'
import { describe, expect, it } from 'vitest'
import type { EvmLedger } from '../src/index.js'
import type { RegistryNode } from '../src/testing/index.js'
import { testCreate } from '../src/testing/index.js'
import { type Chain, useChain } from './fixture.js'
import { random } from './helpers.js'

let node: RegistryNode
let ledger: EvmLedger
let connect: Chain['connect']

useChain((chain) => {
  ;({ node, ledger, connect } = chain)
})

describe('EVM ledger against anvil', () => {
  it('names its domain by chain id and registry address', () => {
    expect(ledger.domain).toBe(`eip155:${node.chainId}:${node.registry.toLowerCase()}`)
    expect(ledger.network).toBe('default')
  })

  it('anchors a genesis and a later operation and reads them back in order', async () => {
    const locator = random(6)
    const g = testCreate({ locator: locator })
    const later = random(120)
    const first = await ledger.append([{ did: g.did, bytes: g.bytes }])
    const second = await ledger.append([{ did: g.did, bytes: later }])
    const ops = await ledger.read(g.did)
    expect(ops.map((o) => o.bytes)).toEqual([g.bytes, later])
    expect(ops.map((o) => o.position)).toEqual([first.positions[0], second.positions[0]])
    expect(ops[0]!.anchorId).toBe(first.anchorId)
    expect(ops[1]!.time).toBe(second.time)
    expect(ops[0]!.position).toBeLessThan(ops[1]!.position)
  })

  it('reads nothing for a DID it never saw', async () => {
    expect(await ledger.read(testCreate({ locator: random(6) }).did)).toEqual([])
  })

  it('refuses to append once closed', async () => {
    const other = await connect(node.account)
    await other.close()
    await expect(other.append([{ did: 'did:example:a', bytes: random(3) }])).rejects.toMatchObject({
      code: LedgerErrorCode.Closed,
    })
    // Sealing too, before any call goes out.
    const closed = { code: LedgerErrorCode.Closed }
    const g = testCreate()
    await expect(other.sealerOf(g.did)).rejects.toMatchObject(closed)
    await expect(
      other.seal({ did: g.did, genesis: g.bytes, operation: random(3), signature: '0x00' }),
    ).rejects.toMatchObject(closed)
    await expect(
      other.setSealer({ did: g.did, genesis: g.bytes, sealer: node.account.address }),
    ).rejects.toMatchObject(closed)
  })

  it('takes its nonce from the node again when another sender used the account', async () => {
    const account = await node.newAccount()
    const mine = await connect(account)
    await mine.append([testCreate()])
    // Another process signs with the same key: the ledger's next nonce is already used.
    const other = node.walletClient(account)
    for (let i = 0; i < 2; i++) {
      const hash = await other.sendTransaction({ to: account.address, value: 0n })
      await node.publicClient().waitForTransactionReceipt({ hash })
    }
    const g = testCreate()
    const result = await mine.append([g])
    expect((await mine.read(g.did)).map((o) => o.anchorId)).toEqual([result.anchorId])
  })

  it('files a genesis under its locator and a later operation under its DID', async () => {
    const locator = random(6)
    const [a, b] = [testCreate({ locator }), testCreate({ locator })]
    await ledger.append([a, b])
    await ledger.append([{ did: a.did, bytes: random(30) }])
    const client = node.publicClient()
    const { registryAbi } = await import('../src/index.js')
    const [, locatorTotal, , didTotal] = await client.readContract({
      address: node.registry,
      abi: registryAbi,
      functionName: 'lookup',
      args: [ledger.keyOf(a.did), 10n],
    })
    // One block for both geneses under the locator; one for a's later operation.
    expect([locatorTotal, didTotal]).toEqual([1n, 1n])
    const [, , , bTotal] = await client.readContract({
      address: node.registry,
      abi: registryAbi,
      functionName: 'lookup',
      args: [ledger.keyOf(b.did), 10n],
    })
    expect(bTotal).toBe(0n)
  })

  it('sends as soon as maxOperations wait, whatever waitMs says', async () => {
    const eager = await connect(await node.newAccount(), { batch: { maxOperations: 3, waitMs: 600_000 } })
    // Were the size window ignored, these would wait ten minutes and the test time out.
    const results = await Promise.all([1, 2, 3].map(() => eager.append([testCreate()])))
    expect(new Set(results.map((r) => r.anchorId)).size).toBe(1)
  })

  it('gathers appends within waitMs into one transaction, and later ones into the next', async () => {
    const patient = await connect(await node.newAccount(), { batch: { waitMs: 300 } })
    const [a, b] = await Promise.all([patient.append([testCreate()]), patient.append([testCreate()])])
    expect(a.anchorId).toBe(b.anchorId)
    const c = await patient.append([testCreate()])
    expect(c.anchorId).not.toBe(a.anchorId)
  })

  it('splits appends between transactions to stay under gas.max, and refuses one that alone exceeds it', async () => {
    const capped = await connect(await node.newAccount(), {
      batch: { waitMs: 50 },
      gas: { max: 300_000n },
    })
    // Twenty geneses under one locator take about 200,000 gas: two such appends do not fit
    // one transaction; sixty do not fit one at all.
    const geneses = (n: number) => {
      const locator = random(6)
      return Array.from({ length: n }, () => testCreate({ locator }))
    }
    const [a, b] = await Promise.all([capped.append(geneses(20)), capped.append(geneses(20))])
    expect(a.anchorId).not.toBe(b.anchorId)
    const error = await capped.append(geneses(60)).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: LedgerErrorCode.BatchTooLarge })
  })
})
