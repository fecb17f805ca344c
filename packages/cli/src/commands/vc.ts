import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  CredentialError,
  CredentialErrorCode,
  type CredentialFormat,
  createVerifier,
  issueCredential,
  MIN_STATUS_LIST_LENGTH,
  type VerifiedCredential,
} from '@marque/credentials'
import { createNodeStatusListFetcher } from '@marque/credentials/node'
import type { Command } from 'commander'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { collect } from '../options.js'
import { refuseExisting, writeFileAtomic } from '../vc/atomic.js'
import { issueBatch } from '../vc/batch.js'
import { CHECKLIST, passedChecklist, stepOf, withStep } from '../vc/checklist.js'
import {
  DEVICE_COLUMNS,
  type DeviceColumn,
  type DeviceDefaults,
  deviceCredential,
  todayUtc,
} from '../vc/devices.js'
import { type Issuer, type IssuerOptions, loadIssuer } from '../vc/issuer.js'
import { loadPolicy } from '../vc/policy.js'
import { publishLists } from '../vc/publish.js'
import { createRegistryFile, openRegistry, withRegistry } from '../vc/registry.js'
import { readRegistryInfo } from '../vc/registry-info.js'
import { withResolver } from '../vc/resolver.js'
import { rowFormatOf } from '../vc/rows.js'
import { statusIndexOf } from '../vc/status-index.js'
import { credentialArgument, readToken } from '../vc/token.js'

type Run = (action: (ctx: Context) => Promise<void>) => Promise<void>

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(CliErrorCode.Usage, `${name} must be an integer from ${min} to ${max}`, {
      details: `got "${value}"`,
    })
  }
  return n
}

function credentialFormat(value: string): CredentialFormat {
  if (value === 'vc+jwt' || value === 'vc-jwt-1.1') return value
  throw new CliError(CliErrorCode.Usage, `unknown credential format "${value}"`, {
    hint: 'use vc+jwt or vc-jwt-1.1',
  })
}

function issuerOptions(command: Command): Command {
  return command
    .option('--issuer <did>', 'the issuer DID (default: issuer in the configuration, MARQUE_ISSUER)')
    .option('--key <file>', "the issuer's Ed25519 key file (default: issuerKey, MARQUE_ISSUER_KEY)")
    .option('--kid <id>', "the issuer's assertion method to sign as (default: the one holding --key)")
}

function registryOption(command: Command): Command {
  return command.option(
    '--registry <file>',
    'the status registry file (default: statusRegistry, ./status-registry.json)',
  )
}

const OPTION_DESCRIPTIONS: Partial<Record<DeviceColumn, string>> = {
  model: 'model name (hwmodel; at most 32 bytes of UTF-8)',
  hwversion: 'hardware revision (hwversion)',
  hwversion_scheme: 'CoSWID version scheme of --hwversion (e.g. 1, 16384)',
  swname: 'firmware name (swname)',
  swversion: 'firmware version (swversion)',
  swversion_scheme: 'CoSWID version scheme of --swversion (e.g. 16384 for semver)',
  oemid: 'manufacturer id (oemid): an IANA PEN, or base64url of an OUI or 16-byte id',
  manufacture_date: 'manufacture date, YYYY-MM-DD (default: today, UTC)',
  manufacturer: "manufacturer's display name",
  valid_until: 'end of validity, an RFC 3339 date-time (default: none)',
}

const flagOf = (column: string) => column.replace(/_/g, '-')
const keyOf = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** The device options (`--model`, `--hwversion`, …): every row's value for its column. */
function deviceOptions(command: Command, batch: boolean): Command {
  for (const [column, spec] of Object.entries(DEVICE_COLUMNS)) {
    if (!spec.option) continue
    const description = OPTION_DESCRIPTIONS[column as DeviceColumn] ?? column
    command.option(
      `--${flagOf(column)} <value>`,
      batch ? `${description}, for rows without the column` : description,
    )
  }
  return command
}

function deviceDefaults(opts: Record<string, unknown>): DeviceDefaults {
  const defaults: DeviceDefaults = {}
  for (const column of Object.keys(DEVICE_COLUMNS) as DeviceColumn[]) {
    const value = opts[keyOf(column)]
    if (typeof value === 'string') defaults[column] = value
  }
  return defaults
}

