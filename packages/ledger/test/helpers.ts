// Shared by the SQLite ledger's tests: temporary directories and operations.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes, toHex } from '@marque/crypto'
import type { LedgerOperation } from '../src/index.js'

/** Runs `body` with a fresh directory under the OS temp dir, removed afterwards. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'marque-ledger-'))
  try {
    return await body(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export function newDid(): string {
  return `did:marque:${toHex(randomBytes(15))}`
}

/** `count` operations of ~200 random bytes, spread over `dids`. */
export function ops(count: number, dids: readonly string[] = [newDid()]): LedgerOperation[] {
  return Array.from({ length: count }, (_, i) => ({ did: dids[i % dids.length]!, bytes: randomBytes(200) }))
}
