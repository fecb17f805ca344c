import type { KeyType } from '@marque/crypto'
import { toHex } from '@marque/crypto'
import type { Command } from 'commander'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { writePrivateFile } from '../files.js'
import { describeKey, generateKey, loadKeyFile, saveKeyFile } from '../keys.js'

type Run = (action: (ctx: Context) => Promise<void>) => Promise<void>

function keyType(value: string): KeyType {
  const v = value.toLowerCase()
  if (v === 'ed25519') return 'Ed25519'
  if (v === 'x25519') return 'X25519'
  throw new CliError(CliErrorCode.Usage, `unknown key type "${value}"`, { hint: 'use ed25519 or x25519' })
}

export function registerKeys(program: Command, run: Run): void {
  const keys = program.command('keys').description('make and inspect key files (private JWKs, mode 0600)')

  keys
    .command('generate')
    .description('make a new key and write it to a file readable by you only')
    .requiredOption('-o, --out <file>', 'where to write the private key')
    .option('-t, --type <type>', 'ed25519 (signing, the default) or x25519 (key agreement)', 'ed25519')
    .option('-f, --force', 'replace an existing file')
    .action((opts: { out: string; type: string; force?: boolean }) =>
      run(async (ctx) => {
        const key = await generateKey(keyType(opts.type))
        const path = ctx.path(opts.out)
        saveKeyFile(path, key, { force: opts.force === true })
        const info = describeKey(key)
        ctx.result({ file: path, ...info }, () => [
          `wrote ${path} (${info.type})`,
          `multikey ${info.multikey}`,
        ])
      }),
    )

  keys
    .command('show')
    .description('print the public parts of a key file')
    .argument('<file>', 'a key file')
    .action((file: string) =>
      run(async (ctx) => {
        const info = describeKey(await loadKeyFile(ctx.path(file)))
        ctx.result(info, () => [
          `type       ${info.type}`,
          `multikey   ${info.multikey}`,
          `did:key    ${info.didKey}`,
          `thumbprint ${info.thumbprint}`,
          `jwk        ${JSON.stringify(info.jwk)}`,
        ])
      }),
    )

  keys
    .command('export')
    .description('write a key in another format (secret formats only to a file, mode 0600)')
    .argument('<file>', 'a key file')
    .requiredOption('--format <format>', 'public-jwk, multikey, private-jwk or seed-hex')
    .option('-o, --out <file>', 'where to write (required for private-jwk and seed-hex)')
    .option('-f, --force', 'replace an existing file')
    .action((file: string, opts: { format: string; out?: string; force?: boolean }) =>
      run(async (ctx) => {
        const key = await loadKeyFile(ctx.path(file))
        const info = describeKey(key)
        const secret = opts.format === 'private-jwk' || opts.format === 'seed-hex'
        let text: string
        if (opts.format === 'public-jwk') text = JSON.stringify(info.jwk)
        else if (opts.format === 'multikey') text = info.multikey
        else if (opts.format === 'private-jwk')
          text = JSON.stringify({ ...info.jwk, d: Buffer.from(key.secretKey).toString('base64url') })
        else if (opts.format === 'seed-hex') text = toHex(key.secretKey)
        else {
          throw new CliError(CliErrorCode.Usage, `unknown format "${opts.format}"`, {
            hint: 'use public-jwk, multikey, private-jwk or seed-hex',
          })
        }
        if (opts.out === undefined) {
          if (secret) {
            throw new CliError(
              CliErrorCode.Usage,
              `--format ${opts.format} writes a secret and needs --out <file>`,
              {
                hint: 'secrets are never printed to the terminal',
              },
            )
          }
          ctx.result({ format: opts.format, value: text }, () => text)
          return
        }
        const path = ctx.path(opts.out)
        writePrivateFile(path, `${text}\n`, { force: opts.force === true })
        ctx.result({ format: opts.format, file: path }, () => `wrote ${path}`)
      }),
    )
}
