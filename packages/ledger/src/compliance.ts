/**
 * The Ledger compliance suite (docs/ledger.md, "Compliance suite"): the vitest tests every
 * `Ledger` implementation must pass. Register it from a test file:
 *
 *   describeLedgerCompliance('sqlite', async () => {
 *     const dir = await mkdtemp(join(tmpdir(), 'ledger-'))
 *     const ledger = await openSqliteLedger({ path: join(dir, 'ledger.db') })
 *     return { ledger, cleanup: () => rm(dir, { recursive: true, force: true }) }
 *   })
 *
 * Each test makes a fresh ledger with the factory, closes it and calls `cleanup` at the
 * end. Tests use DIDs of their own (random), so a factory that hands out one shared
 * ledger still passes, except for the test that closes it.
 */
import { randomBytes, toHex } from '@marque/crypto'
import { describe, expect, it } from 'vitest'
import { LedgerErrorCode } from './errors.js'
import {
  type AnchoredOperation,
  type AppendResult,
  type Ledger,
  type LedgerOperation,
  MAX_BATCH_OPERATIONS,
  MAX_DID_LENGTH,
  MAX_OPERATION_BYTES,
} from './types.js'

/** What a {@link LedgerComplianceFactory} makes for one test. */
export interface LedgerComplianceFactoryReturnType {
  /** The ledger under test; the test closes it when it ends, pass or fail. */
  ledger: Ledger
  /** Releases what the factory made (temporary files, a node); called after `ledger.close()`. */
  cleanup?(): Promise<void>
}

/**
 * Makes the ledger one compliance test runs against, and how to clean up after it. Called
 * once per test.
 */
export type LedgerComplianceFactory = () => Promise<LedgerComplianceFactoryReturnType>

/** Sizes a slow ledger (one that mines a block per append) may reduce. */
export interface LedgerComplianceOptions {
  /** Operations in the large batch. Default 1000. */
  largeBatch?: number
  /** Appends started at once in the concurrency test. Default 8. */
  concurrentAppends?: number
  /** Appends made one after another in the ordering tests. Default 5. */
  sequentialAppends?: number
  /** The most operations this ledger accepts in one append. Default {@link MAX_BATCH_OPERATIONS}. */
  maxBatchOperations?: number
  /**
   * How far (seconds) an anchor time may stand from this machine's clock. Default 300. A
   * ledger on a simulated clock passes `Number.POSITIVE_INFINITY`.
   */
  timeTolerance?: number
  /** Per-test timeout in milliseconds. Default: vitest's. */
  timeout?: number
}

