// Points of small order on the two curves, with their non-canonical aliases.
//
// Ed25519: the torsion subgroup of edwards25519 has eight points (orders 1, 2, 4, 8): the
// multiples i·T of the order-8 point T = c7176a…037a for i = 0..7, in that order below.
// Besides their canonical encodings, six other strings decode to them in lenient decoders:
// x = 0 with the sign bit set (y = 1 and y = -1), and y + p for y = 0 and y = 1, each with
// either sign bit ("eight plus six alternative encodings": C2SP CCTV, ed25519/README.md,
// https://github.com/C2SP/CCTV/tree/main/ed25519; "Taming the many EdDSAs", §3).
// test/compliance.ts checks with point arithmetic that each has the stated order.
//
// X25519: u-coordinates of points of order 1, 2, 4 or 8 on the curve or its twist, and
// their aliases below 2^255 (https://cr.yp.to/ecdh.html#validate). The top bit is ignored
// (RFC 7748 §5), so each is listed with and without it: fourteen encodings.

/** i·T for i = 0..7: canonical encodings of the eight small-order points. */
export const ED25519_SMALL_ORDER = [
  '0100000000000000000000000000000000000000000000000000000000000000', // 0·T: identity, order 1
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // 1·T: order 8
  '0000000000000000000000000000000000000000000000000000000000000080', // 2·T: order 4
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // 3·T: order 8
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // 4·T: order 2
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // 5·T: order 8
  '0000000000000000000000000000000000000000000000000000000000000000', // 6·T: order 4
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // 7·T: order 8
] as const

/** Non-canonical encodings of small-order points. */
export const ED25519_SMALL_ORDER_NON_CANONICAL = [
  '0100000000000000000000000000000000000000000000000000000000000080', // y = 1, x = -0
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // y = -1, x = -0
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p (≡ 0)
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // y = p (≡ 0), sign bit set
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1 (≡ 1)
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // y = p + 1 (≡ 1), sign bit set
] as const

/** X25519 low-order u-coordinates (canonical and aliases below 2^255), top bit clear. */
export const X25519_LOW_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000', // 0
  '0100000000000000000000000000000000000000000000000000000000000000', // 1
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p - 1
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1
] as const

/** The same seven with the ignored top bit set. */
export const X25519_LOW_ORDER_TOP_BIT = X25519_LOW_ORDER.map((hex) => {
  const last = Number.parseInt(hex.slice(62), 16) | 0x80
  return hex.slice(0, 62) + last.toString(16)
})
