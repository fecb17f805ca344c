import { type Signer, utf8 } from '@marque/crypto'
import { createVerifiableCredentialJwt, type JwtCredentialPayload } from 'did-jwt-vc'
import { encodeBase64url } from './base64url.js'
import { type Clock, systemClock } from './cache.js'
import { didOf, isDid, resolveKid } from './did-url.js'
import { CredentialError, CredentialErrorCode } from './errors.js'
import type { CredentialFormat } from './format.js'
import { JWS_ALG, signJws } from './jws.js'
import { VC_V1_CONTEXT, VC_V2_CONTEXT } from './schemas/common.js'
import { compileTypeChecks } from './schemas/index.js'
import type { BitstringStatusListEntry } from './status/entry.js'
import { formatDateTime, type TimeInput, toSeconds } from './time.js'

/** One credential to issue: what it says. */
export interface CredentialInput {
  /** The credential type(s) beside `VerifiableCredential`, e.g. `DeviceIdentityCredential`. */
  type: string | readonly string[]
  /** The subject's DID. */
  subject: string
  /** `credentialSubject` members other than `id`. */
  claims: Readonly<Record<string, unknown>>
  /** The credential's id (a URL or URN), if it has one. */
  id?: string
  /** When the credential was issued. Default: now. */
  issuedAt?: TimeInput
  /** Start of validity. Default: `issuedAt`. */
  validFrom?: TimeInput
  /** End of validity. Default: none. */
  validUntil?: TimeInput
  /** Status list entries (from a status registry's `allocate()`), so the issuer can revoke or suspend. */
  status?: BitstringStatusListEntry | readonly BitstringStatusListEntry[]
}

export interface IssueCredentialParameters extends CredentialInput {
  /** Signs for the issuer. Its `keyId` is the DID URL of a method under the issuer's `assertionMethod`. */
  signer: Signer
  /** The encoding. Default `vc+jwt` (VC Data Model 2.0); `vc-jwt-1.1` goes through did-jwt-vc. */
  format?: CredentialFormat
  /** Milliseconds since the epoch, for the default issuance time. Default `Date.now`. */
  clock?: Clock
}

/** What {@link issueCredential} returns: the signed credential, a compact JWS. */
export type IssueCredentialReturnType = Promise<string>

// Compiled on first use, not at import time.
let typeChecks: ReturnType<typeof compileTypeChecks> | undefined

function invalid(message: string, hint?: string): CredentialError {
  return new CredentialError(CredentialErrorCode.InvalidArgument, message, hint === undefined ? {} : { hint })
}

/**
 * The issuer DID and key id of a signer: its `keyId` must be an absolute DID URL naming a
 * verification method (`did:…#fragment`).
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` otherwise.
 */
export function issuerOf(signer: Signer): { issuer: string; kid: string } {
  if (typeof signer !== 'function' || typeof signer.keyId !== 'string') {
    throw invalid('signer must be a Signer from @marque/crypto')
  }
  const did = didOf(signer.keyId)
  const parts = did === undefined ? undefined : resolveKid(signer.keyId, did)
  if (did === undefined || parts === undefined || !parts.ok || parts.id !== signer.keyId) {
    throw invalid(
      "the signer's keyId must be the DID URL of the issuer's key (did:…#fragment)",
      'wrap the signer with withKeyId(signer, "did:…#key-1") once the key is in the DID document',
    )
  }
  return { issuer: did, kid: signer.keyId }
}

/** The encoded claims and times of a credential, checked against the schemas of its types. */
export interface PreparedCredential {
  issuer: string
  types: string[]
  subject: string
  claims: Record<string, unknown>
  id: string | undefined
  issuedAt: number
  validFrom: number
  validUntil: number | undefined
  status: BitstringStatusListEntry[]
}

/**
 * Checks one credential's input and fills in its times.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for a bad subject, type, claims or
 *   time; `CREDENTIAL_SCHEMA_INVALID` when the claims break the JSON Schema of a Marque type.
 */
