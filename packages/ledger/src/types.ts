/**
 * The Ledger interface. A ledger only orders and timestamps: it stores each signed
 * did:marque operation as opaque bytes under its DID and gives them back in ledger order.
 * It never parses or validates them; resolvers do (docs/did-method.md, "Ordering").
 */

/** One operation to anchor. */
export interface LedgerOperation {
  /** The DID this operation belongs to, in full (`did:marque:[network:]<id>`). */
  readonly did: string
  /** The operation's bytes, exactly as signed. */
  readonly bytes: Uint8Array
}

/** An operation as the ledger anchored it. */
export interface AnchoredOperation extends LedgerOperation {
  /**
   * Where the operation stands in ledger order: a safe integer, strictly increasing across
   * the whole ledger (not only within one DID).
   */
  readonly position: number
  /**
   * When the ledger anchored it: whole seconds since the Unix epoch, the same for every
   * operation of one batch, and never smaller than an earlier position's time.
   */
  readonly time: number
  /** The anchor that carried it: a batch id (SQLite) or a transaction hash (EVM). */
  readonly anchorId: string
}

/** What {@link Ledger.append} returns once the batch is durable. */
export interface AppendResult {
  /**
   * The anchor that carried the whole batch, which each of its operations reads back as its
   * `anchorId`: `memory:<n>` or `sqlite:<n>` (the batch number), or a transaction hash (EVM).
   */
  readonly anchorId: string
  /** Whole seconds since the Unix epoch. */
  readonly time: number
  /** One position per operation, in the order given. */
  readonly positions: readonly number[]
}

/** The options of {@link Ledger.read}. */
export interface ReadOptions {
  /**
   * Cancels the read: a read whose signal is aborted rejects with `signal.reason`. A ledger
   * checks it at least before it starts; one that waits on the network also while it waits.
   */
  signal?: AbortSignal
}

/**
 * A ledger: anchors signed did:marque operations in atomic batches and gives each DID's
 * operations back in ledger order (docs/ledger.md). {@link createMemoryLedger} makes one in
 * memory; `@marque/ledger/sqlite` and `@marque/ledger-evm` hold the others. Every
 * implementation must pass the compliance suite of `@marque/ledger/compliance`.
 */
export interface Ledger {
  /** The network this ledger anchors: the DID's network segment (`default` when absent). */
  readonly network: string
  /**
   * A string that names this ledger uniquely, which every operation's signature binds
   * (for example `eip155:1:0x…` for a registry contract), so an operation signed for one
   * ledger is never valid on another.
   */
  readonly domain: string
  /**
   * Anchors a batch atomically: when the promise resolves every operation is durable, in
   * the order given; when it rejects, none is. The ledger keeps its own copy of the bytes.
   * @throws LedgerError `LEDGER_INVALID_OPERATION` (bad DID or bytes), `LEDGER_BATCH_TOO_LARGE`
   *   (empty or too many), `LEDGER_CLOSED`, `LEDGER_UNAVAILABLE`; a stored ledger also
   *   `LEDGER_TAMPERED` or `LEDGER_CORRUPT` when its store fails its checks.
   */
  append(operations: readonly LedgerOperation[]): Promise<AppendResult>
  /**
   * One DID's operations in ledger order, valid or not (the resolver decides); an empty
   * array for a DID the ledger never saw. Each `bytes` is a fresh plain `Uint8Array` the
   * caller may keep or change.
   * @throws LedgerError `LEDGER_INVALID_OPERATION` (malformed DID), `LEDGER_CLOSED`,
   *   `LEDGER_UNAVAILABLE`; a stored ledger also `LEDGER_TAMPERED` or `LEDGER_CORRUPT`.
   *   Rejects with `options.signal.reason` when the signal is aborted.
   */
  read(did: string, options?: ReadOptions): Promise<AnchoredOperation[]>
  /** Releases the ledger's resources; calling it again does nothing. Further appends and reads throw `LEDGER_CLOSED`. */
  close(): Promise<void>
}

/** The largest operation a ledger accepts, in bytes (docs/did-method.md, "Limits"). */
export const MAX_OPERATION_BYTES = 4096
/** The most operations one append may carry. */
export const MAX_BATCH_OPERATIONS = 10_000
/** The longest DID a ledger accepts. */
export const MAX_DID_LENGTH = 256
