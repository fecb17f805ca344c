import type { Resolvable } from 'did-resolver'
import { type Clock, createTtlCache, systemClock } from './cache.js'
import {
  type CheckContext,
  checkCredential,
  type DecodedEntry,
  type VerifiedCredential,
} from './check-credential.js'
import { CredentialError, CredentialErrorCode } from './errors.js'
import type { JsonSchema } from './json-schema.js'
import { createKeyResolver } from './key-resolver.js'
import {
  checkPresentation,
  type VerifiedPresentation,
  type VerifyPresentationOptions,
} from './presentation.js'
import { compileTypeChecks } from './schemas/index.js'
import { createStatusChecker, type VerifiedStatusList } from './status/checker.js'
import { createStatusListFetcher, type FetchStatusList } from './status/fetch.js'
import {
  type CompiledPolicy,
  compilePolicy,
  type TrustPolicy,
  type VerifiedTrustList,
} from './trust/policy.js'

/** Default allowed clock difference: 30 s (did-jwt allows 300 s, too much for admission decisions). */
export const DEFAULT_SKEW = 30
/** Default largest credential accepted: 16 KiB. */
export const DEFAULT_MAX_CREDENTIAL_LENGTH = 16 * 1024
/** Default largest presentation accepted: 64 KiB. */
export const DEFAULT_MAX_PRESENTATION_LENGTH = 64 * 1024
/** Largest status list or trust list credential accepted: 1 MiB. */
const MAX_LIST_LENGTH = 1024 * 1024

/** Parameters of {@link createVerifier}. */
export interface CreateVerifierParameters {
  /** Resolves issuer and holder DIDs: any did-resolver `Resolvable` (did:marque, did:web, did:key, …). */
  resolver: Resolvable
  /** Milliseconds since the epoch. Default `Date.now`. */
  clock?: Clock
  /** Allowed clock difference in seconds, applied to every validity check. Default 30. */
  skew?: number
  /** How long resolved DID documents and their keys are reused, in ms. Default 60 000. */
  documentTtl?: number
  /** Whether a rotated-out key is looked up as of the credential's issuance time. Default true. */
  historicalResolution?: boolean
  /** Largest credential accepted, in characters. Default 16 384. */
  maxCredentialLength?: number
  /** Largest presentation accepted, in characters. Default 65 536. */
  maxPresentationLength?: number
  /**
   * Fetches status lists and trust lists by URL. Default: `createStatusListFetcher` with this
   * verifier's resolver (`https:`, `http:` and DID service URLs; no `file:`).
   */
  fetchStatusList?: FetchStatusList
  /** Longest time a status list is reused, in ms (the list's `ttl` and `validUntil` shorten it). Default 300 000. */
  statusListTtl?: number
  /** Most status lists cached. Default 1 000. */
  maxStatusLists?: number
  /**
   * Most credentials kept decoded, by their exact bytes, so that one presented again (a device
   * reconnecting) is not decoded and schema-checked again; its signature, validity, status and
   * the policy are checked every time. Results are frozen. Default 1 000; 0 keeps none.
   */
  maxDecodedCredentials?: number
  /** The trust policy. Without one, any issuer whose signature verifies is reported, and the caller decides. */
  policy?: TrustPolicy
  /** Longest time a verified trust list is reused, in ms. Default 3 600 000. */
  trustListTtl?: number
  /** JSON Schemas of further credential types (Marque's own cannot be replaced). */
  schemas?: Readonly<Record<string, JsonSchema>>
}

/** Options of {@link Verifier.verifyCredential}. */
export interface VerifyCredentialOptions {
  /** The DID the credential must be about; refused with `CREDENTIAL_SUBJECT_MISMATCH` otherwise. */
  expectedSubject?: string
  /** A type the credential must have; refused with `CREDENTIAL_SCHEMA_INVALID` otherwise. */
  expectedType?: string
}

/** Verifies credentials and presentations; caches documents, keys, status lists and trust lists. */
export interface Verifier {
  /**
   * Runs the whole checklist on one credential (docs/credentials.md, "Verification") and
   * then the trust policy, if any.
   * @throws CredentialError with the code of the first step that fails.
   */
  verifyCredential(jwt: string, options?: VerifyCredentialOptions): Promise<VerifiedCredential>
  /**
   * Verifies a presentation (nonce, audience, holder key under `authentication`) and every
   * credential in it, each of which must be about the holder; then the trust policy.
   * @throws CredentialError with the code of the first step that fails.
   */
  verifyPresentation(jwt: string, options: VerifyPresentationOptions): Promise<VerifiedPresentation>
  /** Forgets cached documents, keys, status lists and decoded credentials. */
  clearCaches(): void
}

