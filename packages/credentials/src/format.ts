import { isDid, resolveKid } from './did-url.js'
import { CredentialError } from './errors.js'
import type { ParsedJws } from './jws.js'
import { ROLE_CODES, type TokenRole } from './roles.js'
import { isNumericDate, parseDateTime } from './time.js'

/**
 * The two encodings Marque issues and verifies:
 * - `vc-jwt-1.1`: VC Data Model 1.1 §6.3.1 JWT encoding, as did-jwt-vc writes it
 *   (`typ: JWT`, the credential in a `vc` claim, `iss`/`sub`/`nbf`/`exp`/`jti`).
 * - `vc+jwt`: VC Data Model 2.0 secured with JOSE (VC-JOSE-COSE §3.1.1): the payload is the
 *   credential itself, `typ: vc+jwt`, no `vc` claim.
 */
export type CredentialFormat = 'vc-jwt-1.1' | 'vc+jwt'

/** The same for presentations: VP-JWT 1.1 (`vp` claim) or `vp+jwt` (VC-JOSE-COSE §3.1.2). */
export type PresentationFormat = 'vp-jwt-1.1' | 'vp+jwt'

/** What the signed payload of a token says, read but not yet trusted. */
export interface DecodedToken<F extends string> {
  format: F
  /** The signer's DID, from the signed `iss` (or `issuer`/`holder` when `iss` is absent in 2.0). */
  signer: string
  /** The absolute DID URL of the signing key, from `kid`. */
  kid: string
  /** The issuance time (`iat`, else the start of validity), in seconds. */
  issuedAt: number | undefined
  /** The start of validity: the latest of `nbf`, `validFrom`, `issuanceDate`. */
  notBefore: number | undefined
  /** The end of validity: the earliest of `exp`, `validUntil`, `expirationDate`. */
  notAfter: number | undefined
  /** The object holding the VC Data Model members: the `vc`/`vp` claim in 1.1, the payload in 2.0. */
  body: Record<string, unknown>
  payload: Record<string, unknown>
}

/** A credential's signed content, read but not yet trusted. */
export interface DecodedCredential extends DecodedToken<CredentialFormat> {
  subject: string
  /** `credentialSubject` without its `id`. */
  claims: Record<string, unknown>
  types: unknown
  id: string | undefined
  status: unknown[]
}

const V2_CREDENTIAL_TYP = new Set(['vc+jwt', 'vc-ld+jwt'])
const V2_PRESENTATION_TYP = new Set(['vp+jwt', 'vp-ld+jwt'])

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(role: TokenRole, problem: string): CredentialError {
  const codes = ROLE_CODES[role]
  return new CredentialError(codes.malformed, `the ${codes.noun} is malformed: ${problem}`)
}

/** The DID of an `issuer`/`holder` member: a string or an object with `id`. */
function idOf(value: unknown): unknown {
  return isObject(value) ? value.id : value
}

/**
 * Picks the format from the header `typ` and checks the claims every format needs.
 * @throws CredentialError the role's `MALFORMED` or `SIGNER_MISMATCH` code.
 */
