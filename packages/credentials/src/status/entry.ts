/** The status purposes Marque issues and checks (Bitstring Status List v1.0 §2.1). */
export type StatusPurpose = 'revocation' | 'suspension'

/** A `credentialStatus` entry (Bitstring Status List v1.0 §2.1). */
export interface BitstringStatusListEntry {
  /** The entry's own URL. Optional and unused by verification; a status registry leaves it out. */
  id?: string
  /** Always `BitstringStatusListEntry`: the one entry type Marque issues and checks. */
  type: 'BitstringStatusListEntry'
  /** What a set bit in the list means: `revocation` (final) or `suspension` (may be lifted). */
  statusPurpose: StatusPurpose
  /** A base-10 integer as a string. */
  statusListIndex: string
  /** Where the status list credential is: an `https:`/`http:` or `file:` URL, or a DID URL. */
  statusListCredential: string
}

/** The status entry checked for a credential, and what its list said. */
export interface StatusCheck {
  /** The entry's purpose: which list was checked. */
  purpose: StatusPurpose
  /** The credential's position in that list (`statusListIndex`, as a number). */
  index: number
  /** The URL the list was fetched from, as the entry names it. */
  statusListCredential: string
  /** False here always: a set bit fails verification with REVOKED or SUSPENDED. */
  set: false
}

const INDEX = /^(0|[1-9][0-9]{0,9})$/

/**
 * Reads a `credentialStatus` entry, or says why Marque cannot check it. Only
 * `BitstringStatusListEntry` with `revocation` or `suspension` and a `statusSize` of 1 is
 * supported (§2.1 lets processors support only size 1); anything else is a status the
 * verifier cannot check, so it fails closed.
 */
export function readStatusEntry(
  entry: unknown,
): { ok: true; purpose: StatusPurpose; index: number; url: string } | { ok: false; problem: string } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { ok: false, problem: 'a credentialStatus entry must be an object' }
  }
  const { type, statusPurpose, statusListIndex, statusListCredential, statusSize } = entry as Record<
    string,
    unknown
  >
  if (type !== 'BitstringStatusListEntry') {
    return { ok: false, problem: `unsupported credentialStatus type ${JSON.stringify(type)}` }
  }
  if (statusPurpose !== 'revocation' && statusPurpose !== 'suspension') {
    return { ok: false, problem: `unsupported statusPurpose ${JSON.stringify(statusPurpose)}` }
  }
  if (statusSize !== undefined && statusSize !== 1) {
    return {
      ok: false,
      problem: `unsupported statusSize ${JSON.stringify(statusSize)} (only 1 is supported)`,
    }
  }
  if (
    typeof statusListIndex !== 'string' ||
    !INDEX.test(statusListIndex) ||
    Number(statusListIndex) > 2 ** 32
  ) {
    return { ok: false, problem: 'statusListIndex must be a base-10 integer string' }
  }
  if (typeof statusListCredential !== 'string' || statusListCredential.length === 0) {
    return { ok: false, problem: 'statusListCredential must be a URL' }
  }
  return { ok: true, purpose: statusPurpose, index: Number(statusListIndex), url: statusListCredential }
}