export function prepareCredential(input: CredentialInput, issuer: string, now: number): PreparedCredential {
  const extraTypes = typeof input.type === 'string' ? [input.type] : [...(input.type ?? [])]
  if (extraTypes.length === 0 || !extraTypes.every((t) => typeof t === 'string' && t.length > 0)) {
    throw invalid('type must name the credential type, e.g. "DeviceIdentityCredential"')
  }
  const types = ['VerifiableCredential', ...extraTypes.filter((t) => t !== 'VerifiableCredential')]
  if (!isDid(input.subject)) throw invalid('subject must be a DID')
  const claims = input.claims
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw invalid('claims must be an object')
  if (Object.hasOwn(claims, 'id')) throw invalid('claims must not have "id": the subject is given as subject')
  const issuedAt = input.issuedAt === undefined ? now : toSeconds(input.issuedAt, 'issuedAt')
  const validFrom = input.validFrom === undefined ? issuedAt : toSeconds(input.validFrom, 'validFrom')
  const validUntil = input.validUntil === undefined ? undefined : toSeconds(input.validUntil, 'validUntil')
  if (validUntil !== undefined && validUntil <= validFrom) throw invalid('validUntil must be after validFrom')
  for (const type of types) {
    typeChecks ??= compileTypeChecks()
    const checks = typeChecks.get(type)
    const problem = checks?.subject({ ...claims, id: input.subject })
    if (problem !== undefined) {
      throw new CredentialError(
        CredentialErrorCode.SchemaInvalid,
        `the claims do not fit ${type}: ${problem}`,
        {
          hint: 'see the JSON Schema of the type in docs/credentials.md',
        },
      )
    }
  }
  const status =
    input.status === undefined ? [] : Array.isArray(input.status) ? [...input.status] : [input.status]
  return {
    issuer,
    types,
    subject: input.subject,
    claims: { ...claims },
    id: input.id,
    issuedAt,
    validFrom,
    validUntil,
    status: status as BitstringStatusListEntry[],
  }
}

/** The `vc+jwt` payload of a prepared credential: the VC Data Model 2.0 document itself. */
export function credentialDocument(prepared: PreparedCredential): Record<string, unknown> {
  const document: Record<string, unknown> = {
    '@context': [VC_V2_CONTEXT],
    type: prepared.types,
    issuer: prepared.issuer,
    validFrom: formatDateTime(prepared.validFrom),
  }
  if (prepared.id !== undefined) document.id = prepared.id
  if (prepared.validUntil !== undefined) document.validUntil = formatDateTime(prepared.validUntil)
  if (prepared.status.length > 0) document.credentialStatus = prepared.status
  document.credentialSubject = { id: prepared.subject, ...prepared.claims }
  // VC-JOSE-COSE §3.1.3: `iss` and `iat` agree with `issuer` and the issuance time.
  document.iss = prepared.issuer
  document.iat = prepared.issuedAt
  return document
}

/** did-jwt's signer shape (a base64url signature of a string or bytes) over a Marque Signer. */
function didJwtSigner(signer: Signer): (data: string | Uint8Array) => Promise<string> {
  return async (data) => encodeBase64url(await signer(typeof data === 'string' ? utf8(data) : data))
}

