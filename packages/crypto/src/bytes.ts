import { CryptoError, CryptoErrorCode } from './errors.js'

/**
 * True for a Uint8Array, including one made in another realm (an iframe, a worker, a test
 * environment) where `instanceof Uint8Array` is false.
 */
function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && (value as object).constructor?.name === 'Uint8Array')
  )
}

/**
 * Checks that `value` is a Uint8Array (of `length` bytes when given) and returns it, so the
 * check sits inline: `sig = bytesOf(sig, 64, 'signature')`. Error messages name the argument
 * and give lengths, never the content.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a Uint8Array,
 *   `CRYPTO_INVALID_LENGTH` when the length differs.
 */
export function bytesOf(value: unknown, length: number | undefined, name: string): Uint8Array {
  if (!isBytes(value)) {
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

/** Names the type of a value without quoting it (it may be secret). */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'no prototype'})`
  return `a ${typeof value}`
}

/**
 * Checks that `value` is a string and returns it.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` otherwise.
 */
export function stringOf(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    throw new CryptoError(CryptoErrorCode.InvalidType, `${name} must be a string`, {
      details: `got ${describe(value)}`,
    })
  }
  return value
}

/**
 * Checks that `value` is a plain object (a parameters object, a JWK) and returns it.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` otherwise.
 */
export function objectOf(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CryptoError(CryptoErrorCode.InvalidType, `${name} must be an object`, {
      details: `got ${describe(value)}`,
    })
  }
  return value as Record<string, unknown>
}

/**
 * Concatenates byte arrays into a new one.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when a part is not a Uint8Array.
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const [i, p] of parts.entries()) length += bytesOf(p, undefined, `part ${i}`).length
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

/**
 * Lower-case hex of `bytes`.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a Uint8Array.
 */
export function toHex(bytes: Uint8Array): string {
  bytesOf(bytes, undefined, 'bytes')
  let s = ''
  for (const b of bytes) s += HEX[b]
  return s
}

/** The value of one hex digit's char code, or -1. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48 // 0-9
  if (c >= 97 && c <= 102) return c - 87 // a-f
  if (c >= 65 && c <= 70) return c - 55 // A-F
  return -1
}

/**
 * Parses lower- or upper-case hex, with no prefix and no separators.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a string; `CRYPTO_INVALID_ENCODING` for
 *   an odd number of digits or a character that is not a hex digit.
 */
export function fromHex(hex: string): Uint8Array {
  stringOf(hex, 'hex')
  if (hex.length % 2 !== 0) {
    throw new CryptoError(CryptoErrorCode.InvalidEncoding, 'hex must have an even number of digits', {
      details: `got ${hex.length} digits`,
    })
  }
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i))
    const lo = nibble(hex.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) {
      throw new CryptoError(
        CryptoErrorCode.InvalidEncoding,
        'hex contains a character that is not a hex digit',
        {
          details: `at offset ${hi < 0 ? 2 * i : 2 * i + 1}`,
        },
      )
    }
    out[i] = (hi << 4) | lo
  }
  return out
}

const utf8Encoder = /* @__PURE__ */ new TextEncoder()

/**
 * UTF-8 bytes of a string (lone surrogates become U+FFFD, as TextEncoder does).
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when not a string.
 */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(stringOf(text, 'text'))
}
