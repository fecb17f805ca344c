// The cache of validated Ed25519 keys: a hit answers exactly as a new check would, only keys
// that passed are kept, and it stays bounded.
import { describe, expect, it } from 'vitest'
import { clearValidatedKeys, VALID_KEY_CACHE_SIZE } from '../src/ed25519.js'
import {
  assertEd25519PublicKey,
  type CryptoError,
  ed25519PublicKey,
  fromHex,
  randomBytes,
} from '../src/index.js'

// RFC 8032 §7.1 TEST 1 public key, and a y-coordinate with no x on the curve (y = 2).
const VALID = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
const OFF_CURVE = fromHex('0200000000000000000000000000000000000000000000000000000000000000')

function code(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    return (e as CryptoError).code
  }
  return 'none'
}

describe('validated key cache', () => {
  it('answers a repeated check as the first, and never caches a refusal', () => {
    clearValidatedKeys()
    expect(assertEd25519PublicKey(VALID)).toBe(VALID)
    expect(assertEd25519PublicKey(VALID)).toBe(VALID)
    expect(code(() => assertEd25519PublicKey(OFF_CURVE))).toBe('CRYPTO_INVALID_KEY')
    expect(code(() => assertEd25519PublicKey(OFF_CURVE))).toBe('CRYPTO_INVALID_KEY')
    expect(clearValidatedKeys()).toBe(1)
  })

  it('stays bounded however many keys pass', async () => {
    clearValidatedKeys()
    for (let i = 0; i < VALID_KEY_CACHE_SIZE + 50; i++)
      assertEd25519PublicKey(await ed25519PublicKey(randomBytes(32)))
    expect(clearValidatedKeys()).toBe(VALID_KEY_CACHE_SIZE)
  })

  it('checks a key whose bytes changed after an earlier check afresh', () => {
    clearValidatedKeys()
    const key = VALID.slice()
    assertEd25519PublicKey(key)
    key.set(OFF_CURVE)
    expect(code(() => assertEd25519PublicKey(key))).toBe('CRYPTO_INVALID_KEY')
  })
})
