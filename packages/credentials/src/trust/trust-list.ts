import type { Signer } from '@marque/crypto'
import type { Clock } from '../cache.js'
import { issueCredential } from '../issue.js'
import type { TimeInput } from '../time.js'

/** One trusted issuer in a trust list. */
export interface TrustListEntry {
  /** The issuer's DID. */
  id: string
  /** The credential types it is trusted to issue. */
  credentialTypes: string[]
  /** A display name. */
  name?: string
}

/** Parameters of {@link issueTrustList}. */
export interface IssueTrustListParameters {
  /** The trust anchor's signer (`keyId` under the anchor's `assertionMethod`). */
  signer: Signer
  /** The issuers the anchor trusts. */
  issuers: readonly TrustListEntry[]
  /** The list credential's id (a URL or URN). Its subject is the anchor's DID. */
  id: string
  /** Start of validity. Default: the issuance time, now. */
  validFrom?: TimeInput
  /** End of validity: verifiers stop trusting the list's issuers afterwards. */
  validUntil?: TimeInput
  /** Milliseconds since the epoch, for the issuance time. Default `Date.now`. */
  clock?: Clock
}

/**
 * Signs a trust list: a `TrustListCredential` (`vc+jwt`) whose subject names the issuers a
 * trust anchor trusts, per credential type. A trust policy refers to it with the anchor's
 * DID, and trusts its issuers only while it verifies.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` or `CREDENTIAL_SCHEMA_INVALID`.
 */
export async function issueTrustList(parameters: IssueTrustListParameters): Promise<string> {
  const { signer, issuers, id, validFrom, validUntil, clock } = parameters
  return issueCredential({
    signer,
    type: 'TrustListCredential',
    // The subject of a trust list is the anchor itself: it states whom it trusts.
    subject: signer.keyId.split('#')[0] as string,
    claims: { type: 'TrustList', issuers: issuers.map((entry) => ({ ...entry })) },
    id,
    ...(validFrom === undefined ? {} : { validFrom }),
    ...(validUntil === undefined ? {} : { validUntil }),
    ...(clock === undefined ? {} : { clock }),
  })
}
