import { decodeFirst, encode, rfc8949EncodeOptions } from 'cborg'
import { DidError, DidErrorCode } from './errors.js'

/**
 * Core deterministic encoding (RFC 8949 §4.2.1): shortest integers and lengths, definite
 * lengths only, map keys sorted by their encoded bytes. cborg's `rfc8949EncodeOptions`
 * gives the bytewise key order of §4.2.1 (its default is RFC 7049's length-first order).
 */
export function encodeDeterministic(value: unknown): Uint8Array {
  return encode(value, rfc8949EncodeOptions)
}

const DECODE_OPTIONS = {
  // RFC 8949 §4.2.1: integers and lengths in their shortest form.
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: false,
  allowInfinity: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  // Integer map keys: a plain object would turn them into strings.
  useMaps: true,
  // No tags: none is part of the format.
  tags: [],
} as const

/**
 * Decodes one CBOR data item strictly. The caller re-encodes what it parsed and compares
 * the bytes, which catches what no decoder flag does (map key order, a float standing for
 * an integer, invalid UTF-8): see decodeOperation.
 * @throws DidError `DID_OP_INDEFINITE_LENGTH`, `DID_OP_NON_CANONICAL` (a non-minimal integer
 *   or length), `DID_OP_DUPLICATE_KEY`, `DID_OP_TRAILING_BYTES`, `DID_OP_MALFORMED`.
 */
export function decodeStrict(bytes: Uint8Array): unknown {
  let value: unknown
  let rest: Uint8Array
  try {
    ;[value, rest] = decodeFirst(bytes, DECODE_OPTIONS)
  } catch (cause) {
    throw classify(cause)
  }
  if (rest.length > 0) {
    throw new DidError(DidErrorCode.TrailingBytes, 'bytes follow the operation', {
      details: `${rest.length} trailing bytes`,
      hint: 'an operation is exactly one CBOR data item',
    })
  }
  return value
}

// cborg reports problems as plain Errors; its messages are the only way to tell them apart.
// The tests pin each mapping, so a change in cborg shows up there, not in production.
function classify(cause: unknown): DidError {
  const message = cause instanceof Error ? cause.message : String(cause)
  if (message.includes('indefinite length')) {
    return new DidError(DidErrorCode.IndefiniteLength, 'the operation uses an indefinite-length item', {
      cause,
      hint: 'encode with definite lengths (RFC 8949 §4.2.1)',
    })
  }
  if (message.includes('more bytes than necessary')) {
    return new DidError(DidErrorCode.NonCanonical, 'the operation is not in deterministic CBOR', {
      cause,
      details: 'an integer or length is not in its shortest form',
      hint: 'encode with RFC 8949 §4.2.1 core deterministic encoding',
    })
  }
  if (message.includes('repeat map key')) {
    return new DidError(DidErrorCode.DuplicateKey, 'a map key appears twice in the operation', { cause })
  }
  return new DidError(DidErrorCode.Malformed, 'the operation is not well-formed CBOR of the allowed kinds', {
    cause,
    details: message.replace(/^CBOR decode error: /, ''),
  })
}
