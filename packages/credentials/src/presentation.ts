import { base64urlDecode, type Signer } from '@marque/crypto'
import { type Clock, systemClock } from './cache.js'
import { checkSignature, checkWindow, type VerifiedCredential } from './check-credential.js'
import { CredentialError, CredentialErrorCode } from './errors.js'
import { decodeToken, type PresentationFormat } from './format.js'
import { issuerOf } from './issue.js'
import { parseJws, signJws } from './jws.js'
import type { KeyResolver } from './key-resolver.js'
import { VC_V1_CONTEXT, VC_V2_CONTEXT } from './schemas/common.js'
import { type TimeInput, toSeconds } from './time.js'
import type { CompiledPolicy } from './trust/policy.js'

/** Most credentials one presentation may carry. */
export const MAX_PRESENTED_CREDENTIALS = 16
/** Default life of a presentation: 120 s. It is bound to one nonce anyway. */
export const DEFAULT_PRESENTATION_LIFETIME = 120

/** Parameters of {@link createPresentation}. */
export interface CreatePresentationParameters {
  /** The holder's signer; its `keyId` is a DID URL under the holder's `authentication`. */
  signer: Signer
  /** Credentials (compact JWS) about the holder. */
  credentials: readonly string[]
  /** The verifier's challenge, fresh for this presentation. */
  nonce: string
  /** Who the presentation is for (the verifier's DID or URL). */
  audience: string | readonly string[]
  /** Default `vp+jwt` (VC Data Model 2.0); `vp-jwt-1.1` is the did-jwt-vc encoding. */
  format?: PresentationFormat
  /** Seconds the presentation stays valid. Default 120. */
  lifetime?: number
  /** The signed `iat`; the presentation expires `lifetime` seconds later. Default: now. */
  issuedAt?: TimeInput
  /** The presentation's id (a URL or URN), signed as `jti`. Default: none. */
  id?: string
  /** Milliseconds since the epoch, for the default `issuedAt`. Default `Date.now`. */
  clock?: Clock
}

/** A data: URL media type per credential encoding (VC Data Model 2.0 §4.13, enveloped credentials). */
function envelope(jwt: string): Record<string, unknown> {
  let typ: unknown
  try {
    typ = JSON.parse(new TextDecoder().decode(base64urlDecode(jwt.slice(0, jwt.indexOf('.'))))).typ
  } catch {
    typ = undefined
  }
  const mediaType = typ === 'JWT' ? 'application/jwt' : 'application/vc+jwt'
  return {
    '@context': [VC_V2_CONTEXT],
    type: 'EnvelopedVerifiableCredential',
    id: `data:${mediaType},${jwt}`,
  }
}

/**
 * Signs a presentation of `credentials` for one verifier and one challenge: `nonce` and
 * `aud` are signed claims, so the presentation cannot be replayed to another verifier or
 * for another challenge.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for a bad signer, nonce, audience
 *   or credential list.
 */
export async function createPresentation(parameters: CreatePresentationParameters): Promise<string> {
  const { signer, credentials, nonce, format = 'vp+jwt', clock = systemClock } = parameters
  const { issuer: holder } = issuerOf(signer)
  const invalid = (message: string) => new CredentialError(CredentialErrorCode.InvalidArgument, message)
  if (typeof nonce !== 'string' || nonce.length === 0) throw invalid('nonce must be a non-empty string')
  const audience = typeof parameters.audience === 'string' ? [parameters.audience] : [...parameters.audience]
  if (audience.length === 0 || !audience.every((a) => typeof a === 'string' && a.length > 0)) {
    throw invalid('audience must name the verifier')
  }
  if (!Array.isArray(credentials) || !credentials.every((c) => typeof c === 'string')) {
    throw invalid('credentials must be a list of compact JWS strings')
  }
  if (credentials.length > MAX_PRESENTED_CREDENTIALS)
    throw invalid(`at most ${MAX_PRESENTED_CREDENTIALS} credentials`)
  const iat =
    parameters.issuedAt === undefined
      ? Math.floor(clock() / 1000)
      : toSeconds(parameters.issuedAt, 'issuedAt')
  const lifetime = parameters.lifetime ?? DEFAULT_PRESENTATION_LIFETIME
  if (!Number.isInteger(lifetime) || lifetime <= 0)
    throw invalid('lifetime must be a positive whole number of seconds')
  const aud = audience.length === 1 ? audience[0] : audience
  const claims = {
    iss: holder,
    aud,
    nonce,
    iat,
    exp: iat + lifetime,
    ...(parameters.id ? { jti: parameters.id } : {}),
  }
  if (format === 'vp-jwt-1.1') {
    const vp = {
      '@context': [VC_V1_CONTEXT],
      type: ['VerifiablePresentation'],
      verifiableCredential: [...credentials],
    }
    return signJws({ payload: { ...claims, vp }, typ: 'JWT', signer })
  }
  if (format !== 'vp+jwt') throw invalid('format must be "vp+jwt" or "vp-jwt-1.1"')
  const document = {
    '@context': [VC_V2_CONTEXT],
    type: ['VerifiablePresentation'],
    holder,
    verifiableCredential: credentials.map(envelope),
    ...claims,
  }
  return signJws({ payload: document, typ: 'vp+jwt', signer })
}

