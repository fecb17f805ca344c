import { constantTimeEqual } from '@marque/crypto'
import { decode, encode } from 'cborg'
import { HandshakeError, HandshakeErrorCode } from './errors.js'

// RFC 8949 §4.2.1 core deterministic encoding: the handshake only ever uses unsigned
// integers, byte strings, text strings and definite-length arrays, for which cborg's encoder
// is deterministic (shortest integer and length forms).
const DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  useMaps: true,
} as const

/** Deterministic CBOR of a value built from arrays, byte strings, text strings and unsigned integers. */
export function encodeCbor(value: unknown): Uint8Array {
  return encode(value)
}

/**
 * Decodes one CBOR data item and refuses anything but its deterministic encoding: trailing
 * bytes, indefinite lengths, non-shortest forms, tags, floats, invalid UTF-8 (which would not
 * re-encode to the same bytes). The caller has already checked the length against its limit.
 * @throws HandshakeError `HANDSHAKE_MALFORMED` naming `what`.
 */
export function decodeCbor(bytes: Uint8Array, what: string): unknown {
  let value: unknown
  try {
    value = decode(bytes, DECODE_OPTIONS)
  } catch (cause) {
    throw malformed(what, 'it is not one well-formed CBOR data item', cause)
  }
  let again: Uint8Array
  try {
    again = encode(value)
  } catch (cause) {
    throw malformed(what, 'it holds a CBOR type the handshake does not use', cause)
  }
  if (!constantTimeEqual(again, bytes)) {
    throw malformed(what, 'it is not in deterministic CBOR encoding (RFC 8949 §4.2.1)')
  }
  return value
}

/** A `HANDSHAKE_MALFORMED` error for `what`. */
export function malformed(what: string, reason: string, cause?: unknown): HandshakeError {
  return new HandshakeError(HandshakeErrorCode.Malformed, `${what} is malformed: ${reason}`, {
    hint: 'the peer does not speak this protocol version, or the message was altered in transit',
    ...(cause === undefined ? {} : { cause }),
  })
}

/** Checks that `value` is an array of `min`..`max` items and returns it. */
export function arrayOf(value: unknown, min: number, max: number, what: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(what, 'expected a CBOR array')
  if (value.length < min || value.length > max) {
    throw malformed(what, `expected ${min === max ? min : `${min} to ${max}`} items, got ${value.length}`)
  }
  return value
}

/** Checks that `value` is a byte string (of `length` bytes when given) and returns it. */
export function byteStringOf(value: unknown, length: number | undefined, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(what, 'expected a CBOR byte string')
  if (length !== undefined && value.length !== length) {
    throw malformed(what, `expected ${length} bytes, got ${value.length}`)
  }
  return value
}

/** Checks that `value` is a text string of at most `maxLength` characters and returns it. */
export function textStringOf(value: unknown, maxLength: number, what: string): string {
  if (typeof value !== 'string') throw malformed(what, 'expected a CBOR text string')
  if (value.length > maxLength) throw malformed(what, `longer than ${maxLength} characters`)
  return value
}
