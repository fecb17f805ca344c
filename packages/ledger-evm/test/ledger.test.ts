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
  })
})
