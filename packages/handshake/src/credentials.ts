import { sha256, toHex, utf8 } from '@marque/crypto'
import type { DIDDocument } from 'did-resolver'
import { MAX_CREDENTIAL_LENGTH, MAX_CREDENTIALS } from './constants.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'

/** What a credential policy learned from one verified credential. */
export interface VerifiedCredential {
  /** The issuer's DID, from the signed `iss`. */
  readonly issuer: string
  /** The subject's DID; the handshake checks that it is the peer's DID. */
  readonly subject: string
  /** The credential's types, e.g. `['VerifiableCredential', 'DeviceIdentityCredential']`. */
  readonly types: readonly string[]
  /** The credential subject's claims (without `id`). */
  readonly claims: Readonly<Record<string, unknown>>
}

/** What a credential verifier is told about the handshake it is asked about. */
export interface CredentialContext {
  /** Our role in this handshake. */
  readonly role: 'initiator' | 'responder'
  /** The peer's DID document, as resolved for this handshake. */
  readonly peerDocument: DIDDocument
  /** The transcript hash the credentials are bound to (TH_2 or TH_3). */
  readonly transcriptHash: Uint8Array
}

/**
 * The credential policy hook: verifies the peer's credentials (compact JWTs, already resolved
 * from references) and returns one {@link VerifiedCredential} per credential, in order. It
 * throws to refuse (any error; a `MarqueError` keeps its code as the cause of
 * `HANDSHAKE_CREDENTIAL_REJECTED`). It also decides whether an empty list is acceptable.
 */
export type CredentialVerifier = (
  peerDid: string,
  credentials: readonly string[],
  context: CredentialContext,
) => Promise<readonly VerifiedCredential[]>

/** A credential to present: a compact JWT, sent in full or, when the peer has seen it, by reference. */
export interface OutgoingCredential {
  /** The credential: a compact JWS of at most 4096 bytes whose subject is our DID. */
  readonly jwt: string
  /**
   * Send the credential's SHA-256 digest instead of the credential. A function is asked with
   * the peer's DID (the initiator knows it by then; the responder does not, and is asked with
   * `undefined`). Default false.
   */
  readonly byReference?: boolean | ((peerDid: string | undefined) => boolean)
}

/** Credentials received in full, kept so that a peer can later send them by reference. */
export interface CredentialCache {
  /** The credential whose SHA-256 digest is `digest`, if kept. */
  get(digest: Uint8Array): string | undefined
  /** Keeps a credential that was received and verified; `digest`, when given, is its SHA-256. */
  add(jwt: string, digest?: Uint8Array): void
}

/** The SHA-256 digest of a credential's bytes: its reference (docs/handshake.md §3.4). */
export function credentialDigest(jwt: string): Uint8Array {
  return sha256(utf8(jwt))
}

// A compact JWS (RFC 7515 §7.1): three base64url parts; the signature may not be empty here.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/** True when `jwt` is a compact JWS within the length limit (its content is not checked). */
export function isCompactJwt(jwt: unknown): jwt is string {
  return typeof jwt === 'string' && jwt.length <= MAX_CREDENTIAL_LENGTH && COMPACT_JWS.test(jwt)
}

/**
 * Checks our own credentials and returns them in the {@link OutgoingCredential} form.
 * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT`.
 */
export function ownCredentials(credentials: unknown): OutgoingCredential[] {
  if (credentials === undefined) return []
  if (!Array.isArray(credentials) || credentials.length > MAX_CREDENTIALS) {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      `identity.credentials must be an array of at most ${MAX_CREDENTIALS} credentials`,
    )
  }
  return credentials.map((c: unknown, i) => {
    const out = (typeof c === 'string' ? { jwt: c } : c) as OutgoingCredential
    if (typeof out !== 'object' || out === null || !isCompactJwt(out.jwt)) {
      throw new HandshakeError(
        HandshakeErrorCode.InvalidArgument,
        `identity.credentials[${i}] must be a compact JWT of at most ${MAX_CREDENTIAL_LENGTH} bytes`,
      )
    }
    return out
  })
}

/** Parameters of {@link createCredentialCache}. */
export interface CreateCredentialCacheParameters {
  /** The most credentials kept; the least recently used go first. Default 1024. */
  maxEntries?: number
}

/**
 * A bounded in-memory {@link CredentialCache} (least recently used first out).
 * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` for a bad `maxEntries`.
 */
export function createCredentialCache(parameters: CreateCredentialCacheParameters = {}): CredentialCache {
  const maxEntries = parameters.maxEntries ?? 1024
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new HandshakeError(HandshakeErrorCode.InvalidArgument, 'maxEntries must be a positive integer')
  }
  const entries = new Map<string, string>()
  return {
    get(digest) {
      const key = toHex(digest)
      const jwt = entries.get(key)
      if (jwt !== undefined) {
        entries.delete(key)
        entries.set(key, jwt)
      }
      return jwt
    },
    add(jwt, digest) {
      const key = toHex(digest ?? credentialDigest(jwt))
      entries.delete(key)
      entries.set(key, jwt)
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string)
    },
  }
}
