import { base64urlDecode, base64urlEncode } from '@marque/crypto'

// Node.js's Buffer codes base64url natively and much faster; elsewhere @marque/crypto's
// portable codec does the same work.
interface NativeBufferType {
  from(text: string, encoding: 'base64url'): Uint8Array
  from(bytes: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64url'): string }
}
const NativeBuffer = (globalThis as { Buffer?: NativeBufferType }).Buffer

const B64URL = /^[A-Za-z0-9_-]*$/

/** base64url without padding (RFC 4648 §5, RFC 7515 §2). */
export function encodeBase64url(bytes: Uint8Array): string {
  if (NativeBuffer === undefined) return base64urlEncode(bytes)
  return NativeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

/**
 * Strict base64url without padding: the alphabet only, no length that leaves a lone
 * character, and zero unused bits in the last character (RFC 4648 §3.5), so that exactly one
 * string encodes given bytes. Returns undefined for anything else.
 */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined
  if (NativeBuffer === undefined) {
    try {
      return base64urlDecode(text)
    } catch {
      return undefined
    }
  }
  const rest = text.length % 4
  if (rest !== 0) {
    const last = text.charCodeAt(text.length - 1)
    // The 6-bit value of the last character: A-Z 0-25, a-z 26-51, 0-9 52-61, - 62, _ 63.
    const value =
      last >= 97 ? last - 71 : last >= 65 ? last - 65 : last >= 48 ? last + 4 : last === 45 ? 62 : 63
    if ((value & (rest === 2 ? 0x0f : 0x03)) !== 0) return undefined
  }
  return NativeBuffer.from(text, 'base64url')
}
