// Sending anchor transactions: one signer, a local nonce, fees, and waiting until the
// transaction's block has the confirmations asked for and is still on the chain
// (docs/ledger-evm.md, "Writing").
import { LedgerError, LedgerErrorCode } from '@marque/ledger'
import {
  type Address,
  BaseError,
  encodeFunctionData,
  type Hex,
  keccak256,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from 'viem'
import { registryAbi } from './artifacts/registry.js'
import { describe, type RetryPolicy, sleep, withRetry } from './rpc.js'

/** Fee settings of anchor transactions. Unset fields come from the node's estimates. */
export interface FeeParameters {
  /** EIP-1559 fee cap, in wei per gas. */
  maxFeePerGas?: bigint
  /** EIP-1559 priority fee (tip), in wei per gas. */
  maxPriorityFeePerGas?: bigint
  /** Used instead, with a legacy transaction, on a chain without EIP-1559. */
  gasPrice?: bigint
}

/** Gas limits of anchor transactions. */
export interface GasParameters {
  /** The gas limit is the node's estimate times this, from 1 to 10. Default 1.25. */
  multiplier?: number
  /**
   * The most gas one transaction may use; a larger batch is sent in several transactions
   * (never splitting one append). Default 15 000 000, under EIP-7825's 2^24 cap.
   */
  max?: bigint
}

export interface SenderContext {
  readonly client: PublicClient
  readonly account: LocalAccount
  readonly address: Address
  readonly chainId: number
  readonly fees: FeeParameters | (() => Promise<FeeParameters>)
  readonly confirmations: number
  readonly pollingIntervalMs: number
  readonly timeoutMs: number
  readonly retry: RetryPolicy
}

export interface Sent {
  readonly hash: Hex
  readonly blockNumber: bigint
  readonly blockHash: Hex
  /** The block's timestamp, in seconds. */
  readonly time: number
  readonly receipt: TransactionReceipt
}

export interface Sender {
  /** Signs and broadcasts a call of `anchor(batch)` with this gas limit, then waits for it. */
  send(data: Hex, gas: bigint): Promise<Sent>
}

// Rebroadcast a transaction the node no longer knows (dropped by a reorg or the pool)
// this often while waiting for it.
const REBROADCAST_EVERY = 4

export function createSender(context: SenderContext): Sender {
  const { client, account } = context
  let nonce: number | undefined
  // Signed transactions not known to be mined, by nonce: a reorg can drop one whose append
  // already resolved (with too few confirmations), and every later nonce then waits on it.
  const unmined = new Map<number, Hex>()
  // Nonces are taken one send at a time; waiting for confirmations is not serialized.
  let turn: Promise<unknown> = Promise.resolve()
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = turn.then(fn, fn)
    turn = run.catch(() => undefined)
    return run
  }

  const broadcast = (data: Hex, gas: bigint) =>
    serial(async () => {
      for (let attempt = 1; ; attempt++) {
        nonce ??= await withRetry(
          'eth_getTransactionCount',
          () => client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
          context.retry,
        )
        const fees = await resolveFees(context)
        const raw = await account.signTransaction({
          chainId: context.chainId,
          to: context.address,
          data,
          gas,
          nonce,
          ...fees,
        })
        const hash = keccak256(raw)
        try {
          await withRetry(
            'eth_sendRawTransaction',
            () => client.sendRawTransaction({ serializedTransaction: raw }),
            context.retry,
          )
        } catch (error) {
          const text = error instanceof LedgerError ? (error.details ?? '') : describe(error)
          if (/already known|known transaction/i.test(text)) {
            // A retry after a lost answer: the node has it.
          } else if (
            /nonce too low|nonce.*already.*used|replacement transaction underpriced/i.test(text) &&
            attempt < 3
          ) {
            // Another sender used this account: read the nonce again.
            nonce = undefined
            continue
          } else {
            nonce = undefined
            throw error
          }
        }
        unmined.set(nonce, raw)
        nonce += 1
        return { hash, raw, nonce: nonce - 1 }
      }
    })

  return {
    async send(data, gas) {
      const sent = await broadcast(data, gas)
      return waitAnchored(context, sent.hash, async () => {
        // Not mined yet: broadcast it again with every earlier one the chain lost.
        const mined = await client.getTransactionCount({ address: account.address, blockTag: 'latest' })
        for (const n of [...unmined.keys()].sort((a, b) => a - b)) {
          if (n < mined) unmined.delete(n)
          else if (n <= sent.nonce) await rebroadcast(client, unmined.get(n)!)
        }
      })
    },
  }
}

