// The hash chain, format version 1, against vectors/chain-v1.json (computed with Python's
// hashlib from the byte layout in docs/ledger.md, "Hash chain").
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromHex, toHex } from '@marque/crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ChainEntry, entryHash, genesisHash, openSqliteLedger } from '../src/sqlite/index.js'
import vectors from './vectors/chain-v1.json' with { type: 'json' }

const entryOf = (e: (typeof vectors.chains)[number]['entries'][number]): ChainEntry => ({
  position: e.position,
  time: e.time,
  anchorId: e.anchorId,
  did: e.did,
  bytes: fromHex(e.bytesHex),
})

describe('hash chain v1', () => {
  for (const chain of vectors.chains) {
    it(`matches the vectors for ${chain.domain}`, () => {
      expect(toHex(genesisHash(chain.domain))).toBe(chain.genesis)
      let prev = genesisHash(chain.domain)
      for (const e of chain.entries) {
        prev = entryHash(prev, entryOf(e))
        expect(toHex(prev)).toBe(e.hash)
      }
    })
  }

  it('the SQLite ledger stores the same chain as the vectors', async () => {
    const chain = vectors.chains[0]!
    const dir = await mkdtemp(join(tmpdir(), 'marque-chain-'))
    try {
      let clock = 0
      const ledger = await openSqliteLedger({
        path: join(dir, 'l.db'),
        domain: chain.domain,
        now: () => clock,
      })
      const [e1, e2, e3] = chain.entries.map(entryOf) as [ChainEntry, ChainEntry, ChainEntry]
      clock = e1.time * 1000 + 999
      await ledger.append([e1, e2])
      clock = e3.time * 1000
      await ledger.append([e3])
      expect(await ledger.head()).toEqual({ position: 3, hash: chain.entries[2]!.hash })
      await ledger.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  const entry = fc.record({
    position: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    anchorId: fc.string({ maxLength: 20 }),
    did: fc.string({ maxLength: 40 }),
    bytes: fc.uint8Array({ maxLength: 64 }),
  })
  const prev = fc.uint8Array({ minLength: 32, maxLength: 32 })

  it('two entries hash alike only when every field is alike (property)', () => {
    fc.assert(
      fc.property(prev, prev, entry, entry, (p1, p2, a, b) => {
        const same =
          toHex(p1) === toHex(p2) &&
          a.position === b.position &&
          a.time === b.time &&
          a.anchorId === b.anchorId &&
          a.did === b.did &&
          toHex(a.bytes) === toHex(b.bytes)
        expect(toHex(entryHash(p1, a)) === toHex(entryHash(p2, b))).toBe(same)
      }),
    )
  })

  it('moving bytes across a field boundary changes the hash (length prefixes)', () => {
    fc.assert(
      fc.property(
        prev,
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (p, x, y) => {
          const a = entryHash(p, { position: 1, time: 0, anchorId: x + y, did: '', bytes: new Uint8Array() })
          const b = entryHash(p, { position: 1, time: 0, anchorId: x, did: y, bytes: new Uint8Array() })
          expect(toHex(a)).not.toBe(toHex(b))
        },
      ),
    )
  })

  it('refuses a prev that is not 32 bytes and positions or times that are not safe integers', () => {
    const e = { position: 1, time: 0, anchorId: 'a', did: 'did:x:y', bytes: new Uint8Array([1]) }
    expect(() => entryHash(new Uint8Array(31), e)).toThrow(RangeError)
    expect(() => entryHash(new Uint8Array(32), { ...e, position: -1 })).toThrow(RangeError)
    expect(() => entryHash(new Uint8Array(32), { ...e, time: 1.5 })).toThrow(RangeError)
    expect(() => entryHash(new Uint8Array(32), { ...e, time: 2 ** 53 })).toThrow(RangeError)
  })
})
