// An optional local index of a registry's operations: it syncs every `Anchored` log from
// the last block it saw, survives reorgs by checking the hash of that block, and answers
// reads with no round trip at all (docs/ledger-evm.md, "Local index").
import { type AnchoredOperation, LedgerError, LedgerErrorCode } from '@marque/ledger'
import {
  type Address,
  createPublicClient,
  getAddress,
  type Hex,
  hexToBytes,
  http,
  isAddress,
  type PublicClient,
  type Transport,
} from 'viem'
import { registryAbi } from './artifacts/registry.js'
import { invalidParameter } from './errors.js'
import { positionOf } from './position.js'
import { abortable } from './read.js'
import { classify, type RetryParameters, retryPolicy, withRetry } from './rpc.js'

/** One indexed operation. */
export interface IndexedOperation {
  /** The registry key of its DID. */
  readonly key: Hex
  /** The operation's bytes, as the `Anchored` log carries them. */
  readonly bytes: Uint8Array
  /** Its ledger position: block number × 2^20 + log index (see {@link positionOf}). */
  readonly position: number
  /** Its block's timestamp, in whole seconds since the Unix epoch. */
  readonly time: number
  /** The hash of the transaction that anchored it. */
  readonly anchorId: string
}

/** A synced block: the index holds every operation up to and including it. */
export interface IndexCheckpoint {
  /** The synced block's number. */
  readonly block: bigint
  /** The block's hash when it was synced: another hash at that number later means a reorg. */
  readonly hash: Hex
}

/**
 * Where an index keeps what it synced. The default keeps it in memory; implement this to
 * keep it in a database. `commit` and `rewind` must each be atomic.
 */
export interface EvmIndexStore {
  /** The checkpoints committed, oldest first (the store may keep only the latest few). */
  checkpoints(): Promise<readonly IndexCheckpoint[]>
  /** Adds operations (in position order) and the checkpoint they reach. */
  commit(operations: readonly IndexedOperation[], checkpoint: IndexCheckpoint): Promise<void>
  /** Drops every operation and checkpoint after `block` (all of them when undefined). */
  rewind(block: bigint | undefined): Promise<void>
  /** One key's operations, in position order. */
  operations(key: Hex): Promise<readonly IndexedOperation[]>
}

/** The parameters of {@link createEvmIndex}. */
export interface CreateEvmIndexParameters {
  /** The node's JSON-RPC URL (http or https). Give this or `transport`. */
  rpcUrl?: string
  /** A viem transport, used instead of `rpcUrl`. */
  transport?: Transport
  /** The MarqueRegistry's address. */
  address: Address
  /** Default: a store in memory. */
  store?: EvmIndexStore
  /** The first block to read. Default: the registry's `deployedAt`. */
  fromBlock?: bigint
  /** Blocks on top of a block (itself included) before it is indexed. Default 1. */
  confirmations?: number
  /** The widest eth_getLogs range the node serves. Default 1000. */
  maxBlockRange?: number
  /** A read syncs first when the last sync is older than this, in ms. Default 1000. */
  maxAgeMs?: number
  /** Retries of every node call; see {@link RetryParameters} for the defaults. */
  retry?: RetryParameters
}

/**
 * A local index of one registry's operations, made by {@link createEvmIndex}. Give it to
 * {@link createEvmLedger} as `index` and the ledger's reads come from it.
 */
export interface EvmIndex {
  /** Reads new blocks up to the confirmed head; returns the block reached. */
  sync(signal?: AbortSignal): Promise<IndexCheckpoint | undefined>
  /** One DID's operations, after a sync if the last one is older than `maxAgeMs`. */
  read(did: string, key: Hex, signal?: AbortSignal): Promise<AnchoredOperation[]>
}

/** Checkpoints the default store keeps: a reorg deeper than this many syncs resyncs all. */
const KEPT_CHECKPOINTS = 64

/**
 * An index of one registry.
 * @throws LedgerError `LEDGER_INVALID_PARAMETER` for a bad parameter.
 */
