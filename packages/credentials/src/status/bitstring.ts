import { base64urlDecode, base64urlEncode, concatBytes } from '@marque/crypto'

/**
 * Bitstring Status List v1.0 §2.2 and §3.2: a list holds at least 131,072 entries (16 KB of
 * single bits), so that one credential hides in a large group.
 */
export const MIN_STATUS_LIST_LENGTH = 131_072

/** The largest uncompressed bitstring a verifier expands (a GZIP bomb stops here): 16 MiB. */
export const MAX_BITSTRING_BYTES = 16 * 1024 * 1024

/**
 * A new all-zero bitstring of `length` bits.
 * @throws RangeError when `length` is not a positive multiple of 8.
 */
export function createBitstring(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length <= 0 || length % 8 !== 0) {
    throw new RangeError('a bitstring length must be a positive multiple of 8')
  }
  return new Uint8Array(length / 8)
}

/**
 * The bit at `index`. Index 0 is the left-most bit: the most significant bit of the first
 * byte (Bitstring Status List v1.0 §2.2, encodedList).
 * @throws RangeError for an index outside the bitstring.
 */
export function getBit(bits: Uint8Array, index: number): boolean {
  if (!Number.isSafeInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new RangeError(`status index ${index} is outside a list of ${bits.length * 8} entries`)
  }
  return ((bits[index >>> 3]! >>> (7 - (index & 7))) & 1) === 1
}

/**
 * Sets or clears the bit at `index` (same order as {@link getBit}).
 * @throws RangeError for an index outside the bitstring.
 */
export function setBit(bits: Uint8Array, index: number, value: boolean): void {
  getBit(bits, index)
  const mask = 1 << (7 - (index & 7))
  if (value) bits[index >>> 3]! |= mask
  else bits[index >>> 3]! &= ~mask
}

async function pipe(bytes: Uint8Array, stream: GenericTransformStream, limit: number): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream).getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.length
    if (total > limit) {
      await reader.cancel()
      throw new RangeError(`the bitstring expands beyond ${limit} bytes`)
    }
    chunks.push(value)
  }
  return concatBytes(...chunks)
}

/**
 * `encodedList` of a bitstring: multibase base64url (`u` prefix, no padding) of its GZIP
 * compression (RFC 1952), per Bitstring Status List v1.0 §3.3. Uses the platform's
 * CompressionStream (Node.js 18+, current browsers).
 */
export async function encodeBitstring(bits: Uint8Array): Promise<string> {
  const compressed = await pipe(bits, new CompressionStream('gzip'), Number.MAX_SAFE_INTEGER)
  return `u${base64urlEncode(compressed)}`
}

/**
 * Expands an `encodedList` (Bitstring Status List v1.0 §3.4), refusing more than
 * `maxBytes` of output so that a small hostile list cannot exhaust memory.
 * @throws TypeError when not `u`-prefixed base64url or not GZIP; RangeError when too large.
 */
export async function decodeBitstring(encoded: string, maxBytes = MAX_BITSTRING_BYTES): Promise<Uint8Array> {
  if (typeof encoded !== 'string' || !encoded.startsWith('u')) {
    throw new TypeError('encodedList must be multibase base64url (start with "u")')
  }
  let compressed: Uint8Array
  try {
    compressed = base64urlDecode(encoded.slice(1), 'encodedList')
  } catch (cause) {
    throw new TypeError('encodedList is not base64url without padding', { cause })
  }
  try {
    return await pipe(compressed, new DecompressionStream('gzip'), maxBytes)
  } catch (cause) {
    if (cause instanceof RangeError) throw cause
    throw new TypeError('encodedList is not GZIP data', { cause })
  }
}
