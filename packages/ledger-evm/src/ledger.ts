// The EVM Ledger: did:marque operations anchored in a MarqueRegistry on any EVM chain
// (docs/ledger-evm.md).
import {
  type AnchoredOperation,
  type AppendResult,
  checkBatch,
  checkDid,
  type Ledger,
  LedgerError,
  LedgerErrorCode,
  type LedgerOperation,
  type ReadOptions,
} from '@marque/ledger'
import {
  type Address,
  BaseError,
  bytesToHex,
  ContractFunctionRevertedError,
  createPublicClient,
  getAddress,
  type Hex,
  http,
  isAddress,
  type LocalAccount,
  sha256,
  type Transport,
  toEventSelector,
} from 'viem'
import { registryAbi, registryDeployedBytecode } from './artifacts/registry.js'
import { type BatchRecord, encodeBatch } from './batch.js'
import { type BatchParameters, createBatcher, type Job } from './batcher.js'
import { DIGEST_LENGTH, didKey, LOCATOR_LENGTH } from './did-key.js'
import { invalidParameter } from './errors.js'
import type { EvmIndex } from './index-sync.js'
import { positionOf } from './position.js'
import { type ReadContext, readAnchored } from './read.js'
import { describe, type RetryParameters, retryPolicy, withRetry } from './rpc.js'
import { createSealing, type Sealing } from './seal.js'
import { anchorCalldata, createSender, type FeeParameters, type GasParameters, type Sent } from './send.js'

/** The parameters of {@link createEvmLedger}. */
export interface CreateEvmLedgerParameters {
  /** The node's JSON-RPC URL (http or https). Give this or `transport`. */
  rpcUrl?: string
  /** A viem transport, for full control (websocket, fallback, custom retries). */
  transport?: Transport
  /** The MarqueRegistry's address. */
  address: Address
  /** The did:marque network this ledger anchors. Default `default`. */
  network?: string
  /** Signs anchor transactions (and pays their gas). Without it the ledger only reads. */
  account?: LocalAccount
  /**
   * Blocks on top of an operation's block (itself included) before it counts: `append`
   * resolves, and `read` returns it, only then. Default 1 (the latest block). Pick what
   * your chain needs to make a reorg that deep unlikely.
   */
  confirmations?: number
  /** How appends are gathered into transactions. */
  batch?: BatchParameters
  /** Fees of anchor transactions: fixed values, or a function asked before each send. */
  fees?: FeeParameters | (() => Promise<FeeParameters>)
  /** Gas limits of anchor transactions. */
  gas?: GasParameters
  /** Resolution through RPC endpoints that limit what they serve. */
  read?: ReadParameters
  /** Retries with exponential backoff of every node call. */
  retry?: RetryParameters
  /** How often to poll the node while waiting for a transaction, in ms. Default 1000. */
  pollingIntervalMs?: number
  /** How long `append` waits for its confirmations before it rejects, in ms. Default 300 000. */
  timeoutMs?: number
  /**
   * Check that the code at `address` is this package's registry, byte for byte. Default
   * true; turn off only for a registry built otherwise.
   */
  verifyRegistry?: boolean
  /** Answer reads from a local index (see `createEvmIndex`) instead of the node. */
  index?: EvmIndex
}

/** How reads go through RPC endpoints that limit what they serve (docs/ledger-evm.md, "Reading"). */
export interface ReadParameters {
  /**
   * The widest block range the node serves in one eth_getLogs (public endpoints often
   * allow 500 to 10 000). Nearby blocks are asked together up to this width. Default 1000;
   * lowered to single blocks, for the ledger's lifetime, when the node refuses a range.
   */
  maxBlockRange?: number
  /** Entries of each block list the first call returns. Default 256. */
  lookupLimit?: number
}

/** A Ledger on an EVM chain, with what only a chain needs besides. */
export interface EvmLedger extends Ledger, Sealing {
  /** The chain's id (EIP-155), as the node gave it when the ledger connected. */
  readonly chainId: number
  /** The registry's address, checksummed (EIP-55). */
  readonly address: Address
  /** The account that signs anchor transactions, if any. */
  readonly account: Address | undefined
  /** The registry key `did` is filed under (docs/ledger-evm.md, "DID keys"). */
  keyOf(did: string): Hex
}

