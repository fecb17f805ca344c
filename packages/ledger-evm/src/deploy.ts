// Deploying a MarqueRegistry.
import { LedgerError, LedgerErrorCode } from '@marque/ledger'
import {
  type Address,
  createPublicClient,
  encodeDeployData,
  type Hex,
  http,
  type LocalAccount,
  type Transport,
} from 'viem'
import { registryAbi, registryBytecode } from './artifacts/registry.js'
import { invalidParameter } from './errors.js'
import { type RetryParameters, retryPolicy, withRetry } from './rpc.js'
import { eip1559Fees } from './send.js'

/** The parameters of {@link deployRegistry}. */
export interface DeployRegistryParameters {
  /** The node's JSON-RPC URL (http or https). Give this or `transport`. */
  rpcUrl?: string
  /** A viem transport, used instead of `rpcUrl`. */
  transport?: Transport
  /** Signs the deployment and pays for it. */
  account: LocalAccount
  /** The EIP-1559 maximum fee, in wei per gas; the node's estimate when unset. */
  maxFeePerGas?: bigint
  /**
   * The EIP-1559 priority fee (tip), in wei per gas; the node's estimate when unset, and never
   * above `maxFeePerGas`.
   */
  maxPriorityFeePerGas?: bigint
  /** Retries of every node call; see {@link RetryParameters} for the defaults. */
  retry?: RetryParameters
  /** How long to wait for the deployment to be mined, in ms. Default 120 000. */
  timeoutMs?: number
}

/** What {@link deployRegistry} returns once the deployment is mined. */
export interface DeployRegistryReturnType {
  /** The new registry's address, to give {@link createEvmLedger} as `address`. */
  readonly address: Address
  /** The number of the block that mined the deployment: the registry's `deployedAt`. */
  readonly blockNumber: bigint
  /** The hash of the deployment transaction. */
  readonly transactionHash: Hex
}

/**
 * Deploys this package's registry (the shipped bytecode) and waits for it to be mined.
 * @throws LedgerError `LEDGER_INVALID_PARAMETER` for a bad parameter, `LEDGER_UNAVAILABLE`
 *   when the node does not answer or the deployment fails.
 */
export async function deployRegistry(
  parameters: DeployRegistryParameters,
): Promise<DeployRegistryReturnType> {
  const { account } = parameters
  if (account === undefined || typeof account.signTransaction !== 'function') {
    throw invalidParameter('account must be a local account that signs transactions')
  }
  const transport =
    parameters.transport ??
    (typeof parameters.rpcUrl === 'string' && /^https?:\/\//.test(parameters.rpcUrl)
      ? http(parameters.rpcUrl, { retryCount: 0, timeout: 10_000 })
      : undefined)
  if (transport === undefined) throw invalidParameter('give rpcUrl (http or https) or a viem transport')
  const retry = retryPolicy(parameters.retry)
  const client = createPublicClient({ transport, pollingInterval: 250 })
  const chainId = await withRetry('eth_chainId', () => client.getChainId(), retry)
  const nonce = await withRetry(
    'eth_getTransactionCount',
    () => client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
    retry,
  )
  const data = encodeDeployData({ abi: registryAbi, bytecode: registryBytecode })
  const [gas, fees] = await Promise.all([
    withRetry('eth_estimateGas', () => client.estimateGas({ account, data }), retry),
    eip1559Fees(client, parameters, retry),
  ])
  const raw = await account.signTransaction({
    type: 'eip1559',
    chainId,
    nonce,
    data,
    gas: (gas * 5n) / 4n,
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  })
  const hash = await withRetry(
    'eth_sendRawTransaction',
    () => client.sendRawTransaction({ serializedTransaction: raw }),
    retry,
  )
  const receipt = await withRetry(
    'eth_getTransactionReceipt',
    () => client.waitForTransactionReceipt({ hash, timeout: parameters.timeoutMs ?? 120_000 }),
    retry,
  )
  if (receipt.status !== 'success' || receipt.contractAddress == null) {
    throw new LedgerError(LedgerErrorCode.Unavailable, 'the registry deployment failed', {
      details: `transaction ${hash} ${receipt.status}`,
    })
  }
  return { address: receipt.contractAddress, blockNumber: receipt.blockNumber, transactionHash: hash }
}