async function resolveFees(context: SenderContext) {
  const fees = typeof context.fees === 'function' ? await context.fees() : context.fees
  if (fees.gasPrice !== undefined) return { type: 'legacy' as const, gasPrice: fees.gasPrice }
  return { type: 'eip1559' as const, ...(await eip1559Fees(context.client, fees, context.retry)) }
}

/**
 * EIP-1559 fees: those given, and the node's estimate for any not given (the node is not asked
 * when both are). A priority fee above the maximum fee is lowered to it, as a transaction
 * with more would be refused.
 */
export async function eip1559Fees(
  client: Pick<PublicClient, 'estimateFeesPerGas'>,
  given: { maxFeePerGas?: bigint | undefined; maxPriorityFeePerGas?: bigint | undefined },
  retry: RetryPolicy,
): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
  let { maxFeePerGas, maxPriorityFeePerGas } = given
  if (maxFeePerGas === undefined || maxPriorityFeePerGas === undefined) {
    const estimate = await withRetry('fee estimation', () => client.estimateFeesPerGas(), retry)
    maxFeePerGas ??= estimate.maxFeePerGas
    maxPriorityFeePerGas ??= estimate.maxPriorityFeePerGas
  }
  // bigints: Math.min does not take them.
  if (maxPriorityFeePerGas > maxFeePerGas) maxPriorityFeePerGas = maxFeePerGas
  return { maxFeePerGas, maxPriorityFeePerGas }
}

/**
 * Polls until the transaction's block has `confirmations` blocks on top (itself included)
 * and is still the chain's block at that height. A transaction whose block a reorg drops
 * is not anchored: the wait goes on, and the same signed transaction is broadcast again
 * (with any earlier one of this sender the chain lost, which its nonce waits on) until it
 * is mined anew or the time is up.
 */
async function waitAnchored(context: SenderContext, hash: Hex, again: () => Promise<void>): Promise<Sent> {
  const { client } = context
  const deadline = Date.now() + context.timeoutMs
  let polls = 0
  let lastError: unknown
  for (;;) {
    try {
      const receipt = await receiptOf(client, hash)
      if (receipt === null) {
        if (++polls % REBROADCAST_EVERY === 0) await again()
      } else {
        if (receipt.status !== 'success') {
          throw new LedgerError(LedgerErrorCode.InvalidOperation, 'the registry refused the batch', {
            details: `transaction ${hash} reverted in block ${receipt.blockNumber}`,
            hint: 'a DID in the batch may have been sealed since the batch was checked',
          })
        }
        const head = await client.getBlockNumber({ cacheTime: 0 })
        if (head - receipt.blockNumber + 1n >= BigInt(context.confirmations)) {
          const block = await client.getBlock({ blockNumber: receipt.blockNumber })
          if (block.hash === receipt.blockHash) {
            return {
              hash,
              blockNumber: receipt.blockNumber,
              blockHash: receipt.blockHash,
              time: Number(block.timestamp),
              receipt,
            }
          }
        }
      }
    } catch (error) {
      if (error instanceof LedgerError) throw error
      // The node is down or busy: keep waiting until the deadline.
      lastError = error
    }
    if (Date.now() > deadline) {
      throw new LedgerError(LedgerErrorCode.Unavailable, 'the batch was not anchored in time', {
        details:
          `transaction ${hash} had not ${context.confirmations} confirmation(s) after ${context.timeoutMs} ms` +
          (lastError === undefined ? '' : `; last node error: ${describe(lastError)}`),
        hint: 'the transaction may still be mined: look it up before appending again (a duplicate is harmless to resolvers)',
      })
    }
    await sleep(context.pollingIntervalMs)
  }
}

async function receiptOf(client: PublicClient, hash: Hex): Promise<TransactionReceipt | null> {
  try {
    return await client.getTransactionReceipt({ hash })
  } catch (error) {
    if (
      error instanceof BaseError &&
      error.walk((e) => e instanceof TransactionReceiptNotFoundError) !== null
    ) {
      return null
    }
    throw error
  }
}

async function rebroadcast(client: PublicClient, raw: Hex): Promise<void> {
  try {
    await client.sendRawTransaction({ serializedTransaction: raw })
  } catch {
    // Known already, or its nonce used (it was mined): the next receipt poll tells.
  }
}

/** The calldata of `anchor(batch)`. */
export function anchorCalldata(batch: Hex): Hex {
  return encodeFunctionData({ abi: registryAbi, functionName: 'anchor', args: [batch] })
}
