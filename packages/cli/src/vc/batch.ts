import {
  CredentialError,
  type CredentialFormat,
  type CredentialInput,
  issueCredentials,
} from '@marque/credentials'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { startProgress } from '../progress.js'
import { createAtomicFile, refuseExisting } from './atomic.js'
import { checkColumns, type DeviceDefaults, deviceCredential, todayUtc } from './devices.js'
import type { Issuer } from './issuer.js'
import type { OpenRegistry } from './registry.js'
import { type InputRow, lineOfRow, type RowFormat, readRows, rowError } from './rows.js'

export interface IssueBatchParameters {
  input: string
  format: RowFormat
  out: string
  replace: boolean
  defaults: DeviceDefaults
  /** The issuer, resolved; called once the input has been checked, so a bad file costs no resolution. */
  issuer: () => Promise<Issuer>
  /** The status registry, when each credential gets a status slot. */
  registry: (issuer: Issuer) => OpenRegistry | undefined
  credentialFormat: CredentialFormat
  concurrency: number
}

export interface IssueBatchReturnType {
  input: string
  out: string
  count: number
  seconds: number
  perSecond: number
  issuer: string
  statusRegistry: string | undefined
}

/** One line of the output: the device, its credential, and its status index when it has one. */
export interface IssuedLine {
  /** The device's DID: the credential's subject. */
  did: string
  /** The device's serial number, as its row gave it (the `serialNumber` claim). */
  serial: string
  /** The credential, a compact JWS (`vc+jwt`, or VC-JWT 1.1 with `--format vc-jwt-1.1`). */
  credential: string
  /** The credential's index in the issuer's status lists; absent when it has no status slot. */
  statusIndex?: number
}

// The progress bar is told of work in steps, not per credential: rendering is throttled
// anyway, and each update formats the rate.
const PROGRESS_STEP = 250

/** Checks every row before anything is signed; returns how many there are. */
async function checkInput(parameters: IssueBatchParameters, today: string): Promise<number> {
  let count = 0
  for await (const row of readRows(parameters.input, parameters.format)) {
    try {
      checkColumns(row.fields, parameters.format === 'jsonl')
      deviceCredential(row.fields, parameters.defaults, today)
    } catch (error) {
      if (error instanceof CliError) throw rowError(row, error.message, error)
      throw error
    }
    count++
  }
  return count
}

/**
 * `vc issue-batch`: reads device rows (CSV or JSON lines), issues one
 * `DeviceIdentityCredential` each, and writes JSON lines of did, serial, credential and
 * status index. All or nothing: every row is checked first, the output is written to a
 * temporary file moved into place at the end, and the status registry is saved (before that
 * move) only when every credential was issued. Memory stays bounded: rows stream in, lines
 * stream out.
 * @throws CliError `CLI_BAD_INPUT` naming the row of the first bad one, or for an empty
 *   input; `CLI_FILE_EXISTS` for an existing output without `--force`; `CLI_REFUSED` when
 *   interrupted; the errors of the issuer and registry.
 */
export async function issueBatch(
  ctx: Context,
  parameters: IssueBatchParameters,
): Promise<IssueBatchReturnType> {
  refuseExisting(parameters.out, parameters.replace)
  const today = todayUtc()
  const count = await checkInput(parameters, today)
  if (count === 0) {
    throw new CliError(CliErrorCode.BadInput, `${parameters.input} holds no device rows`, {
      hint: 'a CSV file needs a header row and one row per device; a JSON lines file one object per line',
    })
  }
  const issuer = await parameters.issuer()
  const open = parameters.registry(issuer)
  try {
    if (open !== undefined) {
      const free = open.registry.length - open.registry.allocatedCount
      if (free < count) {
        throw new CliError(
          CliErrorCode.BadInput,
          `the status registry has ${free} free indexes; this batch needs ${count}`,
          {
            hint: 'start a new registry for further credentials: `marque vc status-list init --registry <new file>` with new list URLs',
          },
        )
      }
    }
    const out = createAtomicFile(parameters.out, { mode: 0o644, replace: parameters.replace })
    const progress = startProgress(ctx, 'issuing', count)
    const started = performance.now()
    // Each credential's line is written when issueCredentials yields it, in input order;
    // `pending` holds the rows in flight (at most `concurrency` + 1).
    const pending: { prefix: string; suffix: string }[] = []
    let current: InputRow | undefined
    let seen = 0
    async function* inputs(): AsyncGenerator<CredentialInput> {
      for await (const row of readRows(parameters.input, parameters.format, { lines: false })) {
        if (ctx.io.signal?.aborted) {
          throw new CliError(CliErrorCode.Refused, 'interrupted: nothing was written', {
            hint: 'run the command again; the status registry was not changed',
          })
        }
        current = row
        seen++
        let device: ReturnType<typeof deviceCredential>
        try {
          device = deviceCredential(row.fields, parameters.defaults, today)
        } catch (error) {
          if (error instanceof CliError) throw rowError(row, error.message, error)
          throw error
        }
        let suffix = '}'
        if (open !== undefined) {
          const slot = open.registry.allocate()
          suffix = `,"statusIndex":${slot.index}}`
          device.input.status = slot.credentialStatus
        }
        pending.push({
          prefix: `{"did":${JSON.stringify(device.did)},"serial":${JSON.stringify(device.serial)},`,
          suffix,
        })
        yield device.input
      }
    }
    let issued = 0
    let unreported = 0
    try {
      for await (const credential of issueCredentials({
        signer: issuer.signer,
        credentials: inputs(),
        format: parameters.credentialFormat,
        concurrency: parameters.concurrency,
      })) {
        const line = pending.shift()!
        // A compact JWS is base64url and dots: it needs no JSON escaping.
        out.write(`${line.prefix}"credential":"${credential}"${line.suffix}\n`)
        issued++
        if (++unreported >= PROGRESS_STEP) {
          progress.increment(unreported)
          unreported = 0
        }
      }
      if (seen !== count) {
        throw new CliError(CliErrorCode.BadInput, `${parameters.input} changed while it was read`, {
          hint: 'run the command again on a file nothing else writes to',
        })
      }
      progress.increment(unreported)
      progress.stop()
      // The registry is saved before the credentials appear, so a crash between the two
      // wastes indexes but can never give one index to two credentials.
      open?.save()
      out.commit()
    } catch (error) {
      progress.stop()
      out.abort()
      // A claim the credential schema refuses is reported at the row being read.
      if (error instanceof CredentialError && current !== undefined) {
        const line = await lineOfRow(parameters.input, parameters.format, current.row)
        throw rowError({ row: current.row, line }, error.message, error)
      }
      throw error
    }
    const seconds = (performance.now() - started) / 1000
    return {
      input: parameters.input,
      out: parameters.out,
      count: issued,
      seconds,
      perSecond: issued / seconds,
      issuer: issuer.did,
      statusRegistry: open?.path,
    }
  } finally {
    open?.close()
  }
}
