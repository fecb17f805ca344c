// Shared test helpers: fixed keys, a controllable clock, and the ledgers every DID test runs
// against. Add a ledger implementation to `ledgerFactories` and every suite that iterates it
// runs on that ledger too.
import { createSigner, type Signer } from '@marque/crypto'
import { createMemoryLedger, type Ledger } from '@marque/ledger'

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