function statusOn(ctx: Context, flag: boolean | undefined): boolean {
  return flag ?? ctx.config.status === 'on'
}

function registryPath(ctx: Context, file: string | undefined): string {
  return ctx.path(file ?? ctx.config.statusRegistry)
}

/** Claim and schema problems found while issuing are the input's fault, not a refusal. */
function asBadInput(error: unknown): unknown {
  if (
    error instanceof CredentialError &&
    (error.code === CredentialErrorCode.SchemaInvalid || error.code === CredentialErrorCode.InvalidArgument)
  ) {
    return new CliError(CliErrorCode.BadInput, error.message, { cause: error, details: error.code })
  }
  return error
}

const time = (seconds: number | undefined) =>
  seconds === undefined ? '-' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')

function checklistLines(rows: { step: number; check: string; outcome: string }[]): string[] {
  return rows.map((r) => {
    const mark = r.outcome === 'passed' ? 'ok  ' : r.outcome === 'not applicable' ? '--  ' : 'FAIL'
    return `  ${mark} ${String(r.step).padStart(2)} ${r.check}${r.outcome.startsWith('refused') ? `: ${r.outcome.slice(9)}` : ''}`
  })
}

function describeVerified(
  verified: VerifiedCredential,
  checks: ReturnType<typeof passedChecklist>,
): string[] {
  const type = verified.types.filter((t) => t !== 'VerifiableCredential').join(', ')
  const status = verified.status.map((s) => `${s.purpose} #${s.index} clear`).join(', ')
  return [
    `valid ${type} (${verified.format})`,
    `  issuer   ${verified.issuer}`,
    `  subject  ${verified.subject}`,
    `  key      ${verified.kid}`,
    `  issued   ${time(verified.issuedAt)}`,
    `  valid    from ${time(verified.validFrom)} until ${time(verified.validUntil)}`,
    `  status   ${status === '' ? 'none (the issuer cannot revoke it)' : status}`,
    'checklist:',
    ...checklistLines(checks),
  ]
}

/**
 * The checklist of a refused credential: the steps that ran before the failing one (those
 * that applied), then the failure. For display only; the exit code and error code say it.
 */
function refusedChecklist(
  jwt: string,
  error: CredentialError,
  applies: { policy: boolean; subject: boolean },
): { step: number; check: string; outcome: string }[] {
  const failed = error.code === CredentialErrorCode.UntrustedIssuer ? 5 : (stepOf(error.code) ?? 0)
  let status = false
  try {
    status = readToken(jwt).status.length > 0
  } catch {}
  const on = { ...applies, status }
  return CHECKLIST.filter((s) => s.step <= failed && (s.when === undefined || on[s.when])).map((s) => ({
    step: s.step,
    check: s.check,
    outcome: s.step === failed ? `refused: ${error.code}` : 'passed',
  }))
}