/** Options of {@link Verifier.verifyPresentation}. */
export interface VerifyPresentationOptions {
  /** The challenge this verifier issued for this presentation. */
  nonce: string
  /** This verifier's identifier; the presentation's `aud` must include it. */
  audience: string
  /**
   * The DID expected to present (for example the peer of a handshake): a presentation signed
   * by another is refused with `PRESENTATION_HOLDER_MISMATCH`.
   */
  expectedHolder?: string
  /** Oldest acceptable presentation, in seconds since its `iat` (when it has one). Default 300. */
  maxAge?: number
}

/** A presentation that verified, with every credential in it. */
export interface VerifiedPresentation {
  /** Which encoding the presentation used. */
  format: PresentationFormat
  /** The presentation as received. */
  jwt: string
  /** The presenter's DID, from the signed `iss`. */
  holder: string
  /** The verification method that signed it (an absolute DID URL), under the holder's `authentication`. */
  kid: string
  /** The challenge it answers: the `nonce` option, which its signed `nonce` equals. */
  nonce: string
  /** The signed `aud`, as a list; it includes this verifier's `audience`. */
  audience: readonly string[]
  /** The signed `iat`, if any. */
  issuedAt: number | undefined
  /**
   * End of validity, in seconds since the epoch: the earliest of `exp` and `validUntil`
   * (`expirationDate` in VP-JWT 1.1); `undefined` when the presentation states none.
   */
  expiresAt: number | undefined
  /** Each credential, verified, about the holder, in presentation order. */
  credentials: readonly VerifiedCredential[]
}

export interface PresentationContext {
  keys: KeyResolver
  clock: Clock
  skew: number
  maxLength: number
  verifyCredential: (jwt: string) => Promise<VerifiedCredential>
  policy: CompiledPolicy | undefined
}

const ENVELOPE_PREFIXES = ['data:application/vc+jwt,', 'data:application/vc-ld+jwt,', 'data:application/jwt,']

function malformed(problem: string): CredentialError {
  return new CredentialError(
    CredentialErrorCode.PresentationMalformed,
    `the presentation is malformed: ${problem}`,
  )
}

/** The embedded credentials as compact JWS: strings in VP-JWT 1.1, enveloped credentials in `vp+jwt`. */
function embeddedCredentials(body: Record<string, unknown>, format: PresentationFormat): string[] {
  const raw = body.verifiableCredential
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  if (list.length > MAX_PRESENTED_CREDENTIALS) {
    throw malformed(`it carries more than ${MAX_PRESENTED_CREDENTIALS} credentials`)
  }
  return list.map((item) => {
    if (format === 'vp-jwt-1.1') {
      if (typeof item !== 'string') throw malformed('VP-JWT 1.1 credentials must be compact JWS strings')
      return item
    }
    const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : undefined
    const type =
      typeof item === 'object' && item !== null ? (item as Record<string, unknown>).type : undefined
    const types = Array.isArray(type) ? type : [type]
    const prefix = typeof id === 'string' ? ENVELOPE_PREFIXES.find((p) => id.startsWith(p)) : undefined
    if (!types.includes('EnvelopedVerifiableCredential') || prefix === undefined) {
      throw malformed(
        'vp+jwt credentials must be EnvelopedVerifiableCredential with a data: URL (VC-JOSE-COSE §3.1.2)',
      )
    }
    return (id as string).slice(prefix.length)
  })
}

