// Shared test helpers: assert the specific error code, never just "it throws".
import { expect } from 'vitest'
import { CryptoError, fromHex, toHex } from '../src/index.js'

/** The code of the CryptoError `fn` throws; fails the test if it returns or throws anything else. */
export function codeOf(fn: () => unknown): string {
  let result: unknown
  try {
    result = fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError)
    return (error as CryptoError).code
  }
  throw new Error(`expected a CryptoError, got a result: ${String(result)}`)
}

/** The code of the CryptoError `fn` rejects with (or throws synchronously). */
export async function asyncCodeOf(fn: () => Promise<unknown>): Promise<string> {
  let result: unknown
  try {
    result = await fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError)
    return (error as CryptoError).code
  }
  throw new Error(`expected a CryptoError, got a result: ${String(result)}`)
}

export const hex = fromHex
export { toHex }

/** A copy of `bytes` with bit `bit` of byte `index` flipped. */
export function flip(bytes: Uint8Array, index: number, bit = 0): Uint8Array {
  const out = bytes.slice()
  out[index]! ^= 1 << bit
  return out
}

/** The order of the prime-order subgroup of edwards25519 (RFC 8032 §5.1). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n

export function leToBigInt(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!)
  return n
}

export function bigIntToLe(n: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }
  return out
}