/** Registers the compliance tests for the ledger the factory makes, in a `describe` named `name`. */
export function describeLedgerCompliance(
  name: string,
  factory: LedgerComplianceFactory,
  options: LedgerComplianceOptions = {},
): void {
  const largeBatch = options.largeBatch ?? 1000
  const concurrent = options.concurrentAppends ?? 8
  const sequential = options.sequentialAppends ?? 5
  const maxBatch = options.maxBatchOperations ?? MAX_BATCH_OPERATIONS
  const tolerance = options.timeTolerance ?? 300

  // Every test gets a fresh ledger and always releases it, pass or fail.
  const test = (title: string, body: (ledger: Ledger) => Promise<void>) =>
    it(
      title,
      async () => {
        const { ledger, cleanup } = await factory()
        try {
          await body(ledger)
        } finally {
          await ledger.close()
          await cleanup?.()
        }
      },
      options.timeout,
    )

  describe(`${name}: Ledger compliance`, () => {
    test('names its network and domain', async (ledger) => {
      expect(ledger.network).toMatch(/^[\x21-\x7e]+$/)
      expect(ledger.domain).toMatch(/^[\x21-\x7e]+$/)
    })

    test('anchors a batch and reads each DID back in ledger order', async (ledger) => {
      const [a, b] = [newDid(), newDid()]
      const batch = [op(a, 1), op(b, 2), op(a, 3), op(b, 4), op(a, 5)]
      const result = await ledger.append(batch)
      expect(result.positions).toHaveLength(batch.length)
      const readA = await ledger.read(a)
      expect(readA).toEqual(expected(batch, result, [0, 2, 4]))
      expect(await ledger.read(b)).toEqual(expected(batch, result, [1, 3]))
    })

    test('positions strictly increase within a batch and across batches', async (ledger) => {
      const dids = [newDid(), newDid(), newDid()]
      const all: number[] = []
      for (let i = 0; i < sequential; i++) {
        const size = 1 + (i % 4)
        const batch = Array.from({ length: size }, (_, j) => op(dids[(i + j) % dids.length]!, i * 10 + j))
        const { positions } = await ledger.append(batch)
        expect(positions).toHaveLength(size)
        all.push(...positions)
      }
      for (const p of all) expect(Number.isSafeInteger(p) && p >= 0).toBe(true)
      for (let i = 1; i < all.length; i++) expect(all[i]!).toBeGreaterThan(all[i - 1]!)
      // Every anchored position shows up in exactly one DID's read, in increasing order.
      const read: number[] = []
      for (const did of dids) {
        const positions = (await ledger.read(did)).map((o) => o.position)
        expect(positions).toEqual([...positions].sort((x, y) => x - y))
        read.push(...positions)
      }
      expect(read.sort((x, y) => x - y)).toEqual(all)
    })

    test('a read returns only the named DID, compared exactly', async (ledger) => {
      // Prefixes, case, and characters that are wildcards in SQL LIKE and GLOB.
      const base = newDid()
      const dids = [
        base,
        `${base}0`,
        base.toUpperCase().replace('DID:MARQUE:', 'did:marque:'),
        `${base}%`,
        `${base}_`,
        `${base}*`,
      ]
      const result = await ledger.append(dids.map((d, i) => op(d, i)))
      for (const [i, did] of dids.entries()) {
        const ops = await ledger.read(did)
        expect(ops.map((o) => o.did)).toEqual([did])
        expect(ops[0]!.position).toBe(result.positions[i])
      }
    })

    test('an unknown DID reads as empty', async (ledger) => {
      await ledger.append([op(newDid(), 1)])
      expect(await ledger.read(newDid())).toEqual([])
    })

    test('bytes come back exactly as given, and neither input nor output aliases the store', async (ledger) => {
      const did = newDid()
      const every = Uint8Array.from({ length: 256 }, (_, i) => i)
      // A view into a larger buffer, at an offset: only the view's bytes are the operation.
      const backing = new Uint8Array(300).fill(0xee)
      backing.set(every.subarray(0, 200), 50)
      const view = backing.subarray(50, 250)
      const max = randomBytes(MAX_OPERATION_BYTES)
      const inputs = [every.slice(), view, max, new Uint8Array([0])]
      const kept = inputs.map((b) => b.slice())
      await ledger.append(inputs.map((bytes) => ({ did, bytes })))
      for (const b of inputs) b.fill(0xaa)
      backing.fill(0xbb)
      const first = await ledger.read(did)
      expect(first.map((o) => o.bytes)).toEqual(kept)
      for (const o of first) {
        // A plain Uint8Array: a Buffer's slice() is a view, a trap for whoever keeps it.
        expect(Object.getPrototypeOf(o.bytes)).toBe(Uint8Array.prototype)
        o.bytes.fill(0xcc)
      }
      expect((await ledger.read(did)).map((o) => o.bytes)).toEqual(kept)
    })

    test('time is whole seconds, one per batch, near the clock, never decreasing', async (ledger) => {
      const did = newDid()
      const before = Math.floor(Date.now() / 1000)
      const results: AppendResult[] = []
      for (let i = 0; i < sequential; i++) results.push(await ledger.append([op(did, i), op(newDid(), i)]))
      const after = Math.floor(Date.now() / 1000)
      for (const r of results) {
        expect(Number.isSafeInteger(r.time)).toBe(true)
        expect(r.time).toBeGreaterThanOrEqual(before - tolerance)
        expect(r.time).toBeLessThanOrEqual(after + tolerance)
      }
      const ops = await ledger.read(did)
      expect(ops.map((o) => o.time)).toEqual(results.map((r) => r.time))
      for (let i = 1; i < ops.length; i++) expect(ops[i]!.time).toBeGreaterThanOrEqual(ops[i - 1]!.time)
    })

    test('one anchorId for every operation of a batch, another for each batch', async (ledger) => {
      const did = newDid()
      const first = await ledger.append([op(did, 1), op(did, 2), op(did, 3)])
      const second = await ledger.append([op(did, 4)])
      expect(typeof first.anchorId).toBe('string')
      expect(first.anchorId).not.toBe('')
      expect(second.anchorId).not.toBe(first.anchorId)
      expect((await ledger.read(did)).map((o) => o.anchorId)).toEqual([
        first.anchorId,
        first.anchorId,
        first.anchorId,
        second.anchorId,
      ])
    })

    test('a batch with one invalid operation is refused whole with LEDGER_INVALID_OPERATION', async (ledger) => {
      const bad: [string, unknown][] = [
        ['an oversized operation', { did: newDid(), bytes: new Uint8Array(MAX_OPERATION_BYTES + 1) }],
        ['empty bytes', { did: newDid(), bytes: new Uint8Array(0) }],
        ['bytes that are not a Uint8Array', { did: newDid(), bytes: [1, 2, 3] }],
        ['bytes missing', { did: newDid() }],
        ['a malformed DID', { did: 'not a did', bytes: new Uint8Array([1]) }],
        ['a DID too long', { did: `did:marque:${'z'.repeat(MAX_DID_LENGTH)}`, bytes: new Uint8Array([1]) }],
        ['a DID that is not a string', { did: 42, bytes: new Uint8Array([1]) }],
        ['a null operation', null],
      ]
      for (const [, invalid] of bad) {
        const valid = [op(newDid(), 1), op(newDid(), 2)]
        // The invalid one sits between valid ones: nothing before it may be kept.
        const batch = [valid[0]!, invalid, valid[1]!] as LedgerOperation[]
        await expect(ledger.append(batch)).rejects.toMatchObject({ code: LedgerErrorCode.InvalidOperation })
        for (const v of valid) expect(await ledger.read(v.did)).toEqual([])
      }
      // The ledger still works afterwards.
      const did = newDid()
      await ledger.append([op(did, 9)])
      expect(await ledger.read(did)).toHaveLength(1)
    })

    test('the limits themselves are accepted', async (ledger) => {
      const did = newDid()
      const longDid = did + 'z'.repeat(MAX_DID_LENGTH - did.length)
      const bytes = randomBytes(MAX_OPERATION_BYTES)
      await ledger.append([{ did: longDid, bytes }])
      expect((await ledger.read(longDid)).map((o) => o.bytes)).toEqual([bytes])
      expect(await ledger.read(did)).toEqual([])
    })

    test('an empty or oversized batch is refused with LEDGER_BATCH_TOO_LARGE', async (ledger) => {
      const did = newDid()
      await expect(ledger.append([])).rejects.toMatchObject({ code: LedgerErrorCode.BatchTooLarge })
      const tooMany = Array.from({ length: maxBatch + 1 }, (_, i) => op(did, i))
      await expect(ledger.append(tooMany)).rejects.toMatchObject({ code: LedgerErrorCode.BatchTooLarge })
      await expect(ledger.append('nope' as unknown as LedgerOperation[])).rejects.toMatchObject({
        code: LedgerErrorCode.BatchTooLarge,
      })
      expect(await ledger.read(did)).toEqual([])
    })

    test('a malformed DID in read is refused with LEDGER_INVALID_OPERATION', async (ledger) => {
      const malformed: unknown[] = [
        '',
        'marque:abc',
        'did:',
        'did:marque:has space',
        'did:marque:tab\t',
        'did:marque:é',
        `did:marque:${'z'.repeat(MAX_DID_LENGTH)}`,
        42,
        null,
        undefined,
      ]
      for (const did of malformed) {
        await expect(ledger.read(did as string)).rejects.toMatchObject({
          code: LedgerErrorCode.InvalidOperation,
        })
      }
    })

    test('a read with an aborted signal rejects with the signal reason', async (ledger) => {
      const did = newDid()
      await ledger.append([op(did, 1)])
      const controller = new AbortController()
      const reason = new Error('stop')
      controller.abort(reason)
      await expect(ledger.read(did, { signal: controller.signal })).rejects.toBe(reason)
      expect(await ledger.read(did, { signal: new AbortController().signal })).toHaveLength(1)
    })

    test('a closed ledger refuses appends and reads with LEDGER_CLOSED; closing twice is fine', async (ledger) => {
      const did = newDid()
      await ledger.append([op(did, 1)])
      await ledger.close()
      await ledger.close()
      await expect(ledger.append([op(did, 2)])).rejects.toMatchObject({ code: LedgerErrorCode.Closed })
      await expect(ledger.read(did)).rejects.toMatchObject({ code: LedgerErrorCode.Closed })
    })

    test('concurrent appends keep one consistent order', async (ledger) => {
      const shared = newDid()
      const own = Array.from({ length: concurrent }, () => newDid())
      const batches = own.map((did, i) => [op(shared, i), op(did, i), op(shared, 100 + i)])
      const results = await Promise.all(batches.map((b) => ledger.append(b)))
      const positions = results.flatMap((r) => r.positions)
      expect(new Set(positions).size).toBe(positions.length)
      for (const r of results) {
        expect(r.positions[1]!).toBeGreaterThan(r.positions[0]!)
        expect(r.positions[2]!).toBeGreaterThan(r.positions[1]!)
      }
      // The shared DID's read holds every batch's two operations, sorted by position, each
      // carrying its own batch's anchor.
      const byPosition = new Map<number, AnchoredOperation>()
      results.forEach((r, i) => {
        for (const [j, position] of r.positions.entries()) {
          const { did, bytes } = batches[i]![j]!
          byPosition.set(position, { did, bytes, position, time: r.time, anchorId: r.anchorId })
        }
      })
      const sharedOps = await ledger.read(shared)
      const sharedPositions = [...byPosition.values()].filter((o) => o.did === shared).map((o) => o.position)
      expect(sharedOps).toEqual(sharedPositions.sort((x, y) => x - y).map((p) => byPosition.get(p)))
      for (let i = 1; i < sharedOps.length; i++) {
        expect(sharedOps[i]!.time).toBeGreaterThanOrEqual(sharedOps[i - 1]!.time)
      }
      for (const [i, did] of own.entries()) {
        expect(await ledger.read(did)).toEqual([byPosition.get(results[i]!.positions[1]!)])
      }
    })

    test(`a large batch (${largeBatch} operations) is anchored whole`, async (ledger) => {
      const dids = Array.from({ length: Math.ceil(largeBatch / 10) }, () => newDid())
      const batch = Array.from({ length: largeBatch }, (_, i) => ({
        did: dids[i % dids.length]!,
        bytes: randomBytes(200),
      }))
      const result = await ledger.append(batch)
      expect(result.positions).toHaveLength(largeBatch)
      for (let i = 1; i < largeBatch; i++)
        expect(result.positions[i]!).toBeGreaterThan(result.positions[i - 1]!)
      for (const [k, did] of dids.entries()) {
        const indexes = Array.from({ length: largeBatch }, (_, i) => i).filter((i) => i % dids.length === k)
        expect(await ledger.read(did)).toEqual(expected(batch, result, indexes))
      }
    })
  })
}

/** A fresh random DID, so tests never see each other's operations. */
function newDid(): string {
  return `did:marque:${toHex(randomBytes(16))}`
}

/** An operation whose bytes say which one it is. */
function op(did: string, n: number): LedgerOperation {
  return { did, bytes: new TextEncoder().encode(`operation ${n} of ${did}`) }
}

/** What a read must return for the operations at `indexes` of a batch anchored as `result`. */
function expected(
  batch: readonly LedgerOperation[],
  result: AppendResult,
  indexes: number[],
): AnchoredOperation[] {
  return indexes.map((i) => ({
    did: batch[i]!.did,
    bytes: batch[i]!.bytes,
    position: result.positions[i]!,
    time: result.time,
    anchorId: result.anchorId,
  }))
}
