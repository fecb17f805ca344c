import { existsSync } from 'node:fs'
import { createDidResolver } from '@marque/credentials/resolvers'
import { getResolver, parseDid } from '@marque/did'
import type { Ledger } from '@marque/ledger'
import { openSqliteLedger, type SqliteLedger } from '@marque/ledger/sqlite'
import type { DIDResolutionResult, DIDResolver, Resolver } from 'did-resolver'
import type { Context } from '../context.js'
import { openEvmLedger } from '../ledger.js'

/**
 * Runs `work` with a DID resolver for `did:marque` (the configured ledger, and the EVM
 * network when one is configured), `did:key` and `did:web`, and closes the ledgers
 * afterwards. The embedded ledger is opened only when its file exists: verifying a `did:web`
 * credential must not leave an empty ledger behind. Without it, `did:marque` DIDs of its
 * network resolve to `notFound` with a message naming the missing file.
 */
export async function withResolver<T>(
  ctx: Context,
  work: (resolver: Resolver, ledger: SqliteLedger | undefined) => Promise<T>,
): Promise<T> {
  const path = ctx.path(ctx.config.ledger)
  const ledgers: Record<string, Ledger> = {}
  let local: SqliteLedger | undefined
  try {
    if (existsSync(path)) {
      local = await openSqliteLedger({ path, network: ctx.config.network })
      ledgers[local.network] = local
    }
    const evm = await openEvmLedger(ctx)
    if (evm !== undefined) ledgers[evm.network] = evm
    const marque: DIDResolver =
      Object.keys(ledgers).length === 0
        ? async () => missingLedger(path)
        : getResolver({ ledgers, cache: false }).marque!
    const methods = {
      marque: ((did, parsed, resolver, options) => {
        const network = parseDid(did)
        return local === undefined && !('error' in network) && network.network === ctx.config.network
          ? Promise.resolve(missingLedger(path))
          : marque(did, parsed, resolver, options)
      }) satisfies DIDResolver,
    }
    return await work(createDidResolver({ methods }), local)
  } finally {
    for (const ledger of Object.values(ledgers)) await ledger.close()
  }
}

function missingLedger(path: string): DIDResolutionResult {
  return {
    didResolutionMetadata: {
      error: 'notFound',
      message: `there is no ledger file at ${path} (set ledger in the configuration or MARQUE_LEDGER)`,
    },
    didDocument: null,
    didDocumentMetadata: {},
  }
}
