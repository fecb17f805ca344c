// Crash safety: a real child process appends to the ledger and is killed with SIGKILL at
// random moments, over and over. After every kill the file opens, its chain audits clean,
// and every batch the child saw acknowledged is there, whole, at the positions it was given.
// SIGKILL stands for a crash of the process; the page cache survives it, so this does not
// test power loss (docs/ledger.md, "Crash safety").
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { toHex } from '@marque/crypto'
import { describe, expect, it } from 'vitest'
import type { AnchoredOperation } from '../src/index.js'
import { openSqliteLedger } from '../src/sqlite/index.js'
import { crashBatch } from './fixtures/crash-ops.js'
import { withTempDir } from './helpers.js'

const ROUNDS = 20
const child = join(import.meta.dirname, 'fixtures', 'crash-child.ts')

interface Ack {
  round: number
  batch: number
  first: number
  size: number
}

/** A child process, loaded and waiting for its go. */
interface Child {
  round: number
  proc: ChildProcess
  out: string
  err: string
}

function spawnChild(path: string, round: number): Child {
  const proc = spawn(
    process.execPath,
    [
      '--conditions=@marque/source',
      '--import',
      'tsx',
      child,
      path,
      String(round),
      round % 2 ? 'normal' : 'full',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  )
  const c: Child = { round, proc, out: '', err: '' }
  proc.stdout!.on('data', (chunk: Buffer) => {
    c.out += chunk.toString()
  })
  proc.stderr!.on('data', (chunk: Buffer) => {
    c.err += chunk.toString()
  })
  return c
}

/** Lets the child append until it has acknowledged a batch, kills it `delay` ms later, returns its acks. */
function crashOnce(c: Child, delay: number): Promise<Ack[]> {
  const { proc, round } = c
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    // Bounded: a child that never acknowledges anything is killed after 15 s.
    const deadline = setTimeout(() => proc.kill('SIGKILL'), 15_000)
    proc.stdout!.on('data', () => {
      if (timer === undefined && c.out.includes('\n')) timer = setTimeout(() => proc.kill('SIGKILL'), delay)
    })
    proc.on('error', reject)
    proc.on('exit', (code, signal) => {
      clearTimeout(deadline)
      clearTimeout(timer)
      if (signal !== 'SIGKILL' || timer === undefined) {
        reject(
          new Error(
            `round ${round}: the child ended with ${signal ?? `code ${code}`} before it was killed\n${c.err}`,
          ),
        )
        return
      }
      // Only whole lines: the kill may cut the last one.
      const lines = c.out.split('\n').slice(0, -1)
      resolve(
        lines.map((line) => {
          const [batch, first, size] = line.split(' ').map(Number) as [number, number, number]
          return { round, batch, first, size }
        }),
      )
    })
    proc.stdin!.end('go\n')
  })
}

/** Checks that every acknowledged batch is in the ledger, whole and in place. */
async function expectAcknowledged(path: string, acks: readonly Ack[]): Promise<number> {
  const ledger = await openSqliteLedger({ path })
  try {
    const report = await ledger.audit()
    expect(report.firstBad).toBeUndefined()
    const byPosition = new Map<number, AnchoredOperation>()
    const dids = new Set(acks.flatMap((a) => crashBatch(a.round, a.batch).map((o) => o.did)))
    for (const did of dids) for (const op of await ledger.read(did)) byPosition.set(op.position, op)
    for (const ack of acks) {
      const batch = crashBatch(ack.round, ack.batch)
      expect(batch.length).toBe(ack.size)
      const anchor = byPosition.get(ack.first)?.anchorId
      const stored = batch.map((_, i) => byPosition.get(ack.first + i))
      const describe = (o: { did: string; bytes: Uint8Array; anchorId?: string } | undefined) =>
        o === undefined ? 'missing' : `${o.did} ${toHex(o.bytes)} ${o.anchorId ?? anchor}`
      expect(stored.map(describe), `round ${ack.round} batch ${ack.batch}`).toEqual(batch.map(describe))
    }
    return report.entries
  } finally {
    await ledger.close()
  }
}

describe('SQLite ledger crash safety', () => {
  it(
    `keeps every acknowledged batch through ${ROUNDS} SIGKILLs at random moments`,
    () =>
      withTempDir(async (dir) => {
        const path = join(dir, 'ledger.db')
        const all: Ack[] = []
        let entries = 0
        // Each round's child loads while the round before runs; it touches the file only once
        // told to go.
        let next: Child | undefined = spawnChild(path, 0)
        try {
          for (let round = 0; round < ROUNDS; round++) {
            const current: Child = next!
            next = round + 1 < ROUNDS ? spawnChild(path, round + 1) : undefined
            // From "right after the first acknowledgement" to 50 ms of appends later.
            const delay = Math.floor(Math.random() * 50)
            const acks = await crashOnce(current, delay)
            expect(acks.length).toBeGreaterThan(0)
            // Positions continue where the file stood (a batch committed but not yet printed
            // when the kill came is there too, unacknowledged).
            expect(acks[0]!.first).toBeGreaterThan(entries)
            all.push(...acks)
            const last = acks.at(-1)!
            entries = await expectAcknowledged(path, acks)
            // The batch in flight when the kill came is either all there or not at all.
            const lastEnd = last.first + last.size - 1
            expect([lastEnd, lastEnd + crashBatch(round, last.batch + 1).length]).toContain(entries)
          }
        } finally {
          next?.proc.kill('SIGKILL')
        }
        // And nothing acknowledged in an earlier round was lost later.
        expect(await expectAcknowledged(path, all)).toBe(entries)
      }),
    90_000,
  )
})