async function issuePrepared(
  prepared: PreparedCredential,
  signer: Signer,
  format: CredentialFormat,
): Promise<string> {
  if (format === 'vc+jwt') return signJws({ payload: credentialDocument(prepared), typ: 'vc+jwt', signer })
  // VC-JWT 1.1 through did-jwt-vc, for byte-level interop with everything built on it
  // (VC Data Model 1.1 §6.3.1: nbf = issuanceDate, exp = expirationDate, jti = id, sub = subject id).
  const vc: JwtCredentialPayload['vc'] = {
    '@context': [VC_V1_CONTEXT],
    type: prepared.types,
    credentialSubject: prepared.claims,
  }
  if (prepared.status.length > 0) {
    // did-jwt-vc types credentialStatus as one entry; VC Data Model 1.1 §4.9 allows a list.
    vc.credentialStatus = (prepared.status.length === 1 ? prepared.status[0] : prepared.status) as never
  }
  const payload: JwtCredentialPayload = {
    sub: prepared.subject,
    nbf: prepared.validFrom,
    iat: prepared.issuedAt,
    vc,
  }
  if (prepared.validUntil !== undefined) payload.exp = prepared.validUntil
  if (prepared.id !== undefined) payload.jti = prepared.id
  return createVerifiableCredentialJwt(
    payload,
    { did: prepared.issuer, signer: didJwtSigner(signer), alg: JWS_ALG },
    { header: { alg: JWS_ALG, typ: 'JWT', kid: signer.keyId } },
  )
}

/**
 * Issues one credential, signed by `signer` for the issuer its key id names.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for a bad subject, type, claims or
 *   time; `CREDENTIAL_SCHEMA_INVALID` when the claims break the JSON Schema of a Marque type;
 *   whatever the signer throws.
 */
export async function issueCredential(parameters: IssueCredentialParameters): IssueCredentialReturnType {
  const { signer, format = 'vc+jwt', clock = systemClock } = parameters
  if (format !== 'vc+jwt' && format !== 'vc-jwt-1.1') throw invalid('format must be "vc+jwt" or "vc-jwt-1.1"')
  const { issuer } = issuerOf(signer)
  const prepared = prepareCredential(parameters, issuer, Math.floor(clock() / 1000))
  return issuePrepared(prepared, signer, format)
}

/** Parameters of {@link issueCredentials}. */
export interface IssueCredentialsParameters {
  /**
   * Signs every credential of the batch. Its `keyId` is the DID URL of a method under the
   * issuer's `assertionMethod`.
   */
  signer: Signer
  /**
   * The encoding of every credential. Default `vc+jwt` (VC Data Model 2.0); `vc-jwt-1.1` goes
   * through did-jwt-vc.
   */
  format?: CredentialFormat
  /** The credentials to issue, read lazily: a generator keeps a batch of any size in bounded memory. */
  credentials: Iterable<CredentialInput> | AsyncIterable<CredentialInput>
  /** Signatures in flight at once (useful with a remote or hardware signer). Default 8. */
  concurrency?: number
  /**
   * Milliseconds since the epoch, read once per credential for its default issuance time.
   * Default `Date.now`.
   */
  clock?: Clock
}

/**
 * Issues a batch (a factory run), yielding each credential in input order as soon as it and
 * every one before it is signed. Memory stays bounded by `concurrency`, whatever the batch size.
 * @throws CredentialError as {@link issueCredential}; the generator stops at the first failure.
 */
export async function* issueCredentials(parameters: IssueCredentialsParameters): AsyncGenerator<string> {
  const { signer, format = 'vc+jwt', clock = systemClock } = parameters
  const concurrency = parameters.concurrency ?? 8
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw invalid('concurrency must be a positive integer')
  if (format !== 'vc+jwt' && format !== 'vc-jwt-1.1') throw invalid('format must be "vc+jwt" or "vc-jwt-1.1"')
  const { issuer } = issuerOf(signer)
  const window: Promise<string>[] = []
  for await (const input of parameters.credentials) {
    const prepared = prepareCredential(input, issuer, Math.floor(clock() / 1000))
    const pending = issuePrepared(prepared, signer, format)
    // Unobserved rejections are reported when the promise is awaited below.
    pending.catch(() => {})
    window.push(pending)
    if (window.length >= concurrency) yield await (window.shift() as Promise<string>)
  }
  while (window.length > 0) yield await (window.shift() as Promise<string>)
}