export function createEvmIndex(parameters: CreateEvmIndexParameters): EvmIndex {
  if (parameters.address === undefined || !isAddress(parameters.address, { strict: false })) {
    throw invalidParameter('address must be the registry address (0x and 40 hex digits)')
  }
  const address = getAddress(parameters.address)
  const store = parameters.store ?? createMemoryIndexStore()
  const confirmations = parameters.confirmations ?? 1
  let maxBlockRange = parameters.maxBlockRange ?? 1000
  const maxAgeMs = parameters.maxAgeMs ?? 1000
  if (!Number.isSafeInteger(confirmations) || confirmations < 1) {
    throw invalidParameter('confirmations must be a positive integer')
  }
  if (!(typeof maxAgeMs === 'number' && maxAgeMs >= 0 && maxAgeMs <= 2 ** 31)) {
    throw invalidParameter('maxAgeMs must be a number of milliseconds from 0 to 2^31')
  }
  if (!Number.isSafeInteger(maxBlockRange) || maxBlockRange < 1) {
    throw invalidParameter('maxBlockRange must be a positive integer')
  }
  const retry = retryPolicy(parameters.retry)
  const client: PublicClient = createPublicClient({
    transport:
      parameters.transport ??
      (typeof parameters.rpcUrl === 'string' && /^https?:\/\//.test(parameters.rpcUrl)
        ? http(parameters.rpcUrl, { retryCount: 0, timeout: 10_000 })
        : (() => {
            throw invalidParameter('give rpcUrl (http or https) or a viem transport')
          })()),
  })
  const call = <T>(what: string, fn: () => Promise<T>, signal?: AbortSignal) =>
    withRetry(what, fn, retry, signal)

  let lastSync = Number.NEGATIVE_INFINITY
  let running: Promise<IndexCheckpoint | undefined> | undefined

  const firstBlock = async (signal?: AbortSignal) =>
    parameters.fromBlock ??
    (await call(
      'eth_call deployedAt',
      () => client.readContract({ address, abi: registryAbi, functionName: 'deployedAt' }),
      signal,
    ))

  /** The newest checkpoint still on the chain, rewinding the store to it. */
  const forkPoint = async (signal?: AbortSignal): Promise<IndexCheckpoint | undefined> => {
    const checkpoints = await store.checkpoints()
    for (let i = checkpoints.length - 1; i >= 0; i--) {
      const checkpoint = checkpoints[i]!
      const block = await call(
        'eth_getBlockByNumber',
        () => client.getBlock({ blockNumber: checkpoint.block }),
        signal,
      )
      if (block.hash === checkpoint.hash) {
        if (i < checkpoints.length - 1) await store.rewind(checkpoint.block)
        return checkpoint
      }
    }
    // A reorg deeper than every checkpoint kept (or no sync yet): start again.
    if (checkpoints.length > 0) await store.rewind(undefined)
    return undefined
  }

  const syncOnce = async (signal?: AbortSignal): Promise<IndexCheckpoint | undefined> => {
    const head = await call('eth_blockNumber', () => client.getBlockNumber({ cacheTime: 0 }), signal)
    const target = head - BigInt(confirmations - 1)
    let reached = await forkPoint(signal)
    let from = reached === undefined ? await firstBlock(signal) : reached.block + 1n
    while (from <= target) {
      const to = from + BigInt(maxBlockRange) - 1n < target ? from + BigInt(maxBlockRange) - 1n : target
      // The window's last block, fetched first: if a reorg replaces it meanwhile, the next
      // sync sees its hash change and rewinds.
      const end = await call('eth_getBlockByNumber', () => client.getBlock({ blockNumber: to }), signal)
      let logs: Awaited<ReturnType<typeof fetchLogs>>
      try {
        logs = await fetchLogs(from, to, signal)
      } catch (error) {
        if (classify(error) !== 'range' || maxBlockRange === 1) throw error
        maxBlockRange = Math.max(1, Math.floor(maxBlockRange / 4))
        continue
      }
      const operations = await toOperations(logs, end, signal)
      const checkpoint = { block: to, hash: end.hash }
      await store.commit(operations, checkpoint)
      reached = checkpoint
      from = to + 1n
    }
    lastSync = Date.now()
    return reached
  }

  const fetchLogs = (fromBlock: bigint, toBlock: bigint, signal?: AbortSignal) =>
    withRetry(
      'eth_getLogs',
      () =>
        client.getLogs({
          address,
          event: registryAbi.find((i) => i.type === 'event' && i.name === 'Anchored') as Extract<
            (typeof registryAbi)[number],
            { type: 'event'; name: 'Anchored' }
          >,
          fromBlock,
          toBlock,
          strict: true,
        }),
      retry,
      signal,
    )

  const toOperations = async (
    logs: Awaited<ReturnType<typeof fetchLogs>>,
    end: { number: bigint | null; hash: Hex; timestamp: bigint },
    signal?: AbortSignal,
  ): Promise<IndexedOperation[]> => {
    const times = new Map<bigint, number>([[end.number!, Number(end.timestamp)]])
    const live = logs.filter((l) => !l.removed)
    for (const log of live) {
      if (log.blockTimestamp !== undefined && log.blockTimestamp !== null) {
        times.set(log.blockNumber, Number(log.blockTimestamp))
      } else if (!times.has(log.blockNumber)) {
        const block = await call(
          'eth_getBlockByNumber',
          () => client.getBlock({ blockNumber: log.blockNumber }),
          signal,
        )
        times.set(log.blockNumber, Number(block.timestamp))
      }
    }
    return live
      .map((log) => ({
        key: log.args.did,
        bytes: hexToBytes(log.args.operation),
        position: positionOf(log.blockNumber, log.logIndex),
        time: times.get(log.blockNumber)!,
        anchorId: log.transactionHash,
      }))
      .sort((a, b) => a.position - b.position)
  }

  // One sync at a time, shared by whoever asks meanwhile; a caller's signal stops its own
  // wait, not the sync the others share.
  const sync = (signal?: AbortSignal) => {
    running ??= syncOnce().finally(() => {
      running = undefined
    })
    return abortable(running, signal)
  }

  return {
    sync,
    async read(did, key, signal) {
      if (Date.now() - lastSync > maxAgeMs) await sync(signal)
      return (await store.operations(key)).map((op) => ({
        did,
        bytes: op.bytes.slice(),
        position: op.position,
        time: op.time,
        anchorId: op.anchorId,
      }))
    },
  }
}

