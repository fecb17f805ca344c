import { statSync } from 'node:fs'
import { deployRegistry } from '@marque/ledger-evm'
import type { Command } from 'commander'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { evmAccount, withLedger } from '../ledger.js'

type Run = (action: (ctx: Context) => Promise<void>) => Promise<void>

export function registerLedger(program: Command, run: Run): void {
  const ledger = program
    .command('ledger')
    .description('inspect the embedded SQLite ledger; deploy a registry on an EVM network')

  ledger
    .command('audit')
    .description("recompute the ledger's hash chain and report the first entry that does not check out")
    .option('--pin <position:hash>', 'a head recorded earlier elsewhere (from `marque ledger stats`)')
    .action((opts: { pin?: string }) =>
      run(async (ctx) => {
        let pin: { position: number; hash: string } | undefined
        if (opts.pin !== undefined) {
          const [position, hash] = opts.pin.split(':')
          if (!/^\d+$/.test(position ?? '') || !/^[0-9a-f]{64}$/.test(hash ?? '')) {
            throw new CliError(CliErrorCode.Usage, 'bad --pin', {
              hint: 'use POSITION:HASH as `marque ledger stats` prints it',
            })
          }
          pin = { position: Number(position), hash: hash! }
        }
        const report = await withLedger(ctx, (l) => l.audit(pin === undefined ? {} : { pin }))
        ctx.result(report, () =>
          report.ok
            ? `ok: ${report.entries} entries, head ${report.head.position}:${report.head.hash}`
            : `TAMPERED at position ${report.firstBad?.position}: ${report.firstBad?.reason} (${report.firstBad?.message})`,
        )
        if (!report.ok) {
          throw new CliError(CliErrorCode.Refused, 'the ledger failed its audit', {
            hint: 'restore the file from a backup; the report names the first bad entry',
          })
        }
      }),
    )

  ledger
    .command('stats')
    .description('entries, head (to pin elsewhere), network, domain and file size')
    .action(() =>
      run(async (ctx) => {
        const stats = await withLedger(ctx, async (l) => {
          const head = await l.head()
          return {
            path: l.path,
            network: l.network,
            domain: l.domain,
            durability: l.durability,
            entries: head.position,
            head: `${head.position}:${head.hash}`,
            bytes: statSync(l.path).size,
          }
        })
        ctx.result(stats, () => [
          `file       ${stats.path} (${stats.bytes.toLocaleString('en-US')} bytes)`,
          `network    ${stats.network}`,
          `domain     ${stats.domain}`,
          `entries    ${stats.entries.toLocaleString('en-US')}`,
          `head       ${stats.head}`,
        ])
      }),
    )

  ledger
    .command('deploy-registry')
    .description(
      'deploy a MarqueRegistry contract on an EVM network (paid by MARQUE_EVM_PRIVATE_KEY) and print its address',
    )
    .option('--rpc-url <url>', "the network's JSON-RPC endpoint (default: evmRpcUrl from the configuration)")
    .action((opts: { rpcUrl?: string }) =>
      run(async (ctx) => {
        const rpcUrl = opts.rpcUrl ?? ctx.config.evmRpcUrl
        if (rpcUrl === undefined) {
          throw new CliError(CliErrorCode.Usage, 'no EVM network to deploy on', {
            hint: 'give --rpc-url, or set evmRpcUrl in the configuration (MARQUE_EVM_RPC_URL)',
          })
        }
        const account = evmAccount(ctx)
        if (account === undefined) {
          throw new CliError(CliErrorCode.Config, 'deploying needs an account that pays for it', {
            hint: 'set MARQUE_EVM_PRIVATE_KEY (0x and 64 hex digits) in the environment',
          })
        }
        ctx.info(`deploying a MarqueRegistry from ${account.address}`)
        const deployed = await deployRegistry({ rpcUrl, account })
        ctx.result(
          {
            registry: deployed.address,
            blockNumber: deployed.blockNumber,
            transactionHash: deployed.transactionHash,
          },
          () => [
            `registry   ${deployed.address}`,
            `block      ${deployed.blockNumber} (transaction ${deployed.transactionHash})`,
            'set evmRegistry (MARQUE_EVM_REGISTRY) to it, with evmNetwork and evmRpcUrl',
          ],
        )
      }),
    )
}
