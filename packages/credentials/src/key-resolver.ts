import type { DIDDocument, DIDResolutionResult, Resolvable } from 'did-resolver'
import { type Clock, createTtlCache, singleFlight, systemClock } from './cache.js'
import { CredentialError } from './errors.js'
import { ROLE_CODES, type TokenRole } from './roles.js'
import { formatDateTime } from './time.js'
import { lookUpMethod, type MethodLookup } from './verification-method.js'

/** A key that verified to belong to a DID under the required relationship. */
export interface ResolvedKey {
  /** The absolute DID URL of the verification method. */
  kid: string
  publicKey: Uint8Array
  /** Set when the key was found only in the document as it was at this time (historical resolution). */
  versionTime?: string
}

export interface KeyResolverParameters {
  /** Any DID resolver: did-resolver's `Resolver`, or anything with its `resolve` method. */
  resolver: Resolvable
  clock?: Clock
  /**
   * How long a resolved document (and the keys taken from it) is trusted, in milliseconds.
   * A deactivation or key removal takes effect for this verifier within this time. Default 60 000.
   */
  documentTtl?: number
  /** Most documents and keys kept. Default 10 000. */
  maxEntries?: number
  /**
   * Whether a key that is no longer in the issuer's document may be found in the document as
   * it was at issuance time (`?versionTime=`, DID Core §7.2.2). Default true.
   */
  historical?: boolean
}

export interface ResolveKeyParameters {
  /** The DID that must control the key (the signed `iss`). */
  did: string
  /** The absolute DID URL named by `kid`. */
  kid: string
  role: TokenRole
  /** Issuance time in seconds, for historical resolution when the key was rotated out since. */
  issuedAt?: number | undefined
}

export interface KeyResolver {
  /**
   * Finds exactly the method named by `kid` in the current document of `did`, or else in the
   * document as it was at `issuedAt`, and checks that the role's relationship
   * (`assertionMethod` for credentials, `authentication` for presentations) references it.
   * The current document must not be deactivated.
   * @throws CredentialError the role's `UNRESOLVABLE`, `DEACTIVATED`, `KID_UNKNOWN`,
   *   `KEY_NOT_…` relationship or `KEY_UNSUPPORTED` code.
   */
  resolveKey(parameters: ResolveKeyParameters): Promise<ResolvedKey>
  /** Forgets every cached document and key. */
  clear(): void
}

interface Resolved {
  document: DIDDocument
  deactivated: boolean
}

/**
 * Resolves issuer and holder keys with a bounded, expiring cache of documents and of the
 * keys parsed from them, so that a warm verifier does no resolution and no key parsing.
 */
export function createKeyResolver(parameters: KeyResolverParameters): KeyResolver {
  const { resolver } = parameters
  const clock = parameters.clock ?? systemClock
  const ttl = parameters.documentTtl ?? 60_000
  const maxEntries = parameters.maxEntries ?? 10_000
  const historical = parameters.historical ?? true
  const documents = createTtlCache<Resolved>({ maxEntries, ttl, clock })
  const keys = createTtlCache<ResolvedKey>({ maxEntries, ttl, clock })
  const flight = singleFlight<Resolved>()

  async function resolveDocument(didUrl: string, did: string, role: TokenRole): Promise<Resolved> {
    const cached = documents.get(didUrl)
    if (cached !== undefined) return cached
    return flight(didUrl, async () => {
      const codes = ROLE_CODES[role]
      let result: DIDResolutionResult
      try {
        result = await resolver.resolve(didUrl)
      } catch (cause) {
        throw new CredentialError(codes.unresolvable, `the ${codes.signer}'s DID could not be resolved`, {
          details: `${did}: the resolver threw`,
          cause,
        })
      }
      const error = result?.didResolutionMetadata?.error
      const document = result?.didDocument
      const deactivated = result?.didDocumentMetadata?.deactivated === true
      if (deactivated) {
        const resolved = { document: document ?? { id: did }, deactivated }
        documents.set(didUrl, resolved)
        return resolved
      }
      if (error !== undefined || document === null || document === undefined || document.id !== did) {
        throw new CredentialError(codes.unresolvable, `the ${codes.signer}'s DID could not be resolved`, {
          details: `${did}: ${error ?? (document ? `the document is for ${JSON.stringify(document.id)}` : 'no document')}`,
          hint: 'check that the resolver supports this DID method and can reach its registry',
        })
      }
      const resolved = { document, deactivated }
      documents.set(didUrl, resolved)
      return resolved
    })
  }

  return {
    async resolveKey({ did, kid, role, issuedAt }) {
      const codes = ROLE_CODES[role]
      const cacheKey = `${codes.relationship} ${kid}`
      const hit = keys.get(cacheKey)
      if (hit !== undefined) return hit
      const current = await resolveDocument(did, did, role)
      if (current.deactivated) {
        throw new CredentialError(codes.deactivated, `the ${codes.signer}'s DID is deactivated`, {
          details: did,
          hint: 'a deactivated DID can no longer sign anything; its credentials are not valid',
        })
      }
      const now = lookUpMethod(current.document, kid, codes.relationship)
      if (now.found && now.referenced) {
        const key = usable(now, kid, role)
        const resolved = { kid, publicKey: key }
        keys.set(cacheKey, resolved)
        return resolved
      }
      let then: MethodLookup = { found: false, referenced: false }
      let versionTime: string | undefined
      if (historical && issuedAt !== undefined) {
        versionTime = formatDateTime(issuedAt)
        const versionKey = `${cacheKey} ${versionTime}`
        const old = keys.get(versionKey)
        if (old !== undefined) return old
        const past = await resolveDocument(`${did}?versionTime=${versionTime}`, did, role)
        if (!past.deactivated) then = lookUpMethod(past.document, kid, codes.relationship)
        if (then.found && then.referenced) {
          const resolved = { kid, publicKey: usable(then, kid, role), versionTime }
          keys.set(versionKey, resolved)
          return resolved
        }
      }
      if (now.found || then.found) {
        throw new CredentialError(
          codes.keyRelationship,
          `the ${codes.noun} key is not listed under ${codes.relationship} of its DID`,
          {
            details: `${kid}${versionTime === undefined ? '' : ` (also checked as of ${versionTime})`}`,
            hint: `sign with a key that the DID document references from ${codes.relationship}`,
          },
        )
      }
      throw new CredentialError(codes.kidUnknown, `the ${codes.noun} names a key its DID does not have`, {
        details: `${kid}${versionTime === undefined ? '' : ` (also checked as of ${versionTime})`}`,
        hint: 'the key id in "kid" must be the id of a verification method in the DID document',
      })
    },
    clear() {
      documents.clear()
      keys.clear()
    },
  }
}

function usable(lookup: MethodLookup, kid: string, role: TokenRole): Uint8Array {
  if (lookup.found && lookup.publicKey !== undefined) return lookup.publicKey
  const codes = ROLE_CODES[role]
  throw new CredentialError(codes.keyUnsupported, `the ${codes.noun} key is not an Ed25519 key of its DID`, {
    details: kid,
    hint: 'Marque verifies Ed25519 keys (Multikey, Ed25519VerificationKey2018/2020, or an OKP JWK) whose controller is the DID itself',
  })
}
