// A ready chain for tests and benchmarks: anvil on 127.0.0.1, a funded account, and a
// deployed registry. Node.js only.
import {
  type Address,
  createPublicClient,
  createTestClient,
  http,
  type LocalAccount,
  parseEther,
  type TestClient,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { deployRegistry } from '../deploy.js'
import { type Anvil, type StartAnvilParameters, startAnvil } from './anvil.js'

export interface RegistryNode {
  readonly anvil: Anvil
  readonly rpcUrl: string
  readonly chainId: number
  /** anvil's own calls (mine, snapshot, setBalance...). */
  readonly test: TestClient<'anvil'>
  /** A funded account that deployed the registry. */
  readonly account: LocalAccount
  readonly registry: Address
  readonly deployedAt: bigint
  /** A new account holding 100 ether. */
  newAccount(): Promise<LocalAccount>
  /**
   * Replaces the last `depth` blocks by as many empty ones (anvil_reorg): their
   * transactions are gone from the chain and from the pool.
   */
  reorg(depth: number): Promise<void>
  /** The latest block number. */
  blockNumber(): Promise<bigint>
  /** Stops anvil. */
  stop(): Promise<void>
}

/**
 * Starts anvil, funds a fresh account and deploys the registry with it.
 * @throws LedgerError `LEDGER_UNAVAILABLE` when anvil does not start.
 */
export async function startRegistryNode(parameters: StartAnvilParameters = {}): Promise<RegistryNode> {
  const anvil = await startAnvil(parameters)
  try {
    const test = createTestClient({ mode: 'anvil', transport: http(anvil.rpcUrl, { retryCount: 0 }) })
    const newAccount = async () => {
      // Fresh random keys, funded through anvil: nothing depends on the well-known dev keys.
      const account = privateKeyToAccount(generatePrivateKey())
      await test.setBalance({ address: account.address, value: parseEther('100') })
      return account
    }
    const account = await newAccount()
    const client = createPublicClient({ transport: http(anvil.rpcUrl, { retryCount: 0 }) })
    const chainId = await client.getChainId()
    const deployed = await deployRegistry({ rpcUrl: anvil.rpcUrl, account })
    return {
      anvil,
      rpcUrl: anvil.rpcUrl,
      chainId,
      test,
      account,
      registry: deployed.address,
      deployedAt: deployed.blockNumber,
      newAccount,
      async reorg(depth) {
        // anvil_reorg(depth, transactions to put in the new blocks): none.
        await test.request({ method: 'anvil_reorg', params: [depth, []] } as never)
      },
      blockNumber: () => client.getBlockNumber({ cacheTime: 0 }),
      stop: () => anvil.stop(),
    }
  } catch (error) {
    await anvil.stop()
    throw error
  }
}
