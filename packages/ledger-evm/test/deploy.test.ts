// deployRegistry on a real anvil node: fees given in part are completed by the node's
// estimate, never dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployRegistry } from '../src/index.js'
import { type RegistryNode, startRegistryNode } from '../src/testing/index.js'

let node: RegistryNode
beforeAll(async () => {
  node = await startRegistryNode()
}, 60_000)
afterAll(() => node?.stop())

async function feesOf(hash: `0x${string}`) {
  const tx = await node.publicClient().getTransaction({ hash })
  return { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas }
}

describe('deployRegistry fees', () => {
  it('uses a maximum fee given alone, with the estimated tip', async () => {
    const { maxFeePerGas: estimated } = await node.publicClient().estimateFeesPerGas()
    const maxFeePerGas = estimated * 3n
    const account = await node.newAccount()
    const deployed = await deployRegistry({ rpcUrl: node.rpcUrl, account, maxFeePerGas })
    const fees = await feesOf(deployed.transactionHash)
    expect(fees.maxFeePerGas).toBe(maxFeePerGas)
    expect(fees.maxPriorityFeePerGas).toBeLessThanOrEqual(maxFeePerGas)
  })

  it('uses a tip given alone, and lowers a tip above the maximum fee to it', async () => {
    const account = await node.newAccount()
    const tip = 1_234_567n
    const alone = await deployRegistry({ rpcUrl: node.rpcUrl, account, maxPriorityFeePerGas: tip })
    expect((await feesOf(alone.transactionHash)).maxPriorityFeePerGas).toBe(tip)
    const { maxFeePerGas: estimated } = await node.publicClient().estimateFeesPerGas()
    const maxFeePerGas = estimated * 2n
    const capped = await deployRegistry({
      rpcUrl: node.rpcUrl,
      account,
      maxFeePerGas,
      maxPriorityFeePerGas: maxFeePerGas * 10n,
    })
    expect(await feesOf(capped.transactionHash)).toEqual({ maxFeePerGas, maxPriorityFeePerGas: maxFeePerGas })
  })
})
