import { hkdfSha256, hmacSha256, utf8 } from '@marque/crypto'
import { HANDSHAKE_SUITE, HANDSHAKE_VERSION, PROTOCOL_LABEL } from './constants.js'

// docs/handshake.md §4. Every key comes from one HKDF-SHA-256 call (RFC 5869 §2) with the
// transcript hash of its step as salt and a label as info, so each key is bound to
// everything sent before it, and keys for different purposes never coincide.

const EMPTY = /* @__PURE__ */ new Uint8Array(0)

/** The HKDF info of a label: ASCII `marque-handshake <version>.<suite> <label>`. */
export function labelInfo(label: string): Uint8Array {
  return utf8(`${PROTOCOL_LABEL} ${HANDSHAKE_VERSION}.${HANDSHAKE_SUITE} ${label}`)
}

/** HKDF-SHA-256(IKM = secret, salt, info = label) of `length` bytes. */
export function derive(secret: Uint8Array, salt: Uint8Array, label: string, length: number): Uint8Array {
  return hkdfSha256(secret, salt, labelInfo(label), length)
}

/** A ChaCha20 key and nonce. */
export interface KeyAndNonce {
  readonly key: Uint8Array
  readonly nonce: Uint8Array
}

/** The key and nonce of message 2's or 3's encryption: 44 bytes of HKDF output, split. */
export function messageKey(
  sharedSecret: Uint8Array,
  transcriptHash: Uint8Array,
  label: 'key2' | 'key3',
): KeyAndNonce {
  const okm = derive(sharedSecret, transcriptHash, label, 44)
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32, 44) }
}

/** MAC_n = HMAC-SHA-256(K_Mn, MAC_STRUCTURE_n), K_Mn from HKDF with label `mac2`/`mac3`. */
export function computeMac(
  sharedSecret: Uint8Array,
  transcriptHash: Uint8Array,
  label: 'mac2' | 'mac3',
  macStructure: Uint8Array,
): Uint8Array {
  return hmacSha256(derive(sharedSecret, transcriptHash, label, 32), macStructure)
}

/** PRK_out: the session's only long-lived secret, from the final transcript hash TH_4. */
export function sessionSecret(sharedSecret: Uint8Array, th4: Uint8Array): Uint8Array {
  return derive(sharedSecret, th4, 'out', 32)
}

/** The secure channel's keys and IVs, one pair per direction. */
export interface ChannelKeys {
  readonly initiatorKey: Uint8Array
  readonly initiatorIv: Uint8Array
  readonly responderKey: Uint8Array
  readonly responderIv: Uint8Array
}

/** Channel keys: HKDF(IKM = PRK_out, salt = empty, info = `channel`), 88 bytes split 32/12/32/12. */
export function channelKeys(prkOut: Uint8Array): ChannelKeys {
  const okm = derive(prkOut, EMPTY, 'channel', 88)
  return {
    initiatorKey: okm.slice(0, 32),
    initiatorIv: okm.slice(32, 44),
    responderKey: okm.slice(44, 76),
    responderIv: okm.slice(76, 88),
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