const ANCHORED_TOPIC = toEventSelector('Anchored(bytes32,bytes)')

interface AppendJob extends Job {
  readonly records: BatchRecord[]
  readonly resolve: (result: AppendResult) => void
}

/**
 * Connects to a MarqueRegistry: reads the chain id and checks the registry's code (one
 * round trip), then returns the ledger.
 * @throws LedgerError `LEDGER_INVALID_PARAMETER` for a bad parameter, `LEDGER_UNAVAILABLE`
 *   when the node does not answer, `LEDGER_CORRUPT` when `address` holds no registry.
 */
export async function createEvmLedger(parameters: CreateEvmLedgerParameters): Promise<EvmLedger> {
  const { account, index } = parameters
  if (parameters.address === undefined || !isAddress(parameters.address, { strict: false })) {
    throw invalidParameter('address must be the registry address (0x and 40 hex digits)')
  }
  const address = getAddress(parameters.address)
  const network = parameters.network ?? 'default'
  if (typeof network !== 'string' || !/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/.test(network)) {
    throw invalidParameter(
      'network must be 1 to 32 of a-z, 0-9 and inner "-"',
      `got ${String(network).slice(0, 40)}`,
    )
  }
  const confirmations = positiveInteger(parameters.confirmations ?? 1, 'confirmations')
  const batchLimits = {
    maxOperations: positiveInteger(parameters.batch?.maxOperations ?? 1000, 'batch.maxOperations'),
    maxBytes: positiveInteger(parameters.batch?.maxBytes ?? 120_000, 'batch.maxBytes'),
    waitMs: nonNegative(parameters.batch?.waitMs ?? 200, 'batch.waitMs'),
  }
  const pollingIntervalMs = positiveInteger(parameters.pollingIntervalMs ?? 1000, 'pollingIntervalMs')
  const timeoutMs = positiveInteger(parameters.timeoutMs ?? 300_000, 'timeoutMs')
  const retry = retryPolicy(parameters.retry)
  const fees = parameters.fees ?? {}
  const gasMultiplier = parameters.gas?.multiplier ?? 1.25
  const maxGas = parameters.gas?.max ?? 15_000_000n
  if (!(gasMultiplier >= 1 && gasMultiplier <= 10))
    throw invalidParameter('gas.multiplier must be from 1 to 10')
  if (typeof maxGas !== 'bigint' || maxGas < 100_000n)
    throw invalidParameter('gas.max must be a bigint of at least 100000')
  const client = createPublicClient({
    transport: transportOf(parameters),
    pollingInterval: pollingIntervalMs,
  })

  const [chainId, code] = await Promise.all([
    withRetry('eth_chainId', () => client.getChainId(), retry),
    parameters.verifyRegistry === false
      ? Promise.resolve(undefined)
      : withRetry('eth_getCode', () => client.getCode({ address }), retry),
  ])
  if (parameters.verifyRegistry !== false && code?.toLowerCase() !== registryDeployedBytecode.toLowerCase()) {
    throw new LedgerError(LedgerErrorCode.Corrupt, `no MarqueRegistry at ${address} on chain ${chainId}`, {
      details:
        code === undefined || code === '0x'
          ? 'the address holds no code'
          : 'the code differs from this package’s registry',
      hint: 'check the address and the chain; deploy one with deployRegistry()',
    })
  }
  const domain = `eip155:${chainId}:${address.toLowerCase()}`
  const readContext: ReadContext = {
    client,
    address,
    retry,
    lookupLimit: positiveInteger(parameters.read?.lookupLimit ?? 256, 'read.lookupLimit'),
    maxBlockRange: positiveInteger(parameters.read?.maxBlockRange ?? 1000, 'read.maxBlockRange'),
    confirmations,
    logTimestamps: undefined,
  }
  const sender =
    account === undefined
      ? undefined
      : createSender({
          client,
          account,
          address,
          chainId,
          fees,
          confirmations,
          pollingIntervalMs,
          timeoutMs,
          retry,
        })

  const estimate = (data: Hex) =>
    withRetry(
      'eth_estimateGas',
      () =>
        client.estimateContractGas({
          address,
          abi: registryAbi,
          functionName: 'anchor',
          args: [data],
          account: account!,
        }),
      retry,
      undefined,
      isRevert,
    )

  const resolveJobs = (jobs: AppendJob[], sent: Sent) => {
    const logs = sent.receipt.logs.filter(
      (log) => log.address.toLowerCase() === address.toLowerCase() && log.topics[0] === ANCHORED_TOPIC,
    )
    const total = jobs.reduce((n, j) => n + j.records.length, 0)
    if (logs.length !== total) {
      throw new LedgerError(
        LedgerErrorCode.Corrupt,
        'the registry did not log every operation of the batch',
        {
          details: `transaction ${sent.hash}: ${logs.length} logs for ${total} operations`,
        },
      )
    }
    let i = 0
    for (const job of jobs) {
      const positions = job.records.map(() => positionOf(sent.blockNumber, logs[i++]!.logIndex!))
      job.resolve({ anchorId: sent.hash, time: sent.time, positions })
    }
  }

  const dispatch = async (jobs: AppendJob[]): Promise<void> => {
    const data = bytesToHex(encodeBatch(jobs.flatMap((j) => j.records)))
    let gas: bigint
    try {
      gas = await estimate(data)
    } catch (error) {
      // One append's refusal must not fail the others that share its transaction.
      if (jobs.length > 1 && isRevert(error)) return void (await Promise.all(jobs.map((j) => settle(j))))
      throw refusal(error, jobs)
    }
    if (gas > maxGas) {
      if (jobs.length === 1) {
        throw new LedgerError(
          LedgerErrorCode.BatchTooLarge,
          'the batch needs more gas than one transaction may use',
          {
            details: `estimated ${gas} gas, gas.max is ${maxGas}`,
            hint: 'append fewer operations at once',
          },
        )
      }
      const half = Math.ceil(jobs.length / 2)
      await Promise.all([settleAll(jobs.slice(0, half)), settleAll(jobs.slice(half))])
      return
    }
    const limit = (gas * BigInt(Math.round(gasMultiplier * 1000))) / 1000n
    resolveJobs(jobs, await sender!.send(anchorCalldata(data), limit < maxGas ? limit : maxGas))
  }
  const settleAll = (jobs: AppendJob[]) =>
    dispatch(jobs).catch((error: unknown) => {
      for (const job of jobs) job.reject(error)
    })
  const settle = (job: AppendJob) => settleAll([job])
  const batcher = createBatcher<AppendJob>(batchLimits, dispatch)

  let closed = false
  const open = () => {
    if (closed) throw new LedgerError(LedgerErrorCode.Closed, 'the ledger is closed')
  }
  const writable = () => {
    if (sender === undefined) {
      throw invalidParameter(
        'this ledger has no account to sign with',
        undefined,
        'pass `account` to createEvmLedger',
      )
    }
    return sender
  }
  const keyOf = (did: string) => didKey(checkDid(did), network).key

  const sealing = createSealing({
    client,
    address,
    chainId,
    retry,
    keyOf,
    sender: () => writable(),
    account,
  })

  return {
    network,
    domain,
    chainId,
    address,
    account: account?.address,
    keyOf,
    // After close, sealing throws LEDGER_CLOSED like every other call.
    async seal(parameters) {
      open()
      return sealing.seal(parameters)
    },
    async setSealer(parameters) {
      open()
      return sealing.setSealer(parameters)
    },
    async sealerOf(did) {
      open()
      return sealing.sealerOf(did)
    },
    async append(operations: readonly LedgerOperation[]): Promise<AppendResult> {
      open()
      // A copy, each field read once: what is checked is what is anchored.
      const checked = checkBatch(operations)
      writable()
      const records = checked.map((op) => toRecord(op, network))
      const bytes = encodeBatch(records).length
      if (bytes > batchLimits.maxBytes) {
        throw new LedgerError(
          LedgerErrorCode.BatchTooLarge,
          'the batch is larger than one transaction may carry',
          {
            details: `${bytes} bytes packed, batch.maxBytes is ${batchLimits.maxBytes}`,
            hint: 'append fewer operations at once, or raise batch.maxBytes if your chain takes larger transactions',
          },
        )
      }
      return new Promise<AppendResult>((resolve, reject) => {
        batcher.add({ records, operations: records.length, bytes, resolve, reject })
      })
    },
    async read(did: string, options: ReadOptions = {}): Promise<AnchoredOperation[]> {
      open()
      options.signal?.throwIfAborted()
      const { key } = didKey(checkDid(did), network)
      if (index !== undefined) return index.read(did, key, options.signal)
      return readAnchored(readContext, did, key, options.signal)
    },
    async close() {
      if (closed) return
      closed = true
      // Appends already accepted are sent and awaited: they were promised.
      await batcher.drain()
    },
  }
}

