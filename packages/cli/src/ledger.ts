import { createResolver, type DidCache, type MarqueResolver, parseDid } from '@marque/did'
import type { Ledger } from '@marque/ledger'
import { openSqliteLedger, type SqliteLedger } from '@marque/ledger/sqlite'
import { createEvmLedger } from '@marque/ledger-evm'
import { Resolver } from 'did-resolver'
import { getResolver as keyResolver } from 'key-did-resolver'
import { type Hex, isHex } from 'viem'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { getResolver as webResolver } from 'web-did-resolver'
import type { Context } from './context.js'
import { CliError, CliErrorCode } from './errors.js'

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
export function resolverFor(ledger: Ledger): MarqueResolver {
  return createResolver({ ledgers: { [ledger.network]: ledger }, cache: false })
}

/**
 * The resolver of the long-running commands: did:marque over the given ledgers (with a
 * cache, when given), did:key and did:web. `marque` is returned too, to invalidate entries.
 */
export function didResolverFor(
  ledgers: Readonly<Record<string, Ledger>>,
  cache?: DidCache,
): { marque: MarqueResolver; resolver: Resolver } {
  const marque = createResolver({ ledgers, ...(cache === undefined ? {} : { cache }) })
  return { marque, resolver: new Resolver({ ...marque.getResolver(), ...keyResolver(), ...webResolver() }) }
}

/** Every ledger the configuration names: the embedded one, and an EVM network when set. */
export interface LedgerSet {
  readonly local: SqliteLedger
  readonly ledgers: Readonly<Record<string, Ledger>>
  /** The ledger of a network. @throws CliError `CLI_BAD_INPUT` for one not configured. */
  forNetwork(network: string): Ledger
  /** The ledger a DID is anchored on. @throws CliError `CLI_BAD_INPUT` for a malformed DID or an unconfigured network. */
  forDid(did: string): Ledger
}

/**
 * The EVM ledger of the configured network when `evmNetwork`, `evmRpcUrl` and `evmRegistry`
 * are all set, else undefined. It writes only with `MARQUE_EVM_PRIVATE_KEY` set, an account
 * that pays the gas: never read from a file or the command line.
 * @throws CliError `CLI_CONFIG` for a malformed `MARQUE_EVM_PRIVATE_KEY`.
 */
export async function openEvmLedger(ctx: Context): Promise<Ledger | undefined> {
  const { evmNetwork, evmRpcUrl, evmRegistry } = ctx.config
  if (evmNetwork === undefined || evmRpcUrl === undefined || evmRegistry === undefined) return undefined
  const account = evmAccount(ctx)
  return createEvmLedger({
    rpcUrl: evmRpcUrl,
    address: evmRegistry as Hex,
    network: evmNetwork,
    ...(account === undefined ? {} : { account }),
  })
}

/**
 * The account of `MARQUE_EVM_PRIVATE_KEY`, which signs and pays on the EVM network, or
 * undefined when it is not set. Read from the environment only, never from a file or the
 * command line, and never echoed.
 * @throws CliError `CLI_CONFIG` when it is not 0x and 64 hex digits.
 */
export function evmAccount(ctx: Context): LocalAccount | undefined {
  const key = ctx.io.env.MARQUE_EVM_PRIVATE_KEY || undefined
  if (key === undefined) return undefined
  if (!(isHex(key) && key.length === 66)) {
    throw new CliError(CliErrorCode.Config, 'MARQUE_EVM_PRIVATE_KEY must be 0x and 64 hex digits')
  }
  return privateKeyToAccount(key as Hex)
}

/**
 * Opens the embedded ledger and, when configured, the EVM ledger of that network
 * ({@link openEvmLedger}), runs `work`, and closes them.
 */
export async function withLedgers<T>(ctx: Context, work: (set: LedgerSet) => Promise<T>): Promise<T> {
  const local = await openSqliteLedger({ path: ctx.path(ctx.config.ledger), network: ctx.config.network })
  const ledgers: Record<string, Ledger> = { [local.network]: local }
  try {
    const evm = await openEvmLedger(ctx)
    if (evm !== undefined) ledgers[evm.network] = evm
    const forNetwork = (network: string): Ledger => {
      const ledger = ledgers[network]
      if (ledger === undefined) {
        throw new CliError(CliErrorCode.BadInput, `no ledger is configured for the network "${network}"`, {
          hint: `configured: ${Object.keys(ledgers).join(', ')} (see evmNetwork in docs/cli.md)`,
        })
      }
      return ledger
    }
    return await work({
      local,
      ledgers,
      forNetwork,
      forDid(did) {
        const parsed = parseDid(did)
        if ('error' in parsed)
          throw new CliError(CliErrorCode.BadInput, `${did} is not a did:marque DID`, {
            details: parsed.message,
          })
        return forNetwork(parsed.network)
      },
    })
  } finally {
    for (const ledger of Object.values(ledgers)) await ledger.close()
  }
}
