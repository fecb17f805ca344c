import { toHex } from '@marque/crypto'
import fc from 'fast-check'
import { base58btc } from 'multiformats/bases/base58'
import { describe, expect, it } from 'vitest'
import { DidErrorCode, formatDid, parseDid } from '../src/index.js'
import { GENESIS_VECTOR } from './vector-data.js'

const ID = GENESIS_VECTOR.did.slice('did:marque:'.length)

describe('parseDid', () => {
  it('takes the vector DID apart', () => {
    const parsed = parseDid(GENESIS_VECTOR.did)
    if ('error' in parsed) throw new Error(parsed.message)
    expect(parsed.network).toBe('default')
    expect(parsed.id).toBe(ID)
    expect(toHex(parsed.locator)).toBe(GENESIS_VECTOR.locator)
    expect(parsed.digest.length).toBe(16)
  })

  it('reads a network segment', () => {
    const parsed = parseDid(`did:marque:base-sepolia:${ID}`)
    expect('error' in parsed ? parsed : parsed.network).toBe('base-sepolia')
  })

  const invalid: [string, unknown][] = [
    ['not a string', 42],
    ['another method', `did:key:${ID}`],
    ['upper-case method', `did:MARQUE:${ID}`],
    ['no id', 'did:marque:'],
    ['an empty network segment', `did:marque::${ID}`],
    ['the default network spelled out', `did:marque:default:${ID}`],
    ['an upper-case network', `did:marque:Sepolia:${ID}`],
    ['a network with "_"', `did:marque:my_net:${ID}`],
    ['a network ending in "-"', `did:marque:net-:${ID}`],
    ['a network of 33 characters', `did:marque:${'a'.repeat(33)}:${ID}`],
    ['two network segments', `did:marque:a:b:${ID}`],
    ['a character outside base58 (0)', `did:marque:0${ID.slice(1)}`],
    ['an id of 21 bytes', `did:marque:${base58btc.baseEncode(new Uint8Array(21).fill(5))}`],
    ['an id of 23 bytes', `did:marque:${base58btc.baseEncode(new Uint8Array(23).fill(5))}`],
    ['a leading "1" (an extra zero byte)', `did:marque:1${ID}`],
    ['a DID URL (fragment)', `${GENESIS_VECTOR.did}#key-1`],
    ['a DID URL (query)', `${GENESIS_VECTOR.did}?versionId=1`],
    ['a trailing newline', `${GENESIS_VECTOR.did}\n`],
    ['a very long string', `did:marque:${'z'.repeat(10_000)}`],
  ]
  for (const [name, value] of invalid) {
    it(`gives invalidDid for ${name}`, () => {
      const parsed = parseDid(value)
      expect('error' in parsed && parsed.error).toBe('invalidDid')
    })
  }

  it('property: formatDid then parseDid gives the parts back', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        fc.uint8Array({ minLength: 16, maxLength: 32 }),
        fc.option(fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/), { nil: undefined }),
        (locator, digest, network) => {
          const did = formatDid({ locator, digest, ...(network !== undefined && { network }) })
          const parsed = parseDid(did)
          if ('error' in parsed) throw new Error(`${did}: ${parsed.message}`)
          expect(parsed.did).toBe(did)
          expect(parsed.network).toBe(network ?? 'default')
          expect(toHex(parsed.locator)).toBe(toHex(locator))
          expect(toHex(parsed.digest)).toBe(toHex(digest.subarray(0, 16)))
          if (network === 'default') expect(did).not.toContain(':default:')
        },
      ),
    )
  })

  it('property: never throws, and whatever it accepts formats back to the same string', () => {
    const near = fc
      .tuple(fc.constantFrom('did:marque:', 'did:marque:net:', 'did:marque:default:', ''), fc.string())
      .map(([a, b]) => a + b)
    fc.assert(
      fc.property(fc.oneof(fc.string(), near, fc.anything()), (value) => {
        const parsed = parseDid(value)
        if ('error' in parsed) return
        expect(formatDid({ locator: parsed.locator, digest: parsed.digest, network: parsed.network })).toBe(
          value,
        )
      }),
      { numRuns: 1000 },
    )
  })
})

describe('formatDid', () => {
  it('refuses a bad locator, digest or network with DID_INVALID_PARAMETER', () => {
    const code = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        return (e as { code: string }).code
      }
    }
    const digest = new Uint8Array(16)
    expect(code(() => formatDid({ locator: new Uint8Array(5), digest }))).toBe(DidErrorCode.InvalidParameter)
    expect(code(() => formatDid({ locator: new Uint8Array(6), digest: new Uint8Array(15) }))).toBe(
      DidErrorCode.InvalidParameter,
    )
    expect(code(() => formatDid({ locator: new Uint8Array(6), digest, network: 'A' }))).toBe(
      DidErrorCode.InvalidParameter,
    )
  })
})
