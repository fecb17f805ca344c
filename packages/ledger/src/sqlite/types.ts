import type { Ledger } from '../types.js'

/**
 * How hard an acknowledged append holds (docs/ledger.md, "Durability"), as SQLite's
 * `PRAGMA synchronous` in WAL mode:
 * - `full` (default): the write-ahead log is synced to disk before `append` resolves, so an
 *   acknowledged batch survives a crash of the process, of the OS, or a power loss (as far
 *   as the disk honours flushes).
 * - `normal`: the log is synced only at checkpoints. An acknowledged batch survives a crash
 *   of the process, but the last batches before an OS crash or power loss may be lost
 *   (never half of one: the file stays consistent and its chain intact).
 */
export type SqliteDurability = 'full' | 'normal'

/** The parameters of {@link openSqliteLedger}. */
export interface OpenSqliteLedgerParameters {
  /** The ledger file. Created with its schema when it does not exist; its directory must. */
  path: string
  /**
   * The network served. Defaults to the one the file was created for, or `default` for a
   * new file. @throws `LEDGER_INVALID_PARAMETER` when it differs from the file's.
   */
  network?: string
  /**
   * The ledger's domain, bound into every signature and into the hash chain. Defaults to
   * the file's, or `marque:sqlite:<network>` for a new file.
   * @throws `LEDGER_INVALID_PARAMETER` when it differs from the file's.
   */
  domain?: string
  /** Milliseconds since the epoch; injectable for tests. Defaults to `Date.now`. */
  now?: () => number
  /** `full` (default) or `normal`; see {@link SqliteDurability}. */
  durability?: SqliteDurability
  /**
   * How long an append waits for another connection's write lock before it fails with
   * `LEDGER_UNAVAILABLE`, in milliseconds. Default 5000. better-sqlite3 is synchronous:
   * the wait blocks this thread.
   */
  busyTimeout?: number
  /**
   * Whether `read` checks each returned entry's hash against its predecessor's (one
   * primary-key lookup and one SHA-256 per entry). Default true.
   */
  verifyReads?: boolean
}

/** The last entry of the chain: what to record elsewhere to pin the ledger's history. */
export interface LedgerHead {
  /** The last position (the number of entries); 0 for an empty ledger. */
  readonly position: number
  /** Its entry hash, lower-case hex (the genesis hash for an empty ledger). */
  readonly hash: string
}

/** Why {@link LedgerAuditReport.firstBad} is bad. */
export type AuditProblemReason =
  /** The entry's content does not hash to its stored hash, or does not follow its predecessor: edited, inserted or moved. */
  | 'hash-mismatch'
  /** No entry at this position though later ones exist: deleted. */
  | 'missing'
  /** An entry at a position the chain cannot hold (0 or less). */
  | 'unexpected'
  /** The head records more entries than the chain holds: the tail was cut. */
  | 'truncated'
  /** Entries past the recorded head: added outside the ledger, or the head rolled back. */
  | 'beyond-head'
  /** The chain's last hash differs from the recorded head's. */
  | 'head-mismatch'
  /** The head row is gone. */
  | 'head-missing'
  /** The chain does not hold the pinned hash at the pinned position: history rewritten. */
  | 'pin-mismatch'

/** The first problem an audit found in the chain: where it is and what it is. */
export interface AuditProblem {
  /** The first position found bad. */
  readonly position: number
  /** What is wrong there; see {@link AuditProblemReason}. */
  readonly reason: AuditProblemReason
  /** What was found, in words. */
  readonly message: string
}

/** The options of {@link SqliteLedger.audit}. */
export interface AuditOptions {
  /**
   * A head recorded earlier, outside this file (see docs/ledger.md, "Pinning the head"):
   * the audit fails with `pin-mismatch` unless the chain holds exactly this hash at this
   * position. Without a pin, a file whose whole chain was recomputed passes.
   */
  pin?: LedgerHead
  /**
   * Cancels the audit: it is checked before the audit starts and then every 10,000 entries,
   * and an aborted audit rejects with `signal.reason`.
   */
  signal?: AbortSignal
}

/** What {@link SqliteLedger.audit} found. */
export interface LedgerAuditReport {
  /** True when every entry and the head check out (and the pin, when given). */
  readonly ok: boolean
  /** Entries whose hash was verified (all of them when `ok`). */
  readonly entries: number
  /** The head as recomputed from the entries verified. */
  readonly head: LedgerHead
  /** The head as recorded in the file, if present. */
  readonly recordedHead: LedgerHead | undefined
  /** The first problem found; undefined when `ok`. */
  readonly firstBad: AuditProblem | undefined
}

/** The SQLite ledger: a {@link Ledger} with an audit of its hash chain. */
export interface SqliteLedger extends Ledger {
  /** The file. */
  readonly path: string
  /** The durability it was opened with (`full` unless asked otherwise); see {@link SqliteDurability}. */
  readonly durability: SqliteDurability
  /**
   * Recomputes the whole hash chain from the file (one SHA-256 per entry) in its own read
   * snapshot, yielding to the event loop as it goes, and reports the first entry that does
   * not check out. A tampered file is a report, not a throw.
   * @throws LedgerError `LEDGER_CLOSED`, `LEDGER_CORRUPT` (the SQLite file itself is
   *   damaged), `LEDGER_UNAVAILABLE`; rejects with `options.signal.reason` when aborted.
   */
  audit(options?: AuditOptions): Promise<LedgerAuditReport>
  /**
   * The recorded head, to pin elsewhere.
   * @throws LedgerError `LEDGER_CLOSED`, `LEDGER_TAMPERED` (no head row), `LEDGER_UNAVAILABLE`.
   */
  head(): Promise<LedgerHead>
}
