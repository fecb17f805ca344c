// A ready chain for tests and benchmarks: anvil on 127.0.0.1, a funded account, and a
// deployed registry. Node.js only.
import {
  type Address,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type LocalAccount,
  type PublicClient,
  parseEther,
  type TestClient,
  type Transport,
  type WalletClient,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { deployRegistry } from '../deploy.js'
import { type Anvil, type StartAnvilParameters, startAnvil } from './anvil.js'

/** A ready chain from {@link startRegistryNode}: anvil, a funded account and a deployed registry. */
export interface RegistryNode {
  /** The anvil node underneath. */
  readonly anvil: Anvil
  /** The node's JSON-RPC URL, `http://127.0.0.1:<port>`. */
  readonly rpcUrl: string
  /** The chain id the node reports: anvil's 31337 unless `--chain-id` was passed. */
  readonly chainId: number
  /** The hardfork anvil runs (its default unless `--hardfork` was passed). */
  readonly hardfork: string
  /** anvil's own calls (mine, snapshot, setBalance...). */
  readonly test: TestClient<'anvil'>
  /** A funded account that deployed the registry. */
  readonly account: LocalAccount
  /** The deployed registry's address. */
  readonly registry: Address
  /** The number of the block that mined the deployment (the registry's `deployedAt`). */
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
  /** Gas a mined transaction used. */
  gasUsed(hash: string): Promise<number>
  /** A client of the node, through `transport` when given. */
  publicClient(transport?: Transport): PublicClient
  /** A client that signs with `account` (chain id from the node). */
  walletClient(account: LocalAccount): WalletClient<Transport, Chain, LocalAccount>
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
    const client: PublicClient = createPublicClient({
      transport: http(anvil.rpcUrl, { retryCount: 0 }),
      pollingInterval: 50,
    })
    const chainId = await client.getChainId()
    const info = (await test.request({ method: 'anvil_nodeInfo' } as never)) as { hardFork?: string }
    const deployed = await deployRegistry({ rpcUrl: anvil.rpcUrl, account })
    return {
      anvil,
      rpcUrl: anvil.rpcUrl,
      chainId,
      hardfork: String(info.hardFork ?? 'unknown'),
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
      async gasUsed(hash) {
        return Number((await client.getTransactionReceipt({ hash: hash as Hex })).gasUsed)
      },
      publicClient: (transport) =>
        transport === undefined ? client : createPublicClient({ transport, pollingInterval: 50 }),
      walletClient: (account) =>
        createWalletClient({
          account,
          chain: defineChain({
            id: chainId,
            name: 'anvil',
            nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
            rpcUrls: { default: { http: [anvil.rpcUrl] } },
          }),
          transport: http(anvil.rpcUrl, { retryCount: 0 }),
          pollingInterval: 50,
        }),
      stop: () => anvil.stop(),
    }
  } catch (error) {
    await anvil.stop()
    throw error
  }
}
