import fc from 'fast-check'
import { base58btc } from 'multiformats/bases/base58'
import { bytesToHex, keccak256, stringToBytes } from 'viem'
import { describe, expect, it } from 'vitest'
import { didKey, ID_LENGTH } from '../src/index.js'

const id = fc.uint8Array({ minLength: ID_LENGTH, maxLength: ID_LENGTH })

describe('DID keys', () => {
  it('keys a canonical did:marque DID by its id, left-aligned', () => {
    fc.assert(
      fc.property(id, (bytes) => {
        const encoded = base58btc.baseEncode(bytes)
        const expected = `${bytesToHex(bytes)}${'00'.repeat(10)}`
        expect(didKey(`did:marque:${encoded}`, 'default')).toEqual({ key: expected, id: bytes })
        expect(didKey(`did:marque:net-1:${encoded}`, 'net-1')).toEqual({ key: expected, id: bytes })
      }),
    )
  })

  it('keys every other string by its keccak256', () => {
    const encoded = base58btc.baseEncode(new Uint8Array(ID_LENGTH).fill(7))
    const others = [
      'did:example:123',
      `did:marque:default:${encoded}`, // the default network is written without a segment
      `did:marque:other:${encoded}`, // another network's DID
      `did:marque:a:b:${encoded}`,
      `did:marque:${encoded}0`, // 0 is not in the base58 alphabet
      `did:marque:${base58btc.baseEncode(new Uint8Array(21).fill(7))}`,
      'did:marque:0OIl', // not base58btc
      `did:marque:1${encoded}`, // a leading zero byte more: not 22 bytes
    ]
    for (const did of others) expect(didKey(did, 'default')).toEqual({ key: keccak256(stringToBytes(did)) })
    expect(didKey(`did:marque:${encoded}`, 'other')).toEqual({
      key: keccak256(stringToBytes(`did:marque:${encoded}`)),
    })
  })

  it('gives different strings different keys', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), id, (a, b, bytes) => {
        const encoded = base58btc.baseEncode(bytes)
        const dids = [`did:x:${a}`, `did:x:${b}`, `did:marque:${encoded}`]
        const keys = dids.map((d) => didKey(d, 'default').key)
        for (let i = 0; i < dids.length; i++) {
          for (let j = 0; j < i; j++) if (dids[i] !== dids[j]) expect(keys[i]).not.toBe(keys[j])
        }
      }),
    )
  })
})
