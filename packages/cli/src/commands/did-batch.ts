import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { createSigner, encodeMultikey, randomBytes } from '@marque/crypto'
import { createDidClient } from '@marque/did'
import { MAX_BATCH_OPERATIONS } from '@marque/ledger'
import type { Command } from 'commander'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { generateKey, loadKeyFile, saveKeyFile } from '../keys.js'
import { withLedger } from '../ledger.js'
import { startProgress } from '../progress.js'

type Run = (action: (ctx: Context) => Promise<void>) => Promise<void>

interface BatchOptions {
  count: string
  updateKey: string
  recoveryKey: string
  keysOut: string
  out: string
  batchSize: string
  force?: boolean
}

function count(value: string, name: string, max: number): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new CliError(CliErrorCode.Usage, `${name} must be an integer from 1 to ${max}`, {
      details: `got "${value}"`,
    })
  }
  return n
}

/**
 * `marque did create-batch`: a factory registers many devices, one ledger append per batch
 * (one locator per batch), with device keys made here and written to key files. The
 * manufacturer's update and recovery keys control every device until it is sold.
 *
 * Nothing acknowledged is lost: each device's key file is written before its batch is
 * appended, and each DID is appended (and synced) to the JSON-lines output as soon as its
 * batch is anchored. A crash between an append and its output line leaves key files whose
 * DIDs are on the ledger but not in the output; nothing else.
 */
export function registerDidBatch(did: Command, run: Run): void {
  did
    .command('create-batch')
    .description('register many devices in batches (one ledger append per batch), with a progress bar')
    .requiredOption('-n, --count <n>', 'how many devices')
    .requiredOption('--update-key <file>', "the manufacturer's update key (controls every device until sold)")
    .requiredOption(
      '--recovery-key <file>',
      "the manufacturer's recovery key (only its hash goes on the ledger)",
    )
    .requiredOption('--keys-out <dir>', 'where each device key is written (<multikey>.jwk, mode 0600)')
    .requiredOption('-o, --out <file>', 'JSON lines written as batches are anchored: {"did", "key"}')
    .option('--batch-size <n>', 'devices per ledger append', '1000')
    .option('-f, --force', 'append to an existing output file')
    .action((opts: BatchOptions) =>
      run(async (ctx) => {
        const total = count(opts.count, '--count', 10_000_000)
        const size = count(opts.batchSize, '--batch-size', MAX_BATCH_OPERATIONS)
        const update = await loadKeyFile(ctx.path(opts.updateKey))
        const recovery = await loadKeyFile(ctx.path(opts.recoveryKey))
        const keysDir = ctx.path(opts.keysOut)
        mkdirSync(keysDir, { recursive: true, mode: 0o700 })
        let out: number
        try {
          out = openSync(ctx.path(opts.out), opts.force ? 'a' : 'wx', 0o600)
        } catch (cause) {
          throw new CliError(
            (cause as NodeJS.ErrnoException).code === 'EEXIST'
              ? CliErrorCode.FileExists
              : CliErrorCode.FileUnwritable,
            `cannot write ${opts.out}`,
            { cause, hint: 'choose another --out, or pass --force to append to it' },
          )
        }
        const progress = startProgress(ctx, 'registering', total)
        let done = 0
        const started = performance.now()
        try {
          await withLedger(ctx, async (ledger) => {
            const client = createDidClient({ ledger })
            while (done < total) {
              const n = Math.min(size, total - done)
              const keys = await Promise.all(Array.from({ length: n }, () => generateKey('Ed25519')))
              const signers = await Promise.all(keys.map((k) => createSigner({ secretKey: k.secretKey })))
              // Key files first, named by the public key: a device's key is on disk before its
              // DID exists, so a crash after the append never leaves a DID without its key.
              const files = keys.map((k) => {
                const file = join(keysDir, `${encodeMultikey(k.publicKey, 'Ed25519')}.jwk`)
                saveKeyFile(file, k)
                return file
              })
              const batch = await client.createBatch({
                devices: signers.map((deviceKey) => ({
                  deviceKey,
                  updateKey: update.publicKey,
                  recoveryKey: recovery.publicKey,
                })),
                locator: randomBytes(6),
              })
              let lines = ''
              batch.dids.forEach((d, i) => {
                lines += `${JSON.stringify({ did: d.did, key: files[i] })}\n`
              })
              writeSync(out, lines)
              fsyncSync(out)
              done += n
              progress.increment(n)
            }
          })
        } finally {
          progress.stop()
          closeSync(out)
        }
        const seconds = (performance.now() - started) / 1000
        ctx.result(
          { registered: done, seconds, perSecond: Math.round(done / seconds), out: ctx.path(opts.out) },
          () =>
            `registered ${done.toLocaleString('en-US')} devices in ${seconds.toFixed(1)} s (${Math.round(done / seconds).toLocaleString('en-US')}/s); DIDs in ${opts.out}`,
        )
      }),
    )
}
