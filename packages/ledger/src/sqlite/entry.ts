/** One row of the `entries` table, and the hash it must carry (src/chain.ts). */
import { entryHash } from '../chain.js'

export interface EntryRow {
  position: number
  batch: number
  time: number
  did: string
  bytes: Uint8Array
  hash: Uint8Array
}

/** The row's entry hash after `prev`; undefined when a field is out of range (time below 0, ...). */
export function hashRow(
  prev: Uint8Array,
  row: Pick<EntryRow, 'position' | 'batch' | 'time' | 'did' | 'bytes'>,
): Uint8Array | undefined {
  try {
    return entryHash(prev, {
      position: row.position,
      time: row.time,
      anchorId: anchorIdOf(row.batch),
      did: row.did,
      bytes: row.bytes,
    })
  } catch (error) {
    if (error instanceof RangeError) return undefined
    throw error
  }
}

/** The anchor id of the SQLite ledger's batch number `batch`. */
export function anchorIdOf(batch: number): string {
  return `sqlite:${batch}`
}
