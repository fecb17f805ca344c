// Shared test helpers: fixed keys, a controllable clock, and the ledgers every DID test runs
// against. Add a ledger implementation to `ledgerFactories` and every suite that iterates it
// runs on that ledger too.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSigner, generateSigner, type Signer } from '@marque/crypto'
import { createMemoryLedger, type Ledger } from '@marque/ledger'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { afterEach } from 'vitest'

export interface DidTestLedgerOptions {
  network?: string
  domain?: string
  /** Milliseconds since the epoch. */
  now?: () => number
}

export interface DidTestLedger {
  ledger: Ledger
  cleanup?(): Promise<void>
}

export interface DidLedgerFactory {
  name: string
  make(options?: DidTestLedgerOptions): Promise<DidTestLedger>
}

export const ledgerFactories: DidLedgerFactory[] = [
  {
    name: 'memory',
    async make(options = {}) {
      return { ledger: createMemoryLedger(options) }
    },
  },
  {
    name: 'SQLite',
    async make(options = {}) {
      const dir = await mkdtemp(join(tmpdir(), 'marque-did-'))
      const ledger = await openSqliteLedger({ path: join(dir, 'ledger.db'), ...options })
      return { ledger, cleanup: () => rm(dir, { recursive: true, force: true }) }
    },
  },
]

/** A signer whose 32-byte seed is `byte` repeated: deterministic keys for vectors. */
export function fixedSigner(byte: number): Promise<Signer> {
  return createSigner({ secretKey: new Uint8Array(32).fill(byte) })
}

/** A clock the test moves by hand; starts at 2025-01-01T00:00:00Z. */
export function manualClock(start = Date.UTC(2025, 0, 1)) {
  let ms = start
  return {
    now: () => ms,
    advance(seconds: number) {
      ms += seconds * 1000
    },
    seconds: () => Math.floor(ms / 1000),
  }
}

/**
 * Makes ledgers with `factory` for the tests of the enclosing `describe`, and closes and
 * cleans each up after its test.
 */
export function trackLedgers(factory: DidLedgerFactory): (options?: DidTestLedgerOptions) => Promise<Ledger> {
  const made: DidTestLedger[] = []
  afterEach(async () => {
    for (const m of made.splice(0)) {
      await m.ledger.close().catch(() => undefined) // some tests close it themselves
      await m.cleanup?.()
    }
  })
  return async (options = {}) => {
    const m = await factory.make(options)
    made.push(m)
    return m.ledger
  }
}

/** Fresh device, update and recovery keys. */
export async function generateKeys(): Promise<{ device: Signer; update: Signer; recovery: Signer }> {
  return { device: await generateSigner(), update: await generateSigner(), recovery: await generateSigner() }
}
