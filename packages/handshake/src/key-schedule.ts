import { hkdfSha256, hmacSha256, utf8 } from '@marque/crypto'
import { HANDSHAKE_SUITE, HANDSHAKE_VERSION, PROTOCOL_LABEL } from './constants.js'

// docs/handshake.md §4. Every key comes from an HKDF-SHA-256 call (RFC 5869 §2) with the
// transcript hash of its step as salt and a label as info, so each key is bound to everything
// sent before it, and keys for different purposes never coincide. One call per message keeps
// the handshake to three HKDF calls on each side.

const EMPTY = /* @__PURE__ */ new Uint8Array(0)

/** The HKDF info of a label: ASCII `marque-handshake <version>.<suite> <label>`. */
export function labelInfo(label: string): Uint8Array {
  return utf8(`${PROTOCOL_LABEL} ${HANDSHAKE_VERSION}.${HANDSHAKE_SUITE} ${label}`)
}

/** HKDF-SHA-256(IKM = secret, salt, info = LABEL(label)) of `length` bytes. */
export function derive(secret: Uint8Array, salt: Uint8Array, label: string, length: number): Uint8Array {
  return hkdfSha256(secret, salt, labelInfo(label), length)
}

/** A ChaCha20 key and nonce. */
export interface KeyAndNonce {
  readonly key: Uint8Array
  readonly nonce: Uint8Array
}

/** The keys of one message: its sender's MAC key, and its encryption key and nonce. */
export interface StepKeys extends KeyAndNonce {
  readonly macKey: Uint8Array
}

/** K_Mn ‖ K_n ‖ N_n = HKDF(G_XY, TH_n, LABEL("step n"), 76), split 32/32/12. */
export function stepKeys(sharedSecret: Uint8Array, transcriptHash: Uint8Array, n: 2 | 3): StepKeys {
  const okm = derive(sharedSecret, transcriptHash, `step ${n}`, 76)
  return { macKey: okm.subarray(0, 32), key: okm.subarray(32, 64), nonce: okm.subarray(64, 76) }
}

/** MAC_n = HMAC-SHA-256(K_Mn, MAC_STRUCTURE_n). */
export function computeMac(keys: StepKeys, macStructure: Uint8Array): Uint8Array {
  return hmacSha256(keys.macKey, macStructure)
}

/** The secure channel's keys and IVs, one pair per direction. */
export interface ChannelKeys {
  readonly initiatorKey: Uint8Array
  readonly initiatorIv: Uint8Array
  readonly responderKey: Uint8Array
  readonly responderIv: Uint8Array
}

/** What a session keeps: PRK_out (for exporters) and the channel keys. */
export interface SessionKeys {
  readonly prkOut: Uint8Array
  readonly channel: ChannelKeys
}

/**
 * PRK_out ‖ K_I2R ‖ IV_I2R ‖ K_R2I ‖ IV_R2I = HKDF(G_XY, TH_4, LABEL("session"), 120), split
 * 32/32/12/32/12.
 */
export function sessionKeys(sharedSecret: Uint8Array, th4: Uint8Array): SessionKeys {
  const okm = derive(sharedSecret, th4, 'session', 120)
  return {
    prkOut: okm.slice(0, 32),
    channel: {
      initiatorKey: okm.slice(32, 64),
      initiatorIv: okm.slice(64, 76),
      responderKey: okm.slice(76, 108),
      responderIv: okm.slice(108, 120),
    },
  }
}

/** The next epoch's key of one channel direction (docs/handshake.md §7.3). */
export function nextEpochKey(key: Uint8Array): Uint8Array {
  return derive(key, EMPTY, 'key update', 32)
}

/** Keying material for an application, bound to the session (like TLS exporters, RFC 8446 §7.5). */
export function exportKeyingMaterial(prkOut: Uint8Array, label: string, length: number): Uint8Array {
  return derive(prkOut, EMPTY, `exporter ${label}`, length)
}
