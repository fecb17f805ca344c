import { ed25519Verify } from '@marque/crypto'
import type { Clock, TtlCache } from './cache.js'
import { CredentialError, CredentialErrorCode } from './errors.js'
import { type CredentialFormat, type DecodedCredential, decodeCredential } from './format.js'
import { type ParsedJws, parseJws } from './jws.js'
import type { KeyResolver } from './key-resolver.js'
import { ROLE_CODES, type TokenRole } from './roles.js'
import { VC_V1_CONTEXT, VC_V2_CONTEXT } from './schemas/common.js'
import type { TypeChecks } from './schemas/index.js'
import type { StatusChecker } from './status/checker.js'
import type { StatusCheck } from './status/entry.js'

/** A credential that passed every step of the checklist. Times are in seconds since the epoch. */
export interface VerifiedCredential {
  /** Which encoding the credential used. */
  format: CredentialFormat
  /** The credential as received. */
  jwt: string
  /** The issuer's DID, from the signed `iss`. */
  issuer: string
  /** The subject's DID (`sub` / `credentialSubject.id`). */
  subject: string
  /** The credential's types, `VerifiableCredential` included. */
  types: readonly string[]
  /** `credentialSubject` without `id`. */
  claims: Readonly<Record<string, unknown>>
  /** The credential's `id` (`jti` in VC-JWT 1.1), if any. */
  id: string | undefined
  /** When it was issued (`iat`, else the start of validity). */
  issuedAt: number | undefined
  /**
   * Start of validity: the latest of `nbf` and `validFrom` (`issuanceDate` in VC Data Model
   * 1.1); `undefined` when the credential states none.
   */
  validFrom: number | undefined
  /**
   * End of validity: the earliest of `exp` and `validUntil` (`expirationDate` in VC Data Model
   * 1.1); `undefined` when the credential never expires.
   */
  validUntil: number | undefined
  /** The verification method that signed it (an absolute DID URL). */
  kid: string
  /** Set when the key was found in the issuer's document as of this time (the key was rotated out since). */
  resolvedAt: string | undefined
  /** The status entries checked (none set), empty when the credential has none. */
  status: readonly StatusCheck[]
  /** The whole signed payload. */
  payload: Readonly<Record<string, unknown>>
}

/** What one check needs; the verifier factory builds it once. */
export interface CheckContext {
  keys: KeyResolver
  clock: Clock
  /** Allowed clock difference, in seconds. */
  skew: number
  types: Map<string, TypeChecks>
  /** Absent only while checking a status list itself. */
  status: StatusChecker | undefined
  maxLength: number
  /**
   * Credentials that passed, decoded and checked against their type schemas, by their exact
   * bytes. Decoding and schemas are pure functions of the bytes; the signature, validity,
   * subject, status and policy are checked on every verification all the same.
   */
  decoded?: TtlCache<DecodedEntry> | undefined
}

/** What a credential's bytes decode to, once they have passed: frozen, shared by every result. */
export interface DecodedEntry {
  readonly jws: ParsedJws
  readonly decoded: DecodedCredential
  readonly types: readonly string[]
}

/**
 * Options of the credential checklist as a verifier runs it: {@link VerifyCredentialOptions}
 * and the trust policy's check of the issuer.
 */
export interface CheckCredentialOptions {
  /** The DID the credential must be about (the device being admitted). */
  expectedSubject?: string | undefined
  /** A type the credential must have. */
  expectedType?: string | undefined
  /** Runs before any resolution, to refuse an untrusted issuer without network traffic. */
  precheckIssuer?: ((issuer: string) => Promise<void>) | undefined
}

/**
 * Checks the validity window with the allowed skew (RFC 7519 §4.1.4-§4.1.6): a token is
 * refused once `now - skew >= notAfter`, or while `now + skew < notBefore` or `< issuedAt`.
 */
export function checkWindow(
  role: TokenRole,
  times: { issuedAt: number | undefined; notBefore: number | undefined; notAfter: number | undefined },
  now: number,
  skew: number,
): void {
  const codes = ROLE_CODES[role]
  if (times.notAfter !== undefined && now - skew >= times.notAfter) {
    throw new CredentialError(codes.expired, `the ${codes.noun} has expired`, {
      details: `valid until ${times.notAfter}, now ${now}, allowed skew ${skew} s`,
    })
  }
  const start = Math.max(times.notBefore ?? 0, times.issuedAt ?? 0)
  if (now + skew < start) {
    throw new CredentialError(codes.notYetValid, `the ${codes.noun} is not valid yet`, {
      details: `valid from ${start}, now ${now}, allowed skew ${skew} s`,
      hint: 'check the clocks of the issuer and of this verifier',
    })
  }
}

/**
 * Verifies the signature over the exact signing input with exactly the key `kid` names.
 * @throws CredentialError the role's `SIGNATURE_INVALID` code.
 */
