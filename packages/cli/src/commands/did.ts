import { renameSync } from 'node:fs'
import { join } from 'node:path'
import { createSigner } from '@marque/crypto'
import {
  createDidClient,
  createResolver,
  parseDid,
  readHistory,
  type Service,
  ServiceType,
} from '@marque/did'
import type { Command } from 'commander'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { generateKey, type KeyFile, loadKeyFile, loadSigner, saveKeyFile } from '../keys.js'
import { withLedgers } from '../ledger.js'
import { collect } from '../options.js'
import { registerDidBatch } from './did-batch.js'

type Run = (action: (ctx: Context) => Promise<void>) => Promise<void>

/** `--service 3=tcp://gw:7400` or `--service MarqueHandshake=tcp://…` (id = position). */
function parseServices(specs: readonly string[]): Service[] {
  return specs.map((spec, id) => {
    const at = spec.indexOf('=')
    const type = spec.slice(0, at)
    const endpoint = spec.slice(at + 1)
    if (at <= 0 || !(type in ServiceType)) {
      throw new CliError(CliErrorCode.Usage, `bad --service "${spec}"`, {
        hint: `use TYPE=URI with TYPE one of ${Object.keys(ServiceType).join(', ')}`,
      })
    }
    return { id, type: type as keyof typeof ServiceType, endpoint }
  })
}

async function keyOrNew(
  ctx: Context,
  file: string | undefined,
  dir: string,
  name: string,
  written: string[],
): Promise<KeyFile> {
  if (file !== undefined) return loadKeyFile(ctx.path(file))
  const key = await generateKey(name === 'agreement' ? 'X25519' : 'Ed25519')
  const path = join(dir, `${name}.jwk`)
  saveKeyFile(path, key)
  written.push(path)
  return key
}

