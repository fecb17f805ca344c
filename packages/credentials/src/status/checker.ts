import { type Clock, createTtlCache, singleFlight } from '../cache.js'
import { CredentialError, CredentialErrorCode } from '../errors.js'
import { decodeBitstring, getBit, MIN_STATUS_LIST_LENGTH } from './bitstring.js'
import { readStatusEntry, type StatusCheck, type StatusPurpose } from './entry.js'
import type { FetchStatusList } from './fetch.js'

/** What a verified status list credential says, as the status check needs it. */
export interface VerifiedStatusList {
  issuer: string
  id: string | undefined
  purpose: unknown
  encodedList: unknown
  /** `credentialSubject.ttl` in milliseconds, if present. */
  ttl: unknown
  /** End of the list credential's validity, in seconds. */
  validUntil: number | undefined
}

export interface StatusCheckerParameters {
  fetch: FetchStatusList
  /**
   * Verifies a fetched status list credential with the full checklist (signature, issuer
   * key, validity, schema) and returns what it says.
   * @throws CredentialError when it does not verify.
   */
  verify: (jwt: string) => Promise<VerifiedStatusList>
  clock: Clock
  /**
   * Longest time a fetched list is used, in milliseconds. The list's own `ttl` (default
   * 300 000, §2.2) and its `validUntil` shorten it. Default 300 000.
   */
  ttl?: number
  /** Most lists kept. Default 1 000. */
  maxLists?: number
}

export interface StatusCheckParameters {
  /** The credential's `credentialStatus` entries. */
  entries: readonly unknown[]
  /** The verified issuer of the credential: every list must be signed by it. */
  issuer: string
}

export interface StatusChecker {
  /**
   * Checks each entry against its list; every failure refuses the credential (fail closed).
   * Synchronous when every list is cached.
   * @throws CredentialError `CREDENTIAL_STATUS_UNAVAILABLE` (the list cannot be fetched),
   *   `CREDENTIAL_STATUS_INVALID` (an unsupported entry, or a list that does not verify, is
   *   from another issuer, has another purpose, is too short, or lacks the index),
   *   `CREDENTIAL_REVOKED`, `CREDENTIAL_SUSPENDED`.
   */
  check(parameters: StatusCheckParameters): StatusCheck[] | Promise<StatusCheck[]>
  /** Drops every cached list. */
  clear(): void
}

interface CachedList {
  issuer: string
  id: string | undefined
  purpose: StatusPurpose
  bits: Uint8Array
}

/** Bitstring Status List v1.0 §2.2: without `ttl`, a cached list lives 300 000 ms at most. */
const DEFAULT_LIST_TTL = 300_000

function invalid(url: string, problem: string, cause?: unknown): CredentialError {
  return new CredentialError(CredentialErrorCode.StatusInvalid, `the status list is not valid: ${problem}`, {
    details: url,
    hint: 'the credential cannot be shown to be unrevoked, so it is refused',
    ...(cause === undefined ? {} : { cause }),
  })
}

type ReadEntry = { purpose: StatusPurpose; index: number; url: string }

function readEntry(entry: unknown): ReadEntry {
  const read = readStatusEntry(entry)
  if (!read.ok) {
    throw new CredentialError(CredentialErrorCode.StatusInvalid, 'the credential status cannot be checked', {
      details: read.problem,
      hint: 'Marque checks BitstringStatusListEntry with revocation or suspension, statusSize 1',
    })
  }
  return read
}

/** Bitstring Status List v1.0 §3.2 steps 5-13 for one entry against its verified list. */
function decide({ purpose, index, url }: ReadEntry, list: CachedList, issuer: string): StatusCheck {
  // Checked on every use, cached or not: a list only speaks for its own issuer.
  if (list.issuer !== issuer)
    throw invalid(url, `it is signed by ${list.issuer}, not by the issuer ${issuer}`)
  if (list.purpose !== purpose) throw invalid(url, `it is a ${list.purpose} list, the entry wants ${purpose}`)
  if (index >= list.bits.length * 8) {
    throw invalid(url, `index ${index} is beyond its ${list.bits.length * 8} entries`)
  }
  if (getBit(list.bits, index)) {
    const revoked = purpose === 'revocation'
    throw new CredentialError(
      revoked ? CredentialErrorCode.Revoked : CredentialErrorCode.Suspended,
      revoked ? 'the issuer revoked this credential' : 'the issuer suspended this credential',
      { details: `${url} index ${index}` },
    )
  }
  return { purpose, index, statusListCredential: url, set: false }
}

/**
 * The verifier side of Bitstring Status List v1.0 §3.2 (Validate Algorithm), with a bounded
 * cache of verified, expanded lists and one fetch at a time per list.
 */
export function createStatusChecker(parameters: StatusCheckerParameters): StatusChecker {
  const { fetch, verify, clock } = parameters
  const ttl = parameters.ttl ?? DEFAULT_LIST_TTL
  const lists = createTtlCache<CachedList>({ maxEntries: parameters.maxLists ?? 1_000, ttl, clock })
  const flight = singleFlight<CachedList>()

  async function load(url: string): Promise<CachedList> {
    let jwt: string
    try {
      jwt = await fetch(url)
    } catch (cause) {
      throw new CredentialError(
        CredentialErrorCode.StatusUnavailable,
        'the status list could not be fetched',
        {
          details: url,
          hint: 'a credential whose status cannot be checked is refused; check the network path to the list',
          cause,
        },
      )
    }
    let list: VerifiedStatusList
    try {
      list = await verify(jwt)
    } catch (cause) {
      throw invalid(url, 'it does not verify as a status list credential', cause)
    }
    // §2.2: the list credential's id, when present, is the URL it is published at; a list
    // served under another list's URL is refused.
    if (list.id !== undefined && list.id !== url)
      throw invalid(url, `it is the list ${JSON.stringify(list.id)}`)
    if (list.purpose !== 'revocation' && list.purpose !== 'suspension') {
      throw invalid(url, `unsupported statusPurpose ${JSON.stringify(list.purpose)}`)
    }
    let bits: Uint8Array
    try {
      bits = await decodeBitstring(list.encodedList as string)
    } catch (cause) {
      throw invalid(url, 'its encodedList does not expand', cause)
    }
    if (bits.length * 8 < MIN_STATUS_LIST_LENGTH) {
      throw invalid(
        url,
        `it has ${bits.length * 8} entries, fewer than the ${MIN_STATUS_LIST_LENGTH} required`,
      )
    }
    const cached: CachedList = { issuer: list.issuer, id: list.id, purpose: list.purpose, bits }
    const listTtl = typeof list.ttl === 'number' && list.ttl >= 0 ? list.ttl : DEFAULT_LIST_TTL
    const untilExpiry =
      list.validUntil === undefined ? Number.POSITIVE_INFINITY : list.validUntil * 1000 - clock()
    lists.set(url, cached, Math.min(listTtl, untilExpiry))
    return cached
  }

  return {
    check({ entries, issuer }) {
      const reads = entries.map(readEntry)
      // A gateway's lists are nearly always cached: then the check is synchronous, and
      // costs no extra turn of the event loop.
      const cached = reads.map((read) => lists.get(read.url))
      if (cached.every((list) => list !== undefined)) {
        return reads.map((read, i) => decide(read, cached[i] as CachedList, issuer))
      }
      return (async () => {
        const results: StatusCheck[] = []
        for (const read of reads) {
          const list = lists.get(read.url) ?? (await flight(read.url, () => load(read.url)))
          results.push(decide(read, list, issuer))
        }
        return results
      })()
    },
    clear() {
      lists.clear()
    },
  }
}