export function decodeToken(
  jws: ParsedJws,
  role: TokenRole,
): DecodedToken<CredentialFormat | PresentationFormat> {
  const { header, payload } = jws
  const codes = ROLE_CODES[role]
  const claim = role === 'credential' ? 'vc' : 'vp'
  const v2Typ = role === 'credential' ? V2_CREDENTIAL_TYP : V2_PRESENTATION_TYP
  let format: CredentialFormat | PresentationFormat
  let body: Record<string, unknown>
  if (header.typ === 'jwt') {
    if (header.cty !== undefined) throw fail(role, `a ${claim.toUpperCase()}-JWT 1.1 header has no "cty"`)
    const inner = payload[claim]
    if (!isObject(inner))
      throw fail(role, `a JWT-encoded ${codes.noun} (typ "JWT") needs a "${claim}" object claim`)
    if (payload.vc !== undefined && payload.vp !== undefined)
      throw fail(role, 'it has both "vc" and "vp" claims')
    format = role === 'credential' ? 'vc-jwt-1.1' : 'vp-jwt-1.1'
    body = inner
  } else if (header.typ !== undefined && v2Typ.has(header.typ)) {
    if (header.cty !== undefined && header.cty !== claim)
      throw fail(role, `"cty" must be "${claim}" when present`)
    // VC-JOSE-COSE §3.1.3: the claim names vc and vp MUST NOT be present.
    if (payload.vc !== undefined || payload.vp !== undefined) {
      throw fail(role, `a ${[...v2Typ][0]} payload must not have "vc" or "vp" claims`)
    }
    format = role === 'credential' ? 'vc+jwt' : 'vp+jwt'
    body = payload
  } else {
    throw fail(
      role,
      `the header "typ" must be "JWT" or "${[...v2Typ][0]}" (got ${JSON.stringify(header.typ ?? null)})`,
    )
  }
  // The signer is taken from the signed `iss`; every other statement of it must agree.
  const statedBy = role === 'credential' ? 'issuer' : 'holder'
  const iss = payload.iss
  const stated = [payload[statedBy], body === payload ? undefined : body[statedBy]]
    .filter((v) => v !== undefined)
    .map(idOf)
  const signer = iss ?? stated[0]
  if (!isDid(signer)) throw fail(role, `"iss" must be the DID of the ${statedBy}`)
  for (const other of stated) {
    if (other !== signer) {
      throw new CredentialError(
        codes.signerMismatch,
        `the ${codes.noun} names another ${statedBy} than the one who signed it`,
        {
          details: `signed as ${signer}, "${statedBy}" is ${JSON.stringify(other)}`,
        },
      )
    }
  }
  const kidParts = resolveKid(header.kid, signer)
  if (!kidParts.ok) {
    if (kidParts.problem === 'other-did') {
      throw new CredentialError(codes.signerMismatch, `the ${codes.noun} is signed with another DID's key`, {
        details: `the key belongs to ${kidParts.did}, "iss" is ${signer}`,
      })
    }
    throw fail(role, '"kid" must be a DID URL with a fragment (or a fragment relative to "iss")')
  }
  const times = readTimes(payload, body, role, format)
  return { format, signer, kid: kidParts.id, body, payload, ...times }
}

function readTimes(
  payload: Record<string, unknown>,
  body: Record<string, unknown>,
  role: TokenRole,
  format: string,
): { issuedAt: number | undefined; notBefore: number | undefined; notAfter: number | undefined } {
  const numeric = (name: 'iat' | 'nbf' | 'exp'): number | undefined => {
    const value = payload[name]
    if (value === undefined) return undefined
    if (!isNumericDate(value)) throw fail(role, `"${name}" must be a whole number of seconds (RFC 7519 §2)`)
    return value
  }
  const dated = (name: string): number | undefined => {
    const value = body[name]
    if (value === undefined) return undefined
    const seconds = parseDateTime(value)
    if (seconds === undefined) throw fail(role, `"${name}" must be an RFC 3339 date-time with a time zone`)
    return seconds
  }
  const iat = numeric('iat')
  const nbf = numeric('nbf')
  const exp = numeric('exp')
  const v1 = format.endsWith('1.1')
  const starts = v1 ? [nbf, dated('issuanceDate')] : [nbf, dated('validFrom')]
  const ends = v1 ? [exp, dated('expirationDate')] : [exp, dated('validUntil')]
  const defined = (list: (number | undefined)[]) => list.filter((t): t is number => t !== undefined)
  const start = defined(starts)
  const end = defined(ends)
  return {
    issuedAt: iat ?? start[0],
    notBefore: start.length === 0 ? undefined : Math.max(...start),
    notAfter: end.length === 0 ? undefined : Math.min(...end),
  }
}

/**
 * Reads a credential: its format, signer, key, subject, claims, types, id, validity and
 * status entries. Exactly one subject is accepted, and `sub` must agree with
 * `credentialSubject.id`.
 * @throws CredentialError `CREDENTIAL_MALFORMED` or `CREDENTIAL_ISSUER_MISMATCH`.
 */
export function decodeCredential(jws: ParsedJws): DecodedCredential {
  const token = decodeToken(jws, 'credential') as DecodedToken<CredentialFormat>
  const { body, payload } = token
  const subjectClaims = body.credentialSubject
  if (!isObject(subjectClaims)) {
    throw fail('credential', '"credentialSubject" must be one object (a credential about one subject)')
  }
  const { id: subjectId, ...claims } = subjectClaims
  const sub = payload.sub
  if (sub !== undefined && subjectId !== undefined && sub !== subjectId) {
    throw fail('credential', '"sub" and "credentialSubject.id" name different subjects')
  }
  const subject = sub ?? subjectId
  if (typeof subject !== 'string' || subject.length === 0) {
    throw fail('credential', 'it names no subject ("sub" or "credentialSubject.id")')
  }
  const id = payload.jti ?? body.id
  if (id !== undefined && typeof id !== 'string') throw fail('credential', '"id"/"jti" must be a string')
  const status = body.credentialStatus
  return {
    ...token,
    subject,
    claims,
    types: body.type,
    id,
    status: status === undefined ? [] : Array.isArray(status) ? status : [status],
  }
}
