// The shared Ledger compliance suite (@marque/ledger/compliance), against a real anvil node.
// One node and registry for the file; each test gets its own ledger on it.
import { describeLedgerCompliance } from '@marque/ledger/compliance'
import { afterAll, beforeAll } from 'vitest'
import { createEvmLedger } from '../src/index.js'
import { type RegistryNode, startRegistryNode } from '../src/testing/index.js'
import { fast } from './fixture.js'

let node: RegistryNode
beforeAll(async () => {
  node = await startRegistryNode()
})
afterAll(async () => {
  await node?.stop()
})

describeLedgerCompliance(
  'EVM (anvil)',
  async () => ({
    ledger: await createEvmLedger({
      rpcUrl: node.rpcUrl,
      address: node.registry,
      account: node.account,
      ...fast,
      // The suite's large batch (1,000 operations of 200 bytes for 100 DIDs) is larger than
      // public mempools take; anvil takes it.
      batch: { ...fast.batch, maxBytes: 1_000_000 },
    }),
  }),
  { timeout: 60_000 },
)