export function registerVc(program: Command, run: Run): void {
  const vc = program
    .command('vc')
    .description('issue, verify, revoke and suspend device credentials; publish status lists')

  issuerOptions(
    registryOption(
      deviceOptions(
        vc
          .command('issue')
          .description(
            'issue a DeviceIdentityCredential to one device; prints the credential (a compact JWS)',
          )
          .requiredOption('--subject <did>', "the device's DID")
          .requiredOption('--serial <serial>', 'the serial number (serialNumber)')
          .option('--ueid <base64url>', "the device's UEID (RFC 9711 §4.2.1)")
          .option('--format <format>', 'vc+jwt (VC Data Model 2.0) or vc-jwt-1.1', 'vc+jwt')
          .option(
            '--status',
            'give it a status slot so it can be revoked (default: status in the configuration)',
          )
          .option('--no-status', 'no status slot')
          .option('-o, --out <file>', 'write the credential to a file instead of stdout')
          .option('-f, --force', 'replace an existing --out file'),
        false,
      ),
    ),
  ).action((opts: Record<string, string | boolean | undefined> & IssuerOptions) =>
    run(async (ctx) => {
      const format = credentialFormat(String(opts.format))
      const out = typeof opts.out === 'string' ? ctx.path(opts.out) : undefined
      if (out !== undefined) refuseExisting(out, opts.force === true)
      const fields = { ...deviceDefaults(opts), did: String(opts.subject), serial: String(opts.serial) }
      if (typeof opts.ueid === 'string') Object.assign(fields, { ueid: opts.ueid })
      const device = deviceCredential(fields, {}, todayUtc())
      const issued = await withResolver(
        ctx,
        async (resolver): Promise<{ issuer: Issuer; jwt: string; statusIndex?: number }> => {
          const issuer = await loadIssuer(ctx, resolver, opts)
          const sign = (status?: typeof device.input.status) =>
            issueCredential({
              signer: issuer.signer,
              format,
              ...device.input,
              ...(status === undefined ? {} : { status }),
            }).catch((error) => Promise.reject(asBadInput(error)))
          if (!statusOn(ctx, opts.status as boolean | undefined)) return { issuer, jwt: await sign() }
          return withRegistry(
            registryPath(ctx, opts.registry as string | undefined),
            issuer,
            async (open) => {
              const slot = open.registry.allocate()
              const jwt = await sign(slot.credentialStatus)
              // Saved before the credential leaves, so its index is never handed out again.
              open.save()
              return { issuer, jwt, statusIndex: slot.index }
            },
          )
        },
      )
      if (out !== undefined)
        writeFileAtomic(out, `${issued.jwt}\n`, { mode: 0o644, replace: opts.force === true })
      if (issued.statusIndex !== undefined) ctx.info(`status index ${issued.statusIndex}`)
      ctx.result(
        {
          did: device.did,
          serial: device.serial,
          credential: issued.jwt,
          ...(issued.statusIndex === undefined ? {} : { statusIndex: issued.statusIndex }),
          issuer: issued.issuer.did,
          kid: issued.issuer.signer.keyId,
          ...(out === undefined ? {} : { file: out }),
        },
        () => (out === undefined ? issued.jwt : `wrote ${out}`),
      )
    }),
  )

  issuerOptions(
    registryOption(
      deviceOptions(
        vc
          .command('issue-batch')
          .description('issue a credential to every device of a CSV or JSON lines file, all or nothing')
          .requiredOption('-i, --input <file>', 'device rows: .csv with a header row, or .jsonl')
          .requiredOption('-o, --out <file>', 'JSON lines out: did, serial, credential, statusIndex')
          .option('--input-format <format>', 'csv or jsonl (default: from the file extension)')
          .option('--format <format>', 'vc+jwt (VC Data Model 2.0) or vc-jwt-1.1', 'vc+jwt')
          .option('--status', 'give each credential a status slot (default: status in the configuration)')
          .option('--no-status', 'no status slots')
          .option('--concurrency <n>', 'signatures in flight at once', '8')
          .option('-f, --force', 'replace an existing --out file'),
        true,
      ),
    ),
  ).action((opts: Record<string, string | boolean | undefined> & IssuerOptions) =>
    run(async (ctx) => {
      const input = ctx.path(String(opts.input))
      const format = rowFormatOf(input, opts.inputFormat as string | undefined)
      const credentialFormatValue = credentialFormat(String(opts.format))
      const concurrency = integer(String(opts.concurrency), '--concurrency', 1, 1024) ?? 8
      const status = statusOn(ctx, opts.status as boolean | undefined)
      const registry = registryPath(ctx, opts.registry as string | undefined)
      const summary = await withResolver(ctx, (resolver) =>
        issueBatch(ctx, {
          input,
          format,
          out: ctx.path(String(opts.out)),
          replace: opts.force === true,
          defaults: deviceDefaults(opts),
          issuer: () => loadIssuer(ctx, resolver, opts),
          registry: (issuer) => (status ? openRegistry(registry, issuer) : undefined),
          credentialFormat: credentialFormatValue,
          concurrency,
        }),
      )
      ctx.result(
        { ...summary, seconds: Number(summary.seconds.toFixed(3)), perSecond: Math.round(summary.perSecond) },
        () =>
          `issued ${summary.count.toLocaleString('en-US')} credential${summary.count === 1 ? '' : 's'} to ${summary.out} in ${summary.seconds.toFixed(1)} s (${Math.round(summary.perSecond).toLocaleString('en-US')}/s)`,
      )
    }),
  )

  vc.command('verify')
    .description(
      'verify a credential: signature, issuer, validity, status, trust policy; exit 1 when refused',
    )
    .argument('<credential>', 'the compact JWS, or a file holding it (or a JSON line with "credential")')
    .option('--subject <did>', 'the DID the credential must be about')
    .option('--type <type>', 'the credential type it must have', 'DeviceIdentityCredential')
    .option('--trust-policy <file>', 'a JSON trust policy (docs/credentials.md, "Trust policy")')
    .option('--trusted-issuer <did>', 'an issuer trusted for --type (repeatable)', collect, [])
    .action(
      (
        argument: string,
        opts: { subject?: string; type: string; trustPolicy?: string; trustedIssuer: string[] },
      ) =>
        run(async (ctx) => {
          const jwt = credentialArgument(ctx, argument)
          const policy = loadPolicy(ctx, opts)
          const applies = { policy: policy !== undefined, subject: opts.subject !== undefined }
          await withResolver(ctx, async (resolver) => {
            const verifier = createVerifier({
              resolver,
              ...(policy === undefined ? {} : { policy }),
              fetchStatusList: createNodeStatusListFetcher({ resolver }),
            })
            let verified: VerifiedCredential
            try {
              verified = await verifier.verifyCredential(jwt, {
                expectedType: opts.type,
                ...(opts.subject === undefined ? {} : { expectedSubject: opts.subject }),
              })
            } catch (error) {
              if (!(error instanceof CredentialError)) throw error
              if (!ctx.options.json) {
                ctx.io.stdout.write(
                  `${['refused', ...checklistLines(refusedChecklist(jwt, error, applies))].join('\n')}\n`,
                )
              }
              throw withStep(error)
            }
            const checks = passedChecklist(verified, applies)
            const { jwt: _jwt, payload: _payload, ...shown } = verified
            ctx.result({ valid: true, ...shown, checklist: checks }, () => describeVerified(verified, checks))
          })
        }),
    )

  const changeStatus = (
    name: 'revoke' | 'suspend' | 'reinstate',
    description: string,
    change: (open: ReturnType<typeof openRegistry>, index: number) => void,
  ) =>
    issuerOptions(
      registryOption(
        vc
          .command(name)
          .description(description)
          .argument('<credential>', 'the credential (compact JWS or a file), or its status index')
          .option('--publish', 'publish the status lists right after (as `vc status-list publish`)'),
      ),
    ).action((argument: string, opts: IssuerOptions & { registry?: string; publish?: boolean }) =>
      run(async (ctx) => {
        const result = await withResolver(ctx, async (resolver) => {
          const issuer = await loadIssuer(ctx, resolver, opts)
          return withRegistry(registryPath(ctx, opts.registry), issuer, async (open) => {
            const index = await statusIndexOf(ctx, resolver, open, argument)
            try {
              change(open, index)
            } catch (error) {
              throw asBadInput(error)
            }
            open.save()
            const published = opts.publish ? await publishLists(ctx, open, resolver, {}) : []
            return { index, ...open.registry.status(index), published }
          })
        })
        ctx.result(result, () => [
          `status index ${result.index}: ${result.revoked ? 'revoked' : 'not revoked'}, ${result.suspended ? 'suspended' : 'not suspended'}`,
          result.published.length > 0
            ? `published ${result.published.map((p) => p.target).join(', ')}`
            : 'verifiers see it once the lists are published: run `marque vc status-list publish`',
        ])
      }),
    )
  changeStatus(
    'revoke',
    "revoke a credential for good (sets its bit in the issuer's revocation list)",
    (open, i) => open.registry.revoke(i),
  )
  changeStatus('suspend', 'suspend a credential until it is reinstated', (open, i) =>
    open.registry.suspend(i),
  )
  changeStatus('reinstate', 'lift a suspension', (open, i) => open.registry.reinstate(i))

  const lists = vc
    .command('status-list')
    .description("the issuer's status registry and its Bitstring Status Lists")

  issuerOptions(
    registryOption(
      lists
        .command('init')
        .description('create the status registry of an issuer (its revocation and suspension lists)')
        .option(
          '--revocation-url <url>',
          'where the revocation list is published (default: a file: URL beside the registry)',
        )
        .option(
          '--suspension-url <url>',
          'where the suspension list is published (default: a file: URL beside the registry)',
        )
        .option('--no-suspension', 'no suspension list')
        .option(
          '--length <entries>',
          `entries per list, a multiple of 8 (at least ${MIN_STATUS_LIST_LENGTH})`,
        )
        .option('-f, --force', 'replace an existing registry (never for one that has issued credentials)'),
    ),
  ).action(
    (
      opts: IssuerOptions & {
        registry?: string
        revocationUrl?: string
        suspensionUrl?: string
        suspension: boolean
        length?: string
        force?: boolean
      },
    ) =>
      run(async (ctx) => {
        const path = registryPath(ctx, opts.registry)
        refuseExisting(path, opts.force === true)
        const beside = (name: string) => pathToFileURL(join(dirname(path), name)).href
        const revocationUrl = opts.revocationUrl ?? beside('revocation-list.jwt')
        const suspensionUrl = opts.suspension
          ? (opts.suspensionUrl ?? beside('suspension-list.jwt'))
          : undefined
        const length = integer(opts.length, '--length', MIN_STATUS_LIST_LENGTH, 2 ** 32)
        const registry = await withResolver(ctx, async (resolver) => {
          const issuer = await loadIssuer(ctx, resolver, opts)
          return createRegistryFile(
            path,
            issuer,
            {
              revocationUrl,
              ...(suspensionUrl === undefined ? {} : { suspensionUrl }),
              ...(length === undefined ? {} : { length }),
            },
            opts.force === true,
          )
        })
        ctx.result({ registry: path, revocationUrl, suspensionUrl, length: registry.length }, () => [
          `wrote ${path}`,
          `  revocation list  ${revocationUrl}`,
          `  suspension list  ${suspensionUrl ?? 'none'}`,
          'publish the lists with `marque vc status-list publish` before verifiers check credentials',
        ])
      }),
  )

  issuerOptions(
    registryOption(
      lists
        .command('publish')
        .description('sign the current lists and publish them at their URLs (file: written, https: PUT)')
        .option('--out-dir <dir>', 'write revocation-list.jwt and suspension-list.jwt here instead')
        .option('--valid-for <seconds>', 'the lists expire after this long (validUntil); republish before')
        .option('--ttl <milliseconds>', 'how long verifiers may cache the lists (default 300000)'),
    ),
  ).action((opts: IssuerOptions & { registry?: string; outDir?: string; validFor?: string; ttl?: string }) =>
    run(async (ctx) => {
      const validFor = integer(opts.validFor, '--valid-for', 1, 10 * 365 * 86_400)
      const ttl = integer(opts.ttl, '--ttl', 0, 365 * 86_400_000)
      const published = await withResolver(ctx, async (resolver) => {
        const issuer = await loadIssuer(ctx, resolver, opts)
        return withRegistry(registryPath(ctx, opts.registry), issuer, (open) =>
          publishLists(ctx, open, resolver, {
            ...(opts.outDir === undefined ? {} : { outDir: opts.outDir }),
            ...(validFor === undefined ? {} : { validFor }),
            ...(ttl === undefined ? {} : { ttl }),
          }),
        )
      })
      ctx.result({ published }, () => published.map((p) => `published the ${p.purpose} list: ${p.target}`))
    }),
  )

  registryOption(
    lists
      .command('show')
      .description("a registry's issuer, list URLs and counts (no key needed)")
      .option('--index <n>', 'also the status of this index'),
  ).action((opts: { registry?: string; index?: string }) =>
    run(async (ctx) => {
      const info = readRegistryInfo(
        registryPath(ctx, opts.registry),
        integer(opts.index, '--index', 0, 2 ** 32),
      )
      ctx.result(info, () => [
        `registry    ${info.path}`,
        `issuer      ${info.issuer}`,
        `revocation  ${info.revocationUrl}`,
        `suspension  ${info.suspensionUrl ?? 'none'}`,
        `entries     ${info.allocated.toLocaleString('en-US')} allocated of ${info.length.toLocaleString('en-US')}; ${info.revoked} revoked, ${info.suspended} suspended`,
        ...(info.index === undefined
          ? []
          : [
              `index ${info.index.index}: ${info.index.allocated ? 'allocated' : 'free'}, ${info.index.revoked ? 'revoked' : 'not revoked'}, ${info.index.suspended ? 'suspended' : 'not suspended'}`,
            ]),
      ])
    }),
  )
}
