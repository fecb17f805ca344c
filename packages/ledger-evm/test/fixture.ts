// One anvil node with a deployed registry per test file, and ledgers on it that are closed
// when the file is done.
import type { LocalAccount } from 'viem'
import { afterAll, beforeAll } from 'vitest'
import { type CreateEvmLedgerParameters, createEvmLedger, type EvmLedger } from '../src/index.js'
import { type RegistryNode, startRegistryNode } from '../src/testing/index.js'

/** Short waits: anvil mines at once. */
export const fast = {
  pollingIntervalMs: 25,
  batch: { waitMs: 10 },
  retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
} as const

export interface Chain {
  node: RegistryNode
  /** A ledger signing with the account that deployed the registry. */
  ledger: EvmLedger
  /** Another ledger on the node's registry, closed at the end of the file. */
  connect(account?: LocalAccount, parameters?: Partial<CreateEvmLedgerParameters>): Promise<EvmLedger>
}

/** Starts the node before the file's tests and hands it to `ready`; stops it after them. */
export function useChain(ready: (chain: Chain) => void | Promise<void>): void {
  const opened: EvmLedger[] = []
  let node: RegistryNode | undefined
  beforeAll(async () => {
    node = await startRegistryNode()
    const started = node
    const connect = async (account?: LocalAccount, parameters: Partial<CreateEvmLedgerParameters> = {}) => {
      const ledger = await createEvmLedger({
        rpcUrl: started.rpcUrl,
        address: started.registry,
        ...(account === undefined ? {} : { account }),
        ...fast,
        ...parameters,
      })
      opened.push(ledger)
      return ledger
    }
    await ready({ node: started, ledger: await connect(started.account), connect })
  })
  afterAll(async () => {
    await Promise.all(opened.map((l) => l.close()))
    await node?.stop()
  })
}
