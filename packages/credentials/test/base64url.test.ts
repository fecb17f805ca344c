// The native base64url fast path (Node.js Buffer) must accept and refuse exactly what the
// portable strict decoder of @marque/crypto does (RFC 4648 §5 and §3.5).
import { base64urlDecode, base64urlEncode } from '@marque/crypto'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { decodeBase64url, encodeBase64url } from '../src/base64url.js'

const portable = (text: string) => {
  try {
    return [...base64urlDecode(text)]
  } catch {
    return undefined
  }
}

it('agrees with the portable strict decoder on any string (property)', () => {
  const chars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .')
  fc.assert(
    fc.property(
      fc.array(chars, { maxLength: 24 }).map((a) => a.join('')),
      (text) => {
        const native = decodeBase64url(text)
        expect(native === undefined ? undefined : [...native]).toEqual(portable(text))
      },
    ),
    { numRuns: 3000 },
  )
})

it('encodes as the portable encoder does, and round-trips (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const text = encodeBase64url(bytes)
      expect(text).toBe(base64urlEncode(bytes))
      expect([...(decodeBase64url(text) ?? [])]).toEqual([...bytes])
    }),
  )
})