/** An index store in memory: nothing survives the process. */
export function createMemoryIndexStore(): EvmIndexStore {
  const byKey = new Map<Hex, IndexedOperation[]>()
  let checkpoints: IndexCheckpoint[] = []
  return {
    async checkpoints() {
      return checkpoints
    },
    async commit(operations, checkpoint) {
      const last = checkpoints[checkpoints.length - 1]
      if (last !== undefined && checkpoint.block <= last.block) {
        throw new LedgerError(LedgerErrorCode.Corrupt, 'an index checkpoint must move forward', {
          details: `block ${checkpoint.block} after ${last.block}`,
        })
      }
      for (const op of operations) {
        const list = byKey.get(op.key)
        if (list === undefined) byKey.set(op.key, [op])
        else list.push(op)
      }
      checkpoints = [...checkpoints, checkpoint].slice(-KEPT_CHECKPOINTS)
    },
    async rewind(block) {
      if (block === undefined) {
        byKey.clear()
        checkpoints = []
        return
      }
      const limit = positionOf(block + 1n, 0)
      for (const [key, list] of byKey) {
        const kept = list.filter((op) => op.position < limit)
        if (kept.length === 0) byKey.delete(key)
        else byKey.set(key, kept)
      }
      checkpoints = checkpoints.filter((c) => c.block <= block)
    },
    async operations(key) {
      return byKey.get(key) ?? []
    },
  }
}