function renumber(error: unknown, index: number, count: number): unknown {
  if (!(error instanceof CredentialError)) return error
  return new CredentialError(
    error.code,
    `credential ${index + 1} of ${count} in the presentation: ${error.message}`,
    {
      ...(error.details === undefined ? {} : { details: error.details }),
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      cause: error,
      credentialIndex: index,
    },
  )
}

/**
 * The presentation checklist: syntax; nonce; audience; expected holder; the holder's key
 * (exactly `kid`, under `authentication`, DID not deactivated); signature; age and expiry;
 * then every credential through the full credential checklist, each of which must be about
 * the holder; then the policy's required types.
 */
export async function checkPresentation(
  context: PresentationContext,
  jwt: unknown,
  options: VerifyPresentationOptions,
): Promise<VerifiedPresentation> {
  if (
    typeof options?.nonce !== 'string' ||
    options.nonce.length === 0 ||
    typeof options.audience !== 'string'
  ) {
    throw new CredentialError(
      CredentialErrorCode.InvalidArgument,
      'verifyPresentation needs the nonce and audience',
    )
  }
  const jws = parseJws(jwt, 'presentation', context.maxLength)
  const decoded = decodeToken(jws, 'presentation')
  const format = decoded.format as PresentationFormat
  const { payload } = jws
  if (payload.nonce !== options.nonce) {
    throw new CredentialError(
      CredentialErrorCode.NonceMismatch,
      'the presentation answers another challenge',
      {
        hint: 'a presentation is valid for the one nonce it signed; ask the holder for a fresh one',
      },
    )
  }
  const aud = typeof payload.aud === 'string' ? [payload.aud] : payload.aud
  if (!Array.isArray(aud) || !aud.includes(options.audience)) {
    throw new CredentialError(
      CredentialErrorCode.AudienceMismatch,
      'the presentation is meant for another verifier',
      {
        details: `audience ${JSON.stringify(payload.aud ?? null)}, this verifier ${options.audience}`,
      },
    )
  }
  const holder = decoded.signer
  if (options.expectedHolder !== undefined && holder !== options.expectedHolder) {
    throw new CredentialError(
      CredentialErrorCode.HolderMismatch,
      'the presentation comes from another holder',
      {
        details: `presented by ${holder}, expected ${options.expectedHolder}`,
      },
    )
  }
  // Presentations are fresh: the holder's current key signs them, never a historical one.
  const key = await context.keys.resolveKey({ did: holder, kid: decoded.kid, role: 'presentation' })
  await checkSignature('presentation', jws.signature, jws.signingInput, key.publicKey, key.kid)
  const now = Math.floor(context.clock() / 1000)
  checkWindow('presentation', decoded, now, context.skew)
  // Freshness comes from the nonce; `iat`, when present, also bounds the age.
  const maxAge = options.maxAge ?? 300
  const iat = typeof payload.iat === 'number' ? payload.iat : undefined
  if (iat !== undefined && now - context.skew > iat + maxAge) {
    throw new CredentialError(CredentialErrorCode.PresentationExpired, 'the presentation is too old', {
      details: `issued at ${iat}, now ${now}, at most ${maxAge} s old`,
    })
  }
  const jwts = embeddedCredentials(decoded.body, format)
  const credentials: VerifiedCredential[] = []
  for (const [index, credential] of jwts.entries()) {
    let verified: VerifiedCredential
    try {
      verified = await context.verifyCredential(credential)
    } catch (error) {
      throw renumber(error, index, jwts.length)
    }
    if (verified.subject !== holder) {
      throw new CredentialError(
        CredentialErrorCode.HolderMismatch,
        'a credential in the presentation is about someone else',
        {
          details: `credential ${index + 1} is about ${verified.subject}, presented by ${holder}`,
          credentialIndex: index,
        },
      )
    }
    credentials.push(verified)
  }
  context.policy?.checkRequiredTypes(credentials)
  return {
    format,
    jwt: jws.token,
    holder,
    kid: key.kid,
    nonce: options.nonce,
    audience: aud as string[],
    issuedAt: iat,
    expiresAt: decoded.notAfter,
    credentials,
  }
}
