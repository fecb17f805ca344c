import { LedgerError, LedgerErrorCode } from './errors.js'
import type { AnchoredOperation, AppendResult, Ledger, LedgerOperation, ReadOptions } from './types.js'
import { checkBatch, checkDid } from './validate.js'

/** The parameters of {@link createMemoryLedger}. */
export interface CreateMemoryLedgerParameters {
  /** The network served; `default` when omitted. */
  network?: string
  /** Defaults to `marque:memory:<network>`. */
  domain?: string
  /** Milliseconds since the epoch; injectable for tests. Defaults to `Date.now`. */
  now?: () => number
}

/** A ledger in memory, for tests and examples. Nothing survives the process. */
export function createMemoryLedger(parameters: CreateMemoryLedgerParameters = {}): Ledger {
  const network = parameters.network ?? 'default'
  const domain = parameters.domain ?? `marque:memory:${network}`
  const now = parameters.now ?? Date.now
  const byDid = new Map<string, AnchoredOperation[]>()
  let position = 0
  let batch = 0
  // Time never goes back in ledger order, even when the clock does (docs/ledger.md, "Time").
  let lastTime = 0
  let closed = false
  const open = () => {
    if (closed) throw new LedgerError(LedgerErrorCode.Closed, 'the ledger is closed')
  }
  return {
    network,
    domain,
    async append(operations: readonly LedgerOperation[]): Promise<AppendResult> {
      open()
      const batchOps = checkBatch(operations)
      const time = Math.max(lastTime, Math.floor(now() / 1000))
      lastTime = time
      const anchorId = `memory:${++batch}`
      const positions: number[] = []
      for (const op of batchOps) {
        const anchored: AnchoredOperation = {
          did: op.did,
          bytes: op.bytes,
          position: ++position,
          time,
          anchorId,
        }
        const list = byDid.get(op.did)
        if (list === undefined) byDid.set(op.did, [anchored])
        else list.push(anchored)
        positions.push(anchored.position)
      }
      return { anchorId, time, positions }
    },
    async read(did: string, options: ReadOptions = {}): Promise<AnchoredOperation[]> {
      open()
      options.signal?.throwIfAborted()
      checkDid(did)
      return (byDid.get(did) ?? []).map((op) => ({ ...op, bytes: new Uint8Array(op.bytes) }))
    },
    async close() {
      closed = true
    },
  }
}
