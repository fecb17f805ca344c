import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { startProgress } from '../progress.js'
import { atRow, readRows, rowError } from '../vc/rows.js'
import { encodeBundle } from './bundle.js'
import { buildBundle, type DeviceSpec, defaultKeyDir, keySources, type ProvisionTools } from './device.js'

export interface ProvisionBatchParameters {
  input: string
  outDir: string
  replace: boolean
  /** Where each device's key files are, `<keysDir>/<DID id>/`, unless its line or the options say otherwise. */
  keysDir: string | undefined
  keyReference: string | undefined
  agreementKeyReference: string | undefined
  agreement: boolean
  trustAnchors: string[]
  gateway: string | undefined
}

/** The bundle file of a DID: its last segment (the id of a did:marque DID), made safe as a file name. */
export function bundleName(did: string): string {
  return `${did.slice(did.lastIndexOf(':') + 1).replace(/[^A-Za-z0-9._-]/g, '_')}.bundle`
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/**
 * A line of the batch input: `did` and its `credential` (as `vc issue-batch` writes them)
 * or `credentials`, and optionally `keyDir`, `key`, `keyReference`, `agreementKey`,
 * `agreementKeyReference`, `gateway`. Other members (`serial`, `statusIndex`) are ignored.
 * @throws CliError `CLI_BAD_INPUT`.
 */
function specOf(
  ctx: Context,
  fields: Record<string, unknown>,
  parameters: ProvisionBatchParameters,
): DeviceSpec {
  const did = str(fields.did)
  if (did === undefined) throw new CliError(CliErrorCode.BadInput, 'did is missing')
  const credentials = fields.credentials ?? (fields.credential === undefined ? [] : [fields.credential])
  if (!Array.isArray(credentials) || !credentials.every((c) => typeof c === 'string')) {
    throw new CliError(CliErrorCode.BadInput, 'credential must be a string, credentials a list of strings')
  }
  const dir = str(fields.keyDir) ?? defaultKeyDir(ctx, did, parameters.keysDir)
  const { signingKey, agreementKey } = keySources(ctx.path(dir), {
    key: str(fields.key),
    keyReference: str(fields.keyReference) ?? parameters.keyReference,
    agreementKey: str(fields.agreementKey),
    agreementKeyReference: str(fields.agreementKeyReference) ?? parameters.agreementKeyReference,
    agreement: parameters.agreement,
  })
  return {
    did,
    signingKey,
    agreementKey,
    credentials: credentials as string[],
    trustAnchors: parameters.trustAnchors,
    gateway: str(fields.gateway) ?? parameters.gateway,
  }
}

/**
 * `provision --input`: one bundle per line of a JSON lines file, into `outDir`, all or
 * nothing. Every line is checked first (a DID, no DID twice, no bundle already there);
 * bundles are written (mode 0600) into a staging directory inside `outDir` and moved into
 * place only when every one was built; on any error the staging directory is removed.
 * @throws CliError `CLI_BAD_INPUT` naming the row, `CLI_FILE_EXISTS`, and the errors of
 *   {@link buildBundle} prefixed with the row.
 */
export async function provisionBatch(
  ctx: Context,
  tools: ProvisionTools,
  parameters: ProvisionBatchParameters,
): Promise<{ count: number; outDir: string }> {
  const outDir = parameters.outDir
  const seen = new Set<string>()
  for await (const row of readRows(parameters.input, 'jsonl')) {
    const did = str(row.fields.did)
    if (did === undefined) throw rowError(row, 'did is missing')
    const name = bundleName(did)
    if (seen.has(name))
      throw rowError(row, `${did} appears twice: give all its credentials on one line ("credentials": [...])`)
    seen.add(name)
    if (!parameters.replace && existsSync(join(outDir, name))) {
      throw new CliError(CliErrorCode.FileExists, `${join(outDir, name)} already exists`, {
        hint: 'choose another --out-dir, or pass --force to replace the bundles',
      })
    }
  }
  if (seen.size === 0) {
    throw new CliError(CliErrorCode.BadInput, `${parameters.input} holds no devices`, {
      hint: 'give one JSON object per line, such as the output of `marque vc issue-batch`',
    })
  }
  const staging = join(outDir, `.staging-${process.pid}-${Date.now().toString(36)}`)
  try {
    mkdirSync(staging, { recursive: true, mode: 0o700 })
  } catch (cause) {
    throw new CliError(CliErrorCode.FileUnwritable, `cannot create ${staging}`, { cause })
  }
  const progress = startProgress(ctx, 'provisioning', seen.size)
  try {
    for await (const row of readRows(parameters.input, 'jsonl')) {
      let bytes: Uint8Array
      try {
        const bundle = await buildBundle(ctx, tools, specOf(ctx, row.fields, parameters))
        bytes = encodeBundle(bundle)
      } catch (error) {
        throw atRow(row, error)
      }
      // Mode 0600: a bundle may hold the device's secret keys.
      writeFileSync(join(staging, bundleName(String(row.fields.did))), bytes, { mode: 0o600, flag: 'wx' })
      progress.increment()
    }
    progress.stop()
    for (const name of seen) renameSync(join(staging, name), join(outDir, name))
    return { count: seen.size, outDir }
  } finally {
    progress.stop()
    rmSync(staging, { recursive: true, force: true })
  }
}
