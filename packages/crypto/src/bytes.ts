import { CryptoError, CryptoErrorCode } from './errors.js'

/**
 * Checks that `value` is a Uint8Array (of `length` bytes when given) and returns it, so the
 * check sits inline: `sig = bytesOf(sig, 64, 'signature')`.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a Uint8Array,
 *   `CRYPTO_INVALID_LENGTH` when the length differs.
 */
export function bytesOf(value: unknown, length: number | undefined, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new CryptoError(CryptoErrorCode.InvalidType, `${name} must be a Uint8Array`, {
      details: `got ${describe(value)}`,
    })
  }
  if (length !== undefined && value.length !== length) {
    throw new CryptoError(CryptoErrorCode.InvalidLength, `${name} must be ${length} bytes`, {
      details: `got ${value.length} bytes`,
    })
  }
  return value
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'no prototype'})`
  return `a ${typeof value}`
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/**
 * Compares two byte arrays in time that depends only on their lengths, never on where they
 * differ. Use it for MACs, tags and any secret-derived value.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when either is not a Uint8Array.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  bytesOf(a, undefined, 'a')
  bytesOf(b, undefined, 'b')
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += HEX[b]
  return s
}

/**
 * Parses lower- or upper-case hex.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a string or not hex,
 *   `CRYPTO_INVALID_LENGTH` when of odd length.
 */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new CryptoError(CryptoErrorCode.InvalidType, 'hex must be a string')
  if (hex.length % 2 !== 0) {
    throw new CryptoError(CryptoErrorCode.InvalidLength, 'hex must have an even number of digits', {
      details: `got ${hex.length} digits`,
    })
  }
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const byte = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
    if (Number.isNaN(byte) || !/^[0-9a-fA-F]{2}$/.test(hex.slice(2 * i, 2 * i + 2))) {
      throw new CryptoError(CryptoErrorCode.InvalidType, 'hex contains a non-hex character', {
        details: `at offset ${2 * i}`,
      })
    }
    out[i] = byte
  }
  return out
}

const utf8Encoder = /* @__PURE__ */ new TextEncoder()
/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text)
}