/**
 * The record of one operation: a genesis record when the operation hashes to the digest
 * in its did:marque DID (the registry files it under the DID's locator, one storage write
 * per batch), a keyed record otherwise. No operation is parsed: the hash alone tells.
 */
export function toRecord(op: LedgerOperation, network: string): BatchRecord {
  const { key, id } = didKey(op.did, network)
  if (id !== undefined) {
    const digest = sha256(op.bytes, 'bytes')
    let genesis = true
    for (let i = 0; i < DIGEST_LENGTH; i++) genesis &&= digest[i] === id[LOCATOR_LENGTH + i]
    if (genesis) return { kind: 'genesis', locator: id.slice(0, LOCATOR_LENGTH), bytes: op.bytes.slice() }
  }
  return { kind: 'keyed', key, bytes: op.bytes.slice() }
}

/** The key the registry files a record under (for a genesis, computed as the registry does). */
function recordKey(record: BatchRecord): string {
  if (record.kind === 'keyed') return record.key.toLowerCase()
  const key = new Uint8Array(32)
  key.set(record.locator)
  key.set(sha256(record.bytes, 'bytes').subarray(0, DIGEST_LENGTH), LOCATOR_LENGTH)
  return bytesToHex(key)
}

function transportOf(parameters: CreateEvmLedgerParameters): Transport {
  if (parameters.transport !== undefined) return parameters.transport
  const url = parameters.rpcUrl
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
    throw invalidParameter('give rpcUrl (http or https) or a viem transport')
  }
  // Retries are this package's (see rpc.ts), so the transport makes one try.
  return http(url, { retryCount: 0, timeout: 10_000 })
}

function isRevert(error: unknown): boolean {
  return error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError) !== null
}

/** A revert of the registry, as the error an append rejects with. */
function refusal(error: unknown, jobs: readonly AppendJob[]): unknown {
  if (!(error instanceof BaseError)) return error
  const revert = error.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null
  if (revert === null) return error
  const name = revert.data?.errorName
  if (name === 'DidSealed') {
    const key = String(revert.data?.args?.[0]).toLowerCase()
    const i = jobs.flatMap((j) => j.records).findIndex((r) => recordKey(r) === key)
    return new LedgerError(
      LedgerErrorCode.InvalidOperation,
      'the DID is sealed: the registry takes no more operations for it',
      {
        details: `registry key ${key}${i >= 0 ? ` (operation ${i})` : ''}`,
        hint: 'a sealed DID is deactivated for good; drop its operations from the batch',
      },
    )
  }
  return new LedgerError(LedgerErrorCode.InvalidOperation, 'the registry refused the batch', {
    details: describe(error),
  })
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw invalidParameter(`${name} must be a positive integer`)
  return value
}

function nonNegative(value: number, name: string): number {
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
    throw invalidParameter(`${name} must be a non-negative number`)
  }
  return value
}
