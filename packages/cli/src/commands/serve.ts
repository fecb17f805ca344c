import { readFileSync } from 'node:fs'
import { createDidCache, decodeOperation, parseDid } from '@marque/did'
import type { LedgerOperation } from '@marque/ledger'
import type { Command } from 'commander'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { didResolverFor, withLedgers } from '../ledger.js'
import { untilStopped } from '../options.js'
import { createResolverService } from '../serve/server.js'

type Run = (action: (ctx: Context) => Promise<void>) => Promise<void>

export interface ServeOptions {
  port: string
  host: string
  submit?: boolean
  apiKeyFile?: string
  cacheTtl: string
  cacheSize: string
}

function positiveInt(value: string, name: string, max: number): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 0 || n > max) {
    throw new CliError(CliErrorCode.Usage, `${name} must be an integer from 0 to ${max}`, {
      details: `got "${value}"`,
    })
  }
  return n
}

/**
 * The API key for submissions: from `--api-key-file` or `MARQUE_API_KEY`, never from the
 * command line (where other users could read it in the process list).
 */
function apiKey(ctx: Context, file: string | undefined): string {
  const key = file === undefined ? ctx.io.env.MARQUE_API_KEY : readFileSync(ctx.path(file), 'utf8').trim()
  if (key === undefined || key.length < 16) {
    throw new CliError(CliErrorCode.Config, 'submissions need an API key of at least 16 characters', {
      hint: 'set MARQUE_API_KEY or pass --api-key-file <file>',
    })
  }
  return key
}

export function registerServe(program: Command, run: Run): void {
  program
    .command('serve')
    .description('serve DID resolution over HTTP (the W3C DID Resolution binding) from the embedded ledger')
    .option('-p, --port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--submit', 'accept signed operations at POST /1.0/operations (needs an API key)')
    .option('--api-key-file <file>', 'file holding the API key (else MARQUE_API_KEY)')
    .option('--cache-ttl <seconds>', 'how long a current resolution stays cached', '60')
    .option('--cache-size <entries>', 'the most cached resolutions', '10000')
    .action((opts: ServeOptions) =>
      run(async (ctx) => {
        const port = positiveInt(opts.port, '--port', 65535)
        const ttlSeconds = positiveInt(opts.cacheTtl, '--cache-ttl', 86_400)
        const maxEntries = positiveInt(opts.cacheSize, '--cache-size', 10_000_000)
        const key = opts.submit ? apiKey(ctx, opts.apiKeyFile) : undefined
        await withLedgers(ctx, async (set) => {
          const ledger = set.local
          const { marque, resolver } = didResolverFor(set.ledgers, createDidCache({ ttlSeconds, maxEntries }))
          const service = createResolverService({
            resolver,
            ...(key === undefined
              ? {}
              : {
                  submit: {
                    ledger,
                    apiKey: key,
                    check: async (operations: readonly LedgerOperation[]) => {
                      // Junk would be ignored by resolvers anyway; refusing it here keeps the file small.
                      for (const op of operations) {
                        const parsed = parseDid(op.did)
                        if ('error' in parsed || parsed.network !== ledger.network) {
                          throw new CliError(
                            CliErrorCode.BadInput,
                            `${op.did} is not a did:marque DID of network ${ledger.network}`,
                          )
                        }
                        decodeOperation(op.bytes)
                        marque.invalidate(op.did)
                      }
                    },
                  },
                }),
          })
          const address = await service.listen(port, opts.host)
          const url = `http://${address.address}:${address.port}`
          ctx.result(
            { url, ledger: ledger.path },
            () => `resolving at ${url}/1.0/identifiers/{did} (ledger ${ledger.path})`,
          )
          await untilStopped(ctx)
          ctx.info('stopping: finishing requests in flight')
          await service.close()
        })
      }),
    )
}
