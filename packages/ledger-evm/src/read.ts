// Resolution: one DID's operations in two sequential round trips, however long its history
// (docs/ledger-evm.md, "Reading"). Round trip 1 is one eth_call of `lookup`, which returns
// the blocks to look at; round trip 2 is one eth_getLogs per group of nearby blocks, all in
// parallel, filtered by the registry's address and the DID's key, so that each returns
// only that DID's logs whatever else the blocks hold.
import type { AnchoredOperation } from '@marque/ledger'
import { type Address, type Hex, hexToBytes, type PublicClient } from 'viem'
import { registryAbi } from './artifacts/registry.js'
import { positionOf } from './position.js'
import { classify, type RetryPolicy, sleep, unavailable, withRetry } from './rpc.js'

export interface ReadContext {
  readonly client: PublicClient
  readonly address: Address
  readonly retry: RetryPolicy
  /** Entries of each block list that round trip 1 returns; longer lists take more calls. */
  readonly lookupLimit: number
  /** The widest eth_getLogs block range the node accepts; lowered when the node refuses one. */
  maxBlockRange: number
  /** Operations count once their block has this many confirmations (1: the latest block). */
  readonly confirmations: number
  /**
   * Whether the node puts `blockTimestamp` in its logs: unknown until the first logs come
   * back. A node that does not gets its block headers asked in round trip 2 from then on.
   */
  logTimestamps: boolean | undefined
}

const anchoredEvent = registryAbi.find(
  (item): item is Extract<(typeof registryAbi)[number], { type: 'event'; name: 'Anchored' }> =>
    item.type === 'event' && item.name === 'Anchored',
)!

/** One DID's operations in ledger order. */
export async function readAnchored(
  context: ReadContext,
  did: string,
  key: Hex,
  signal?: AbortSignal,
): Promise<AnchoredOperation[]> {
  for (let attempt = 1; ; attempt++) {
    const found = await readOnce(context, did, key, signal)
    if (found !== undefined) return found
    // A block the DID's own list names held none of its logs: the node answered round
    // trip 2 from a view of the chain behind round trip 1's (a load-balanced endpoint, a
    // reorg in between). Ask again.
    if (attempt >= context.retry.attempts) {
      throw unavailable('consistently', new Error('eth_getLogs missed logs that lookup listed'))
    }
    await sleep(Math.min(context.retry.maxDelayMs, context.retry.baseDelayMs * 2 ** (attempt - 1)), signal)
  }
}

async function readOnce(
  context: ReadContext,
  did: string,
  key: Hex,
  signal?: AbortSignal,
): Promise<AnchoredOperation[] | undefined> {
  const { blocks, own } = await lookupBlocks(context, key, signal)
  if (blocks.length === 0) return []
  const times = new Map<bigint, number>()
  const headers = (numbers: readonly bigint[]) =>
    Promise.all(
      numbers.map(async (blockNumber) => {
        const block = await withRetry(
          'eth_getBlockByNumber',
          () => abortable(context.client.getBlock({ blockNumber }), signal),
          context.retry,
          signal,
        )
        times.set(blockNumber, Number(block.timestamp))
      }),
    )
  // Round trip 2: the logs, and the headers too from a node known to leave timestamps out.
  const [logs] = await Promise.all([
    Promise.all(windows(blocks, context.maxBlockRange).map((w) => logsIn(context, key, w, signal))).then(
      (l) => l.flat(),
    ),
    context.logTimestamps === false ? headers(blocks) : undefined,
  ])
  const seen = new Set(logs.map((l) => l.blockNumber))
  for (const b of own) if (!seen.has(b)) return undefined
  const missing = [...new Set(logs.filter((l) => l.blockTimestamp === undefined).map((l) => l.blockNumber))]
  if (logs.length > 0) context.logTimestamps = missing.length === 0
  // Learning that the node leaves timestamps out costs this one read a third round trip.
  await headers(missing.filter((b) => !times.has(b)))
  return logs
    .map((log) => ({
      did,
      bytes: hexToBytes(log.operation),
      position: positionOf(log.blockNumber, log.logIndex),
      time: log.blockTimestamp ?? times.get(log.blockNumber)!,
      anchorId: log.transactionHash,
    }))
    .sort((a, b) => a.position - b.position)
}

