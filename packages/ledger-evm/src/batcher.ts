// Gathers appends into transactions by size and time (docs/ledger-evm.md, "Batching"). An
// append is never split: all of its operations go in one transaction, so it stays atomic.

/** How {@link createEvmLedger} gathers appends into transactions (docs/ledger-evm.md, "Writing"). */
export interface BatchParameters {
  /** Send once this many operations wait. Default 1000. */
  maxOperations?: number
  /**
   * The most calldata one transaction carries, in bytes of packed batch. An append larger
   * than this alone is refused. Default 120 000, under the 128 KiB most public mempools
   * accept (geth's txpool limit).
   */
  maxBytes?: number
  /** How long the first waiting append may wait for others to join it, in ms. Default 200. */
  waitMs?: number
}

/** One append: what the batcher needs to know of it. */
export interface Job {
  readonly operations: number
  readonly bytes: number
  readonly reject: (error: unknown) => void
}

export interface Batcher<J extends Job> {
  add(job: J): void
  /** Sends every waiting job now. */
  flush(): void
  /** Settles once every job added so far has settled. */
  drain(): Promise<void>
}

/**
 * Calls `dispatch` with groups of whole jobs: as many as fit `maxOperations` and `maxBytes`,
 * once either is reached or `waitMs` after the first job of a group arrived.
 */
export function createBatcher<J extends Job>(
  limits: Readonly<Required<BatchParameters>>,
  dispatch: (jobs: J[]) => Promise<void>,
): Batcher<J> {
  const waiting: J[] = []
  let operations = 0
  let bytes = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const inflight = new Set<Promise<void>>()

  const take = () => {
    const group: J[] = []
    let ops = 0
    let size = 0
    while (waiting.length > 0) {
      const next = waiting[0]!
      if (
        group.length > 0 &&
        (ops + next.operations > limits.maxOperations || size + next.bytes > limits.maxBytes)
      ) {
        break
      }
      group.push(next)
      waiting.shift()
      ops += next.operations
      size += next.bytes
    }
    operations -= ops
    bytes -= size
    return group
  }

  const send = (group: J[]) => {
    const run = dispatch(group).catch((error: unknown) => {
      for (const job of group) job.reject(error)
    })
    inflight.add(run)
    void run.finally(() => inflight.delete(run))
  }

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    while (waiting.length > 0) send(take())
  }

  return {
    add(job) {
      waiting.push(job)
      operations += job.operations
      bytes += job.bytes
      while (operations >= limits.maxOperations || bytes >= limits.maxBytes) {
        const group = take()
        send(group)
        if (waiting.length === 0) break
      }
      if (waiting.length === 0) {
        if (timer !== undefined) clearTimeout(timer)
        timer = undefined
      } else if (timer === undefined) {
        timer = setTimeout(flush, limits.waitMs)
      }
    },
    flush,
    async drain() {
      flush()
      while (inflight.size > 0) await Promise.allSettled([...inflight])
    },
  }
}
