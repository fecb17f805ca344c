import { readFileSync, statSync } from 'node:fs'
import { base64urlDecode } from '@marque/crypto'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'

/** What a credential's payload says, read but NOT verified: for display and to find status entries. */
export interface CredentialToken {
  jwt: string
  header: Record<string, unknown>
  payload: Record<string, unknown>
  /** The signed `iss`. */
  issuer: unknown
  /** `sub`, else `credentialSubject.id`. */
  subject: unknown
  /** `type` of the credential (`vc.type` in VC-JWT 1.1). */
  types: unknown
  /** The `credentialStatus` entries. */
  status: unknown[]
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
/** The verifier's own bound (DEFAULT_MAX_CREDENTIAL_LENGTH is 16 KiB); files are read up to 64 KiB. */
const MAX_FILE = 64 * 1024

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function part(text: string, name: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(base64urlDecode(text, name)))
  } catch (cause) {
    throw new CliError(CliErrorCode.BadInput, `the credential's ${name} is not base64url JSON`, { cause })
  }
  if (!isObject(value))
    throw new CliError(CliErrorCode.BadInput, `the credential's ${name} is not a JSON object`)
  return value
}

/**
 * Reads a compact JWS credential's header and payload without verifying them. Callers act on
 * what it says only after the verifier has checked the same bytes.
 * @throws CliError `CLI_BAD_INPUT`.
 */
export function readToken(jwt: string): CredentialToken {
  if (!COMPACT_JWS.test(jwt)) {
    throw new CliError(CliErrorCode.BadInput, 'this is not a credential in compact JWS form (xxx.yyy.zzz)')
  }
  const [h, p] = jwt.split('.') as [string, string, string]
  const header = part(h, 'header')
  const payload = part(p, 'payload')
  const body = isObject(payload.vc) ? payload.vc : payload
  const subjectClaims = isObject(body.credentialSubject) ? body.credentialSubject : {}
  const status = body.credentialStatus
  return {
    jwt,
    header,
    payload,
    issuer: payload.iss,
    subject: payload.sub ?? subjectClaims.id,
    types: body.type,
    status: status === undefined ? [] : Array.isArray(status) ? status : [status],
  }
}

/**
 * A credential given on the command line: the compact JWS itself, or a file holding it (as
 * `vc issue --out` writes it), or holding a JSON object with a `credential` member (a line
 * of `vc issue-batch` output, or `vc issue --json`).
 * @throws CliError `CLI_FILE_NOT_FOUND`, `CLI_FILE_UNREADABLE`, `CLI_BAD_INPUT`.
 */
export function credentialArgument(ctx: Context, argument: string): string {
  if (COMPACT_JWS.test(argument)) return argument
  const path = ctx.path(argument)
  let text: string
  try {
    if (statSync(path).size > MAX_FILE) {
      throw new CliError(
        CliErrorCode.BadInput,
        `${path} is larger than ${MAX_FILE} bytes: not one credential`,
      )
    }
    text = readFileSync(path, 'utf8').trim()
  } catch (cause) {
    if (cause instanceof CliError) throw cause
    const code = (cause as NodeJS.ErrnoException).code
    throw code === 'ENOENT'
      ? new CliError(CliErrorCode.FileNotFound, `${argument} is neither a credential nor an existing file`, {
          hint: 'pass the compact JWS, or a file holding it',
        })
      : new CliError(CliErrorCode.FileUnreadable, `cannot read ${path}`, { cause })
  }
  if (text.startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      throw new CliError(CliErrorCode.BadInput, `${path} is not JSON`, { cause })
    }
    if (isObject(parsed) && typeof parsed.credential === 'string') text = parsed.credential
    else throw new CliError(CliErrorCode.BadInput, `${path} holds JSON without a "credential" member`)
  }
  if (!COMPACT_JWS.test(text)) {
    throw new CliError(CliErrorCode.BadInput, `${path} does not hold a credential in compact JWS form`)
  }
  return text
}
