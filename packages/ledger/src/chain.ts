/**
 * The hash chain that makes a stored ledger tamper-evident (docs/ledger.md, "Hash chain").
 * Version 1, byte for byte:
 *
 *   genesis  = SHA-256("marque-ledger/v1/genesis" 0x00 ‖ u32(len domain) ‖ domain)
 *   entry(n) = SHA-256("marque-ledger/v1/entry" 0x00 ‖ prev ‖ u64(position) ‖ u64(time)
 *                      ‖ u32(len anchorId) ‖ anchorId ‖ u32(len did) ‖ did ‖ u32(len bytes) ‖ bytes)
 *
 * where `prev` is the previous entry's hash (the genesis hash for position 1), integers are
 * big-endian, and strings UTF-8. The tags keep a chain hash from ever equalling another
 * SHA-256 use; the version in them lets a later format coexist. The genesis binds the chain
 * to its ledger's domain, so entries copied from another ledger do not verify.
 * Portable: no Node.js built-in.
 */
import { sha256, utf8 } from '@marque/crypto'

/** The chain format this module computes. */
export const CHAIN_VERSION = 1
/** Every chain hash is a SHA-256 digest. */
export const CHAIN_HASH_LENGTH = 32

const GENESIS_TAG = /* @__PURE__ */ utf8('marque-ledger/v1/genesis\0')
const ENTRY_TAG = /* @__PURE__ */ utf8('marque-ledger/v1/entry\0')

/** The fields of one anchored entry that its hash covers. */
export interface ChainEntry {
  /** Its position in ledger order, 1 for the first entry; hashed as a u64. */
  readonly position: number
  /** Its anchor time, whole seconds since the Unix epoch; hashed as a u64. */
  readonly time: number
  /** The anchor that carried it (`sqlite:<batch>` in the SQLite ledger); hashed as UTF-8. */
  readonly anchorId: string
  /** The DID the operation belongs to, in full; hashed as UTF-8. */
  readonly did: string
  /** The operation's bytes, exactly as anchored. */
  readonly bytes: Uint8Array
}

/** The hash that precedes position 1 of the ledger named `domain`. */
export function genesisHash(domain: string): Uint8Array {
  const d = utf8(domain)
  const out = new Uint8Array(GENESIS_TAG.length + 4 + d.length)
  out.set(GENESIS_TAG)
  new DataView(out.buffer).setUint32(GENESIS_TAG.length, d.length)
  out.set(d, GENESIS_TAG.length + 4)
  return sha256(out)
}

/**
 * The hash of `entry` chained after `prev`.
 * @throws RangeError when `prev` is not 32 bytes or `position`/`time` is not a safe
 *   non-negative integer (a caller bug: the ledger never stores such values).
 */
export function entryHash(prev: Uint8Array, entry: ChainEntry): Uint8Array {
  if (prev.length !== CHAIN_HASH_LENGTH) throw new RangeError('prev must be a 32-byte hash')
  const anchorId = utf8(entry.anchorId)
  const did = utf8(entry.did)
  const { bytes } = entry
  const out = new Uint8Array(ENTRY_TAG.length + 32 + 16 + 12 + anchorId.length + did.length + bytes.length)
  const view = new DataView(out.buffer)
  let at = 0
  out.set(ENTRY_TAG, at)
  at += ENTRY_TAG.length
  out.set(prev, at)
  at += 32
  setUint64(view, at, entry.position, 'position')
  setUint64(view, at + 8, entry.time, 'time')
  at += 16
  for (const field of [anchorId, did, bytes]) {
    view.setUint32(at, field.length)
    out.set(field, at + 4)
    at += 4 + field.length
  }
  return sha256(out)
}

function setUint64(view: DataView, at: number, value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a safe non-negative integer`)
  }
  // Two 32-bit halves: exact for every safe integer, and no BigInt on the hot path.
  view.setUint32(at, Math.floor(value / 2 ** 32))
  view.setUint32(at + 4, value >>> 0)
}
