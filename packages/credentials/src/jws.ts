import { type Signer, utf8 } from '@marque/crypto'
import { decodeBase64url, encodeBase64url } from './base64url.js'
import { CredentialError } from './errors.js'
import { ROLE_CODES, type TokenRole } from './roles.js'

/** The one JOSE algorithm Marque signs and accepts (RFC 8037 §3.1). */
export const JWS_ALG = 'EdDSA'

/** The protected header members a token may carry; anything else (`jwk`, `jku`, `x5u`, `crit`, …) is refused. */
const ALLOWED_HEADER = new Set(['alg', 'typ', 'kid', 'cty'])

/** A JWS protected header as Marque accepts it. */
export interface JwsHeader {
  alg: typeof JWS_ALG
  kid: string
  /** Lower-cased, without an `application/` prefix (RFC 7515 §4.1.9). */
  typ: string | undefined
  cty: string | undefined
}

/** A parsed, not yet verified, JWS in compact serialization (RFC 7515 §7.1). */
export interface ParsedJws {
  token: string
  header: JwsHeader
  payload: Record<string, unknown>
  /** The exact ASCII bytes of `header.payload` that the signature covers (RFC 7515 §5.2). */
  signingInput: Uint8Array
  signature: Uint8Array
}

const utf8Decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })

/**
 * Parses a JWS compact serialization strictly: three non-empty strict-base64url parts, a
 * header that is a JSON object with only `alg`, `typ`, `kid` and `cty`, `alg` exactly
 * `EdDSA`, a string `kid`, a payload that is a JSON object, and a 64-byte signature.
 * Nothing here is trusted yet: the caller verifies the signature over `signingInput`.
 * @throws CredentialError the role's `TOO_LARGE`, `MALFORMED` or `UNSUPPORTED_ALG` code.
 */
export function parseJws(token: unknown, role: TokenRole, maxLength: number): ParsedJws {
  const codes = ROLE_CODES[role]
  if (typeof token !== 'string') {
    throw new CredentialError(codes.malformed, `a ${codes.noun} must be a JWS compact string`, {
      details: `got ${token === null ? 'null' : typeof token}`,
    })
  }
  if (token.length > maxLength) {
    throw new CredentialError(codes.tooLarge, `the ${codes.noun} is larger than this verifier accepts`, {
      details: `${token.length} characters, limit ${maxLength}`,
      hint: `raise the verifier's ${codes.maxLengthOption} if such tokens are expected`,
    })
  }
  const first = token.indexOf('.')
  const second = first < 0 ? -1 : token.indexOf('.', first + 1)
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
    throw malformed(role, 'it must have exactly three dot-separated parts (JWS compact serialization)')
  }
  const headerPart = token.slice(0, first)
  const payloadPart = token.slice(first + 1, second)
  const signaturePart = token.slice(second + 1)
  const rawHeader = decodeJsonObject(headerPart, role, 'header')
  for (const name of Object.keys(rawHeader)) {
    if (!ALLOWED_HEADER.has(name))
      throw malformed(role, `the header member ${JSON.stringify(name)} is not allowed`)
  }
  // RFC 8725 §3.1: the algorithm is fixed by the verifier, never chosen by the token.
  if (rawHeader.alg !== JWS_ALG) {
    throw new CredentialError(codes.unsupportedAlg, `the ${codes.noun} must be signed with EdDSA`, {
      details: `alg is ${JSON.stringify(rawHeader.alg)}`,
      hint: 'Marque accepts Ed25519 signatures (alg "EdDSA") only',
    })
  }
  const { kid, typ, cty } = rawHeader
  if (typeof kid !== 'string' || kid.length === 0) {
    throw malformed(role, 'the header must name the signing key in "kid" (a DID URL)')
  }
  if (typ !== undefined && typeof typ !== 'string') throw malformed(role, 'the header "typ" must be a string')
  if (cty !== undefined && typeof cty !== 'string') throw malformed(role, 'the header "cty" must be a string')
  const payload = decodeJsonObject(payloadPart, role, 'payload')
  if (signaturePart.length !== 86) {
    throw malformed(role, 'the signature must be 64 bytes of base64url')
  }
  const signature = decode(signaturePart, role, 'signature')
  return {
    token,
    header: { alg: JWS_ALG, kid, typ: mediaType(typ), cty: mediaType(cty) },
    payload,
    signingInput: utf8(token.slice(0, second)),
    signature,
  }
}

/** RFC 7515 §4.1.9: media type names are case-insensitive and `application/` may be left out. */
function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const lower = value.toLowerCase()
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower
}

function decode(part: string, role: TokenRole, name: string): Uint8Array {
  if (part.length === 0) throw malformed(role, `the ${name} is empty`)
  const bytes = decodeBase64url(part)
  if (bytes === undefined) throw malformed(role, `the ${name} is not canonical base64url without padding`)
  return bytes
}

function decodeJsonObject(part: string, role: TokenRole, name: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(utf8Decoder.decode(decode(part, role, name)))
  } catch (cause) {
    if (cause instanceof CredentialError) throw cause
    throw malformed(role, `the ${name} is not UTF-8 JSON`, cause)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(role, `the ${name} must be a JSON object`)
  }
  return value as Record<string, unknown>
}

function malformed(role: TokenRole, problem: string, cause?: unknown): CredentialError {
  const codes = ROLE_CODES[role]
  return new CredentialError(codes.malformed, `the ${codes.noun} is malformed: ${problem}`, {
    ...(cause === undefined ? {} : { cause }),
  })
}

/** The header a Marque issuer writes: `alg`, `typ`, `kid`, in that order. */
export interface SignJwsParameters {
  payload: Record<string, unknown>
  typ: string
  signer: Signer
}

/**
 * Signs `payload` as a JWS compact serialization with `alg: EdDSA`, the given `typ`, and
 * `kid` = the signer's key id (a DID URL).
 */
export async function signJws(parameters: SignJwsParameters): Promise<string> {
  const { payload, typ, signer } = parameters
  const header = encodeBase64url(utf8(JSON.stringify({ alg: JWS_ALG, typ, kid: signer.keyId })))
  const body = encodeBase64url(utf8(JSON.stringify(payload)))
  const signingInput = `${header}.${body}`
  const signature = await signer(utf8(signingInput))
  return `${signingInput}.${encodeBase64url(signature)}`
}