/**
 * The sorted, distinct blocks that may hold the DID's operations and have enough
 * confirmations; `own` are those from the DID's own list, each of which holds at least one.
 */
export async function lookupBlocks(
  context: ReadContext,
  key: Hex,
  signal?: AbortSignal,
): Promise<{ blocks: bigint[]; own: bigint[] }> {
  const limit = BigInt(context.lookupLimit)
  const [head, locatorTotal, locatorBlocks, didTotal, didBlocks] = await withRetry(
    'eth_call lookup',
    () =>
      abortable(
        context.client.readContract({
          address: context.address,
          abi: registryAbi,
          functionName: 'lookup',
          args: [key, limit],
        }),
        signal,
      ),
    context.retry,
    signal,
  )
  // Lists longer than one page (only junk makes them so) take more calls, in parallel.
  const rest = async (locatorList: boolean, total: bigint, first: readonly bigint[]) => {
    const pages: Promise<readonly bigint[]>[] = []
    for (let start = BigInt(first.length); start < total; start += limit) {
      pages.push(
        withRetry(
          'eth_call blocks',
          () =>
            abortable(
              context.client
                .readContract({
                  address: context.address,
                  abi: registryAbi,
                  functionName: 'blocks',
                  args: [key, locatorList, start, limit],
                  blockNumber: head,
                })
                .then(([, entries]) => entries),
              signal,
            ),
          context.retry,
          signal,
        ),
      )
    }
    return [...first, ...(await Promise.all(pages)).flat()]
  }
  const [byLocator, byDid] = await Promise.all([
    rest(true, locatorTotal, locatorBlocks),
    rest(false, didTotal, didBlocks),
  ])
  const last = head - BigInt(context.confirmations - 1)
  const own = byDid.filter((b) => b <= last)
  const blocks = [...new Set([...byLocator, ...byDid])]
    .filter((b) => b <= last)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { blocks, own }
}

interface Window {
  readonly from: bigint
  readonly to: bigint
  readonly blocks: readonly bigint[]
}

/** Groups sorted blocks into ranges no wider than `maxRange` blocks. */
export function windows(blocks: readonly bigint[], maxRange: number): Window[] {
  const out: Window[] = []
  let current: bigint[] = []
  for (const b of blocks) {
    if (current.length > 0 && b - current[0]! + 1n > BigInt(maxRange)) {
      out.push({ from: current[0]!, to: current[current.length - 1]!, blocks: current })
      current = []
    }
    current.push(b)
  }
  if (current.length > 0) out.push({ from: current[0]!, to: current[current.length - 1]!, blocks: current })
  return out
}

interface AnchoredLog {
  readonly operation: Hex
  readonly blockNumber: bigint
  readonly logIndex: number
  readonly blockTimestamp: number | undefined
  readonly transactionHash: Hex
}

async function logsIn(
  context: ReadContext,
  key: Hex,
  w: Window,
  signal?: AbortSignal,
): Promise<AnchoredLog[]> {
  try {
    return await getLogs(context, key, w.from, w.to, signal)
  } catch (error) {
    if (classify(error) !== 'range') throw error
    if (w.from === w.to) throw unavailable('eth_getLogs for one block', error)
    // The node takes narrower ranges than we thought: ask block by block from now on.
    context.maxBlockRange = 1
    const parts = await Promise.all(w.blocks.map((b) => getLogs(context, key, b, b, signal)))
    return parts.flat()
  }
}

async function getLogs(
  context: ReadContext,
  key: Hex,
  fromBlock: bigint,
  toBlock: bigint,
  signal?: AbortSignal,
): Promise<AnchoredLog[]> {
  const logs = await withRetry(
    'eth_getLogs',
    () =>
      abortable(
        context.client.getLogs({
          address: context.address,
          event: anchoredEvent,
          args: { did: key },
          fromBlock,
          toBlock,
          strict: true,
        }),
        signal,
      ),
    context.retry,
    signal,
  )
  return logs
    .filter((log) => !log.removed)
    .map((log) => ({
      operation: log.args.operation,
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      blockTimestamp:
        log.blockTimestamp === undefined || log.blockTimestamp === null
          ? undefined
          : Number(log.blockTimestamp),
      transactionHash: log.transactionHash,
    }))
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