/** What {@link createVerifier} returns. */
export type CreateVerifierReturnType = Verifier

function number(value: number | undefined, fallback: number, name: string, integer = false): number {
  const n = value ?? fallback
  if (typeof n !== 'number' || !(n >= 0) || (integer && !Number.isInteger(n))) {
    throw new CredentialError(CredentialErrorCode.InvalidArgument, `${name} must be a non-negative number`)
  }
  return n
}

/**
 * A verifier over a DID resolver. Build one per gateway and keep it: its caches make a warm
 * verification cost one signature check and a few map look-ups.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for a bad option;
 *   `TRUST_POLICY_INVALID` for a policy that does not fit its schema.
 */
export function createVerifier(parameters: CreateVerifierParameters): CreateVerifierReturnType {
  const { resolver } = parameters
  if (typeof resolver?.resolve !== 'function') {
    throw new CredentialError(CredentialErrorCode.InvalidArgument, 'resolver must have a resolve method', {
      hint: 'pass a did-resolver Resolver, e.g. new Resolver({ ...getResolver() }, { cache: true })',
    })
  }
  const clock = parameters.clock ?? systemClock
  const skew = number(parameters.skew, DEFAULT_SKEW, 'skew')
  const maxCredentialLength = number(
    parameters.maxCredentialLength,
    DEFAULT_MAX_CREDENTIAL_LENGTH,
    'maxCredentialLength',
    true,
  )
  const maxPresentationLength = number(
    parameters.maxPresentationLength,
    DEFAULT_MAX_PRESENTATION_LENGTH,
    'maxPresentationLength',
    true,
  )
  const keys = createKeyResolver({
    resolver,
    clock,
    documentTtl: number(parameters.documentTtl, 60_000, 'documentTtl'),
    historical: parameters.historicalResolution ?? true,
  })
  const types = compileTypeChecks(parameters.schemas)
  const fetch = parameters.fetchStatusList ?? createStatusListFetcher({ resolver })
  // Status lists and trust lists are credentials too: same checklist, no status of their own.
  const listContext: CheckContext = {
    keys,
    clock,
    skew,
    types,
    status: undefined,
    maxLength: MAX_LIST_LENGTH,
  }

  async function verifyStatusList(jwt: string): Promise<VerifiedStatusList> {
    const list = await checkCredential(listContext, jwt, { expectedType: 'BitstringStatusListCredential' })
    return {
      issuer: list.issuer,
      id: list.id,
      purpose: list.claims.statusPurpose,
      encodedList: list.claims.encodedList,
      ttl: list.claims.ttl,
      validUntil: list.validUntil,
    }
  }
  const status = createStatusChecker({
    fetch,
    verify: verifyStatusList,
    clock,
    ttl: number(parameters.statusListTtl, 300_000, 'statusListTtl'),
    maxLists: number(parameters.maxStatusLists, 1_000, 'maxStatusLists', true),
  })
  const maxDecoded = number(parameters.maxDecodedCredentials, 1_000, 'maxDecodedCredentials', true)
  const decoded =
    maxDecoded === 0
      ? undefined
      : createTtlCache<DecodedEntry>({ maxEntries: maxDecoded, ttl: Number.POSITIVE_INFINITY, clock })
  const context: CheckContext = {
    keys,
    clock,
    skew,
    types,
    status,
    maxLength: maxCredentialLength,
    decoded,
  }

  let policy: CompiledPolicy | undefined
  if (parameters.policy !== undefined) {
    policy = compilePolicy({
      policy: parameters.policy,
      async verifyTrustList(jwt): Promise<VerifiedTrustList> {
        const list = await checkCredential(listContext, jwt, { expectedType: 'TrustListCredential' })
        return {
          issuer: list.issuer,
          validUntil: list.validUntil,
          entries: list.claims.issuers as VerifiedTrustList['entries'],
        }
      },
      fetch,
      clock,
      trustListTtl: number(parameters.trustListTtl, 3_600_000, 'trustListTtl'),
    })
  }

  async function verifyCredential(
    jwt: string,
    options: VerifyCredentialOptions = {},
  ): Promise<VerifiedCredential> {
    const verified = await checkCredential(context, jwt, {
      expectedSubject: options.expectedSubject,
      expectedType: options.expectedType,
      precheckIssuer: policy?.precheckIssuer,
    })
    if (policy !== undefined) await policy.evaluate(verified)
    return verified
  }

  return {
    verifyCredential,
    verifyPresentation(jwt, options) {
      return checkPresentation(
        { keys, clock, skew, maxLength: maxPresentationLength, verifyCredential, policy },
        jwt,
        options,
      )
    },
    clearCaches() {
      keys.clear()
      status.clear()
      decoded?.clear()
    },
  }
}