export async function checkSignature(
  role: TokenRole,
  signature: Uint8Array,
  signingInput: Uint8Array,
  publicKey: Uint8Array,
  kid: string,
): Promise<void> {
  if (!(await ed25519Verify(signature, signingInput, publicKey))) {
    const codes = ROLE_CODES[role]
    throw new CredentialError(codes.signatureInvalid, `the ${codes.noun} signature does not verify`, {
      details: `checked with ${kid}`,
      hint: 'the token was altered, or signed with another key than the one its "kid" names',
    })
  }
}

function schemaInvalid(problem: string): CredentialError {
  return new CredentialError(
    CredentialErrorCode.SchemaInvalid,
    `the credential does not fit its type: ${problem}`,
  )
}

function checkExpectedType(types: readonly string[], expectedType: string | undefined): void {
  if (expectedType !== undefined && !types.includes(expectedType)) {
    throw schemaInvalid(`it is not a ${expectedType}`)
  }
}

/** Freezes a value parsed from JSON, all the way down. */
function freezeJson<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) freezeJson(member)
    Object.freeze(value)
  }
  return value
}

/** Step 9: types and JSON Schema of each known type. Returns the types. */
function checkSchema(
  decoded: DecodedCredential,
  types: Map<string, TypeChecks>,
  expectedType?: string,
): string[] {
  const raw = decoded.types
  const list = typeof raw === 'string' ? [raw] : raw
  if (!Array.isArray(list) || list.length === 0 || !list.every((t) => typeof t === 'string')) {
    throw schemaInvalid('"type" must be a list of strings')
  }
  if (!list.includes('VerifiableCredential')) throw schemaInvalid('"type" must include VerifiableCredential')
  checkExpectedType(list, expectedType)
  const context = decoded.body['@context']
  const first = Array.isArray(context) ? context[0] : context
  const wanted = decoded.format === 'vc+jwt' ? VC_V2_CONTEXT : VC_V1_CONTEXT
  if (first !== wanted) throw schemaInvalid(`"@context" must start with ${wanted}`)
  for (const type of list) {
    const checks = types.get(type)
    if (checks === undefined) continue
    const problem =
      decoded.format === 'vc+jwt'
        ? checks.credential(decoded.payload)
        : checks.subject({ ...decoded.claims, id: decoded.subject })
    if (problem !== undefined) throw schemaInvalid(`${type}: ${problem}`)
  }
  return list as string[]
}

/**
 * The verification checklist of one credential, in order, each step with its own code:
 * size and syntax; the issuer from the signed `iss` (and `kid`, `issuer` agreeing with it);
 * the issuer's DID resolved and not deactivated; exactly the method `kid` names, under
 * `assertionMethod`, now or at issuance time; the Ed25519 signature over the exact bytes;
 * the validity window with skew; the subject; types and schema; the status lists.
 * The trust policy (issuer, type, claims) is the caller's last step.
 */
export async function checkCredential(
  context: CheckContext,
  jwt: unknown,
  options: CheckCredentialOptions = {},
): Promise<VerifiedCredential> {
  const cached = typeof jwt === 'string' ? context.decoded?.get(jwt) : undefined
  const jws = cached?.jws ?? parseJws(jwt, 'credential', context.maxLength)
  const decoded = cached?.decoded ?? decodeCredential(jws)
  if (options.precheckIssuer !== undefined) await options.precheckIssuer(decoded.signer)
  const key = await context.keys.resolveKey({
    did: decoded.signer,
    kid: decoded.kid,
    role: 'credential',
    issuedAt: decoded.issuedAt,
  })
  await checkSignature('credential', jws.signature, jws.signingInput, key.publicKey, key.kid)
  checkWindow('credential', decoded, Math.floor(context.clock() / 1000), context.skew)
  if (options.expectedSubject !== undefined && decoded.subject !== options.expectedSubject) {
    throw new CredentialError(
      CredentialErrorCode.SubjectMismatch,
      'the credential is about another subject',
      {
        details: `about ${decoded.subject}, expected ${options.expectedSubject}`,
      },
    )
  }
  let types: readonly string[]
  if (cached === undefined) {
    types = checkSchema(decoded, context.types, options.expectedType)
    if (context.decoded !== undefined) {
      freezeJson(jws.header)
      freezeJson(decoded.payload)
      freezeJson(decoded.claims)
      freezeJson(decoded.status)
      context.decoded.set(jws.token, Object.freeze({ jws, decoded: Object.freeze(decoded), types }))
    }
  } else {
    types = cached.types
    checkExpectedType(types, options.expectedType)
  }
  let status: StatusCheck[] = []
  if (decoded.status.length > 0 && context.status !== undefined) {
    const checked = context.status.check({ entries: decoded.status, issuer: decoded.signer })
    status = Array.isArray(checked) ? checked : await checked
  }
  return {
    format: decoded.format,
    jwt: jws.token,
    issuer: decoded.signer,
    subject: decoded.subject,
    types,
    claims: decoded.claims,
    id: decoded.id,
    issuedAt: decoded.issuedAt,
    validFrom: decoded.notBefore,
    validUntil: decoded.notAfter,
    kid: key.kid,
    resolvedAt: key.versionTime,
    status,
    payload: decoded.payload,
  }
}
