import { fromHex } from './bytes.js'

/**
 * Encoding checks for Curve25519 points, shared by Ed25519 and X25519. Both compare the
 * 255-bit coordinate with the top bit cleared (RFC 8032 §5.1.3 keeps the sign of x there;
 * RFC 7748 §5 says to ignore it).
 */

/** True when the little-endian 255-bit value in `bytes` (top bit ignored) is at least p = 2^255 - 19. */
export function isNonCanonicalFieldElement(bytes: Uint8Array): boolean {
  if ((bytes[31]! & 0x7f) !== 0x7f) return false
  for (let i = 30; i >= 1; i--) if (bytes[i] !== 0xff) return false
  return bytes[0]! >= 0xed
}

function masked(hex: string): string {
  const b = fromHex(hex)
  b[31]! &= 0x7f
  return String.fromCharCode(...b)
}

function key(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < 31; i++) s += String.fromCharCode(bytes[i]!)
  return s + String.fromCharCode(bytes[31]! & 0x7f)
}

let edSmallOrder: Set<string> | undefined
/**
 * The y-coordinates of the eight Ed25519 points of small order (1, 2, 4 and 8). A point is
 * of small order exactly when its y is one of these, whatever the sign bit says; see
 * "Taming the many EdDSAs" (Chalkias et al., 2020), Table 6.
 */
export function isSmallOrderEd25519(bytes: Uint8Array): boolean {
  edSmallOrder ??= new Set(
    [
      '0100000000000000000000000000000000000000000000000000000000000000', // order 1 (identity)
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2
      '0000000000000000000000000000000000000000000000000000000000000000', // order 4
      '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
    ].map(masked),
  )
  return edSmallOrder.has(key(bytes))
}

let xLowOrder: Set<string> | undefined
/**
 * The u-coordinates of X25519 points of low order (and their non-canonical aliases below
 * 2^255), as listed at https://cr.yp.to/ecdh.html#validate. A shared secret computed with
 * any of them is all zero whatever the secret key.
 */
export function isLowOrderX25519(bytes: Uint8Array): boolean {
  xLowOrder ??= new Set(
    [
      '0000000000000000000000000000000000000000000000000000000000000000', // 0
      '0100000000000000000000000000000000000000000000000000000000000000', // 1
      'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
      '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p - 1
      'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p (= 0)
      'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1 (= 1)
    ].map(masked),
  )
  return xLowOrder.has(key(bytes))
}
