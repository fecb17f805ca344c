import { existsSync } from 'node:fs'
import { createDidResolver } from '@marque/credentials/resolvers'
import { getResolver } from '@marque/did'
import { openSqliteLedger, type SqliteLedger } from '@marque/ledger/sqlite'
import type { DIDResolutionResult, Resolver } from 'did-resolver'
import type { Context } from '../context.js'

/**
 * Runs `work` with a DID resolver for `did:marque` (the configured ledger), `did:key` and
 * `did:web`, and closes the ledger afterwards. The ledger is opened only when its file
 * exists: verifying a `did:web` credential must not leave an empty ledger behind. Without
 * it, `did:marque` DIDs resolve to `notFound` with a message naming the missing file.
 */
export async function withResolver<T>(
  ctx: Context,
  work: (resolver: Resolver, ledger: SqliteLedger | undefined) => Promise<T>,
): Promise<T> {
  const path = ctx.path(ctx.config.ledger)
  const ledger = existsSync(path) ? await openSqliteLedger({ path, network: ctx.config.network }) : undefined
  const marque =
    ledger === undefined
      ? {
          marque: async (): Promise<DIDResolutionResult> => ({
            didResolutionMetadata: {
              error: 'notFound',
              message: `there is no ledger file at ${path} (set ledger in the configuration or MARQUE_LEDGER)`,
            },
            didDocument: null,
            didDocumentMetadata: {},
          }),
        }
      : getResolver({ ledgers: { [ledger.network]: ledger }, cache: false })
  try {
    return await work(createDidResolver({ methods: marque }), ledger)
  } finally {
    await ledger?.close()
  }
}
