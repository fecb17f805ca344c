import { Point } from '@noble/ed25519'

/**
 * Encoding checks for Curve25519 points, shared by Ed25519 and X25519. Both compare the
 * 255-bit coordinate with the top bit cleared (RFC 8032 §5.1.3 keeps the sign of x there;
 * RFC 7748 §5 says to ignore it). They run before any backend sees a key, so every backend
 * applies the same rules (docs/crypto.md, "Verification rules").
 */

/** True when the little-endian 255-bit value in `bytes` (top bit ignored) is at least p = 2^255 - 19. */
export function isNonCanonicalFieldElement(bytes: Uint8Array): boolean {
  if ((bytes[31]! & 0x7f) !== 0x7f) return false
  for (let i = 30; i >= 1; i--) if (bytes[i] !== 0xff) return false
  return bytes[0]! >= 0xed
}

/** Little-endian bytes from hex, written out by hand so nothing runs at import time. */
function le(hex: string): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** True when `bytes`, with the top bit of the last byte ignored, equals one of `table`. */
function matchesMasked(bytes: Uint8Array, table: readonly Uint8Array[]): boolean {
  next: for (const t of table) {
    if (bytes[0] !== t[0] || (bytes[31]! & 0x7f) !== t[31]) continue
    for (let i = 1; i < 31; i++) if (bytes[i] !== t[i]) continue next
    return true
  }
  return false
}

let edSmallOrder: Uint8Array[] | undefined
/**
 * True when `bytes` encodes one of the eight Ed25519 points of small order (orders 1, 2, 4
 * and 8), in any encoding below 2^255: a point is of small order exactly when its y is one
 * of these five values, whatever the sign bit says ("Taming the many EdDSAs", Chalkias et
 * al., 2020, §3; the list in test/vectors/small-order.ts derives each one).
 */
export function isSmallOrderEd25519(bytes: Uint8Array): boolean {
  edSmallOrder ??= [
    '0100000000000000000000000000000000000000000000000000000000000000', // y = 1: order 1 (identity)
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = -1: order 2
    '0000000000000000000000000000000000000000000000000000000000000000', // y = 0: order 4
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  ].map(le)
  return matchesMasked(bytes, edSmallOrder)
}

let xLowOrder: Uint8Array[] | undefined
/**
 * True when `bytes` is the u-coordinate of an X25519 point of low order, or a non-canonical
 * alias of one below 2^255 (https://cr.yp.to/ecdh.html#validate). With the top bit ignored,
 * as RFC 7748 §5 requires, these seven values are all the inputs for which the shared
 * secret is all zero whatever the secret key (docs/crypto.md explains why).
 */
export function isLowOrderX25519(bytes: Uint8Array): boolean {
  xLowOrder ??= [
    '0000000000000000000000000000000000000000000000000000000000000000', // 0: order 2 (and 4 on the twist)
    '0100000000000000000000000000000000000000000000000000000000000000', // 1: order 4
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p - 1: order 4 on the twist
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p, an alias of 0
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1, an alias of 1
  ].map(le)
  return matchesMasked(bytes, xLowOrder)
}

/**
 * True when `bytes` decodes to a point on edwards25519 under RFC 8032 §5.1.3 (y < p, x
 * recoverable, no negative zero). Costs a square root, so only key import runs it; verify
 * leaves it to the backend, which fails the same way for a point that does not decode.
 */
export function isEd25519Point(bytes: Uint8Array): boolean {
  try {
    Point.fromBytes(bytes, false)
    return true
  } catch {
    return false
  }
}
