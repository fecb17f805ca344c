import { createResolver, type MarqueResolver } from '@marque/did'
import { openSqliteLedger, type SqliteLedger } from '@marque/ledger/sqlite'
import type { Context } from './context.js'

/**
 * Opens the embedded ledger named by the configuration (`ledger`, `network`), runs `work`,
 * and closes the ledger whatever happens.
 */
export async function withLedger<T>(ctx: Context, work: (ledger: SqliteLedger) => Promise<T>): Promise<T> {
  const ledger = await openSqliteLedger({ path: ctx.path(ctx.config.ledger), network: ctx.config.network })
  try {
    return await work(ledger)
  } finally {
    await ledger.close()
  }
}

/** A did:marque resolver over the configured ledger, without a cache (one-shot commands). */
export function resolverFor(ledger: SqliteLedger): MarqueResolver {
  return createResolver({ ledgers: { [ledger.network]: ledger }, cache: false })
}
