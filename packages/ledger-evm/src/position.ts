// Ledger positions on an EVM chain (docs/ledger-evm.md, "Positions").

/** Bits of a position below the block number: the log's index in its block. */
export const LOG_INDEX_BITS = 20
const LOG_INDEX_LIMIT = 2 ** LOG_INDEX_BITS
/** The largest block number a position can carry (2^33 − 1). */
export const MAX_POSITION_BLOCK = Math.floor(Number.MAX_SAFE_INTEGER / LOG_INDEX_LIMIT)

/**
 * The position of the log at `logIndex` in block `blockNumber`: blockNumber × 2^20 +
 * logIndex. Strictly increasing in chain order, and a safe integer until block 2^33
 * (about 8.6 billion blocks) with up to 2^20 logs a block.
 * @throws RangeError when either is out of range (a chain this encoding cannot number).
 */
export function positionOf(blockNumber: bigint | number, logIndex: number): number {
  const block = Number(blockNumber)
  if (!Number.isSafeInteger(block) || block < 0 || block > MAX_POSITION_BLOCK) {
    throw new RangeError(`block ${blockNumber} is beyond what a position can number`)
  }
  if (!Number.isSafeInteger(logIndex) || logIndex < 0 || logIndex >= LOG_INDEX_LIMIT) {
    throw new RangeError(`log index ${logIndex} is beyond what a position can number`)
  }
  return block * LOG_INDEX_LIMIT + logIndex
}

/** The block number and log index a position stands for. */
export function fromPosition(position: number): {
  /** The number of the block that holds the log. */
  blockNumber: number
  /** The log's index in that block. */
  logIndex: number
} {
  return { blockNumber: Math.floor(position / LOG_INDEX_LIMIT), logIndex: position % LOG_INDEX_LIMIT }
}