export function registerDid(program: Command, run: Run): void {
  const did = program
    .command('did')
    .description('create, resolve and manage did:marque DIDs on the configured ledger')

  did
    .command('create')
    .description('register a new DID; keys not given are generated into --keys-out')
    .option('--device-key <file>', 'the device Ed25519 key (signs the genesis)')
    .option('--update-key <file>', "the controller's Ed25519 update key")
    .option(
      '--recovery-key <file>',
      "the controller's Ed25519 recovery key (only its hash goes on the ledger)",
    )
    .option('--agreement-key <file>', 'an X25519 key-agreement key')
    .option('--no-agreement', 'no key-agreement key')
    .option('--service <TYPE=URI>', 'a service endpoint (repeatable)', collect, [])
    .option('--keys-out <dir>', 'where generated keys go (default <keysDir>/<new DID id>)')
    .option(
      '--network <name>',
      "the network to register on (default: the embedded ledger's; or the configured evmNetwork)",
    )
    .action(
      (opts: {
        deviceKey?: string
        updateKey?: string
        recoveryKey?: string
        agreementKey?: string
        agreement: boolean
        service: string[]
        keysOut?: string
        network?: string
      }) =>
        run(async (ctx) => {
          // Generated keys go to a staging directory named after the DID once it exists; if
          // registration fails they stay where they are, and the error says where.
          const staging = ctx.path(
            opts.keysOut ?? join(ctx.config.keysDir, `.new-${process.pid}-${Date.now()}`),
          )
          const written: string[] = []
          const device = await keyOrNew(ctx, opts.deviceKey, staging, 'device', written)
          const update = await keyOrNew(ctx, opts.updateKey, staging, 'update', written)
          const recovery = await keyOrNew(ctx, opts.recoveryKey, staging, 'recovery', written)
          const agreement = opts.agreement
            ? await keyOrNew(ctx, opts.agreementKey, staging, 'agreement', written)
            : undefined
          const result = await withLedgers(ctx, async (set) => {
            const client = createDidClient({ ledger: set.forNetwork(opts.network ?? ctx.config.network) })
            return client.create({
              deviceKey: await createSigner({ secretKey: device.secretKey }),
              updateKey: update.publicKey,
              recoveryKey: recovery.publicKey,
              ...(agreement === undefined ? {} : { agreementKeys: [agreement.publicKey] }),
              services: parseServices(opts.service),
            })
          })
          let keys = written
          if (opts.keysOut === undefined && written.length > 0) {
            const parsed = parseDid(result.did)
            const final = ctx.path(join(ctx.config.keysDir, 'error' in parsed ? 'unknown' : parsed.id))
            renameSync(staging, final)
            keys = written.map((w) => join(final, w.slice(staging.length + 1)))
          }
          ctx.result(
            { did: result.did, versionId: result.versionId, keys, document: result.document },
            () => [result.did, ...keys.map((w) => `  key written: ${w}`)],
          )
        }),
    )

  registerDidBatch(did, run)

  did
    .command('resolve')
    .description('resolve a DID (optionally as it was at a time or version)')
    .argument('<did>', 'the DID or DID URL')
    .option('--version-time <datetime>', 'e.g. 2026-01-31T12:00:00Z')
    .option('--version-id <n>', 'the version number')
    .action((didUrl: string, opts: { versionTime?: string; versionId?: string }) =>
      run(async (ctx) => {
        const params = new URLSearchParams()
        if (opts.versionTime !== undefined) params.set('versionTime', opts.versionTime)
        if (opts.versionId !== undefined) params.set('versionId', opts.versionId)
        const query = params.size > 0 ? `${didUrl.includes('?') ? '&' : '?'}${params}` : ''
        const result = await withLedgers(ctx, (set) =>
          createResolver({ ledgers: set.ledgers, cache: false }).resolve(`${didUrl}${query}`),
        )
        const error = result.didResolutionMetadata.error
        ctx.result(result, () => JSON.stringify(result, null, 2))
        if (error !== undefined) {
          throw new CliError(
            error === 'notFound' ? CliErrorCode.NotFound : CliErrorCode.BadInput,
            `resolution failed: ${error}`,
            {
              ...(typeof result.didResolutionMetadata.message === 'string'
                ? { details: result.didResolutionMetadata.message }
                : {}),
            },
          )
        }
      }),
    )

  did
    .command('update')
    .description("replace a DID's services (and optionally its update key)")
    .argument('<did>')
    .requiredOption('--update-key <file>', 'the current update key')
    .option('--service <TYPE=URI>', 'a service endpoint (repeatable); none clears them', collect, [])
    .option('--new-update-key <file>', 'hand updates over to this key')
    .action((target: string, opts: { updateKey: string; service: string[]; newUpdateKey?: string }) =>
      run(async (ctx) => {
        const updateKey = await loadSigner(ctx.path(opts.updateKey))
        const next =
          opts.newUpdateKey === undefined ? undefined : await loadKeyFile(ctx.path(opts.newUpdateKey))
        const result = await withLedgers(ctx, (set) =>
          createDidClient({ ledger: set.forDid(target) }).update({
            did: target,
            updateKey,
            services: parseServices(opts.service),
            ...(next === undefined ? {} : { newUpdateKey: next.publicKey }),
          }),
        )
        ctx.result(
          { did: result.did, versionId: result.versionId },
          () => `${result.did} is at version ${result.versionId}`,
        )
      }),
    )

  did
    .command('rotate')
    .description("replace a DID's device keys")
    .argument('<did>')
    .requiredOption('--update-key <file>', 'the current update key')
    .requiredOption('--key <file>', 'a new Ed25519 device key (repeatable)', collect, [])
    .action((target: string, opts: { updateKey: string; key: string[] }) =>
      run(async (ctx) => {
        const updateKey = await loadSigner(ctx.path(opts.updateKey))
        const keys = await Promise.all(opts.key.map(async (k) => (await loadKeyFile(ctx.path(k))).publicKey))
        const result = await withLedgers(ctx, (set) =>
          createDidClient({ ledger: set.forDid(target) }).rotate({ did: target, updateKey, keys }),
        )
        ctx.result(
          { did: result.did, versionId: result.versionId },
          () => `${result.did} rotated to version ${result.versionId}`,
        )
      }),
    )

  did
    .command('transfer')
    .description('transfer control of a DID to a new owner (signed by the recovery key)')
    .argument('<did>')
    .requiredOption('--recovery-key <file>', 'the current recovery key')
    .requiredOption('--new-update-key <file>', "the new owner's update key")
    .requiredOption('--new-recovery-key <file>', "the new owner's recovery key")
    .action((target: string, opts: { recoveryKey: string; newUpdateKey: string; newRecoveryKey: string }) =>
      run(async (ctx) => {
        const recoveryKey = await loadSigner(ctx.path(opts.recoveryKey))
        const updateKey = (await loadKeyFile(ctx.path(opts.newUpdateKey))).publicKey
        const nextRecoveryKey = (await loadKeyFile(ctx.path(opts.newRecoveryKey))).publicKey
        const result = await withLedgers(ctx, (set) =>
          createDidClient({ ledger: set.forDid(target) }).transfer({
            did: target,
            recoveryKey,
            updateKey,
            nextRecoveryKey,
          }),
        )
        ctx.result(
          { did: result.did, versionId: result.versionId },
          () => `${result.did} transferred (version ${result.versionId})`,
        )
      }),
    )

  did
    .command('deactivate')
    .description('deactivate a DID for good (signed by the recovery key)')
    .argument('<did>')
    .requiredOption('--recovery-key <file>', 'the current recovery key')
    .action((target: string, opts: { recoveryKey: string }) =>
      run(async (ctx) => {
        const recoveryKey = await loadSigner(ctx.path(opts.recoveryKey))
        const result = await withLedgers(ctx, (set) =>
          createDidClient({ ledger: set.forDid(target) }).deactivate({ did: target, recoveryKey }),
        )
        ctx.result(
          { did: result.did, versionId: result.versionId, deactivated: true },
          () => `${result.did} is deactivated`,
        )
      }),
    )

  did
    .command('log')
    .description("a DID's operations in ledger order, and those ignored with the reason")
    .argument('<did>')
    .action((target: string) =>
      run(async (ctx) => {
        const history = await withLedgers(ctx, (set) =>
          readHistory({ ledger: set.forDid(target), did: target, explain: true }),
        )
        if (history.versions.length === 0 && history.ignored.length === 0) {
          throw new CliError(CliErrorCode.NotFound, `${target} has no operations on this ledger`, {
            hint: 'check the DID and the configured ledger (--config, MARQUE_LEDGER)',
          })
        }
        const data = {
          did: history.did,
          versions: history.versions.map((v) => ({
            versionId: v.versionId,
            type: v.type,
            cid: v.cid,
            position: v.position,
            time: new Date(v.time * 1000).toISOString().replace('.000Z', 'Z'),
            anchorId: v.anchorId,
          })),
          ignored: history.ignored,
        }
        ctx.result(data, () => [
          ...data.versions.map((v) => `v${v.versionId}  ${v.type.padEnd(10)} ${v.time}  ${v.cid}`),
          ...history.ignored.map((i) => `ignored at position ${i.position}: ${i.code} ${i.message}`),
        ])
      }),
    )
}
