// RFC 7748 "Elliptic Curves for Security", copied from the RFC text
// (https://www.rfc-editor.org/rfc/rfc7748). Little-endian hex, as the RFC prints it.

/** §5.2: two single X25519 scalar multiplications. The second u has its top bit set (ignored). */
export const RFC7748_SCALAR_MULT = [
  {
    scalar: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
    u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
    output: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
  },
  {
    scalar: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
    u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
    output: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
  },
] as const

/**
 * §5.2: the iterated test. k and u start as 9 (the base point); each round computes
 * r = X25519(k, u), then u = k and k = r. The RFC also gives k after 1,000,000 rounds; that
 * takes minutes in the portable backend, so it is not run.
 */
export const RFC7748_ITERATED = {
  start: '0900000000000000000000000000000000000000000000000000000000000000',
  after1: '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079',
  after1000: '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51',
} as const

/** §6.1: Diffie-Hellman between Alice and Bob. */
export const RFC7748_DH = {
  alicePrivate: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  bobPrivate: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
  bobPublic: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
  shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
} as const
