import { base64urlDecode, base64urlEncode, randomBytes, type Signer } from '@marque/crypto'
import { type Clock, systemClock } from '../cache.js'
import { CredentialError, CredentialErrorCode } from '../errors.js'
import { credentialDocument, issuerOf, prepareCredential } from '../issue.js'
import { signJws } from '../jws.js'
import { type TimeInput, toSeconds } from '../time.js'
import { createBitstring, encodeBitstring, getBit, MIN_STATUS_LIST_LENGTH, setBit } from './bitstring.js'
import type { BitstringStatusListEntry, StatusPurpose } from './entry.js'

/** The saved state of a status registry: JSON, to be stored before credentials leave the factory. */
export interface StatusRegistryState {
  /** The format of this state: 1. A registry refuses a state of any other version. */
  version: 1
  /**
   * Entries per list. A registry made from this state keeps it: a `length` parameter that
   * differs is refused.
   */
  length: number
  /**
   * The revocation list's URL. A registry made from this state keeps it: a `revocationUrl`
   * parameter that differs is refused.
   */
  revocationUrl: string
  /** The suspension list's URL, kept likewise; `undefined` (absent once saved as JSON) when there is none. */
  suspensionUrl: string | undefined
  /** base64url of the raw bitstrings (not compressed, so that saving is synchronous). */
  allocated: string
  /** The revocation bits, encoded as `allocated` is: a set bit is a revoked credential. */
  revoked: string
  /** The suspension bits, encoded as `allocated` is: a set bit is a suspended credential. */
  suspended: string
}

/**
 * Parameters of {@link createStatusRegistry}. With a `state`, `revocationUrl`,
 * `suspensionUrl` and `length` come from it: each may be left out
 * ({@link RestoreStatusRegistryParameters}), and one given must equal the state's.
 */
export interface CreateStatusRegistryParameters {
  /** The issuer's signer (`keyId` under its `assertionMethod`): it signs the lists. */
  signer: Signer
  /** Where the revocation list is published: an `https:` or `file:` URL, or a DID service URL. */
  revocationUrl: string
  /** Where the suspension list is published; without it credentials cannot be suspended. */
  suspensionUrl?: string
  /** Entries per list: a multiple of 8, at least 131 072 (Bitstring Status List v1.0 §2.2). */
  length?: number
  /**
   * A state saved by `snapshot()`, to continue where the registry stopped. Its list URLs
   * and length stand; a parameter given that differs is refused.
   */
  state?: StatusRegistryState
  /** A uniform random integer below `bound`. Default: from the platform's secure random source. */
  random?: (bound: number) => number
  /** Milliseconds since the epoch, for the issuance time of the lists it publishes. Default `Date.now`. */
  clock?: Clock
}

/**
 * Parameters of {@link createStatusRegistry} that restore a saved registry: as
 * {@link CreateStatusRegistryParameters}, with `state` required and `revocationUrl` taken
 * from it when left out.
 */
export interface RestoreStatusRegistryParameters
  extends Omit<CreateStatusRegistryParameters, 'revocationUrl' | 'state'> {
  /** The revocation list's URL; when given, it must be the state's. */
  revocationUrl?: string
  /** A state saved by `snapshot()`: its list URLs and length stand. */
  state: StatusRegistryState
}

/** A status slot given to one credential. */
export interface StatusAllocation {
  /**
   * The slot's index, the same in both lists (0 to `length` − 1): keep it to revoke or suspend
   * the credential.
   */
  index: number
  /** The `credentialStatus` entries to put in the credential. */
  credentialStatus: BitstringStatusListEntry[]
}

/** Parameters of {@link StatusRegistry.publish}. */
export interface PublishStatusListsParameters {
  /** End of validity of the published lists; verifiers refuse them afterwards. Default: none. */
  validUntil?: TimeInput
  /** `credentialSubject.ttl`: how long verifiers may cache the lists, in ms. Default: the spec's 300 000. */
  ttl?: number
}

/** The signed lists, each a `BitstringStatusListCredential` in `vc+jwt`, by URL. */
export interface PublishedStatusLists {
  /** The revocation list. */
  revocation: {
    /** Where to publish it: the registry's `revocationUrl`, which is also the list's `id`. */
    url: string
    /** The signed list, a compact JWS. */
    credential: string
  }
  /** The suspension list; `undefined` when the registry has none. */
  suspension:
    | {
        /** Where to publish it: the registry's `suspensionUrl`, which is also the list's `id`. */
        url: string
        /** The signed list, a compact JWS. */
        credential: string
      }
    | undefined
}

/** The issuer side of Bitstring Status List v1.0: allocate, revoke, suspend, publish. */
export interface StatusRegistry {
  /** Entries per list: the `length` given, or the saved state's. */
  readonly length: number
  /** How many indexes are allocated. */
  readonly allocatedCount: number
  /**
   * A fresh index, chosen at random among the free ones (§2.1: random assignment hides the
   * order and size of issuance), and the entries that point to it.
   * @throws CredentialError `STATUS_LIST_FULL` when every index is allocated.
   */
  allocate(): StatusAllocation
  /**
   * Revokes the credential at `index`. Revocation is final (§2.1).
   * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for an index never allocated.
   */
  revoke(index: number): void
  /**
   * Suspends the credential at `index` until {@link StatusRegistry.reinstate}.
   * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for an index never allocated or
   *   when the registry has no suspension list.
   */
  suspend(index: number): void
  /**
   * Lifts a suspension (nothing changes for a credential not suspended).
   * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for an index never allocated or
   *   when the registry has no suspension list, as {@link StatusRegistry.suspend} does.
   */
  reinstate(index: number): void
  /**
   * What the registry holds now for the credential at `index`, published or not.
   * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for an index never allocated.
   */
  status(index: number): {
    /** True once the credential is revoked. */
    revoked: boolean
    /** True while the credential is suspended. */
    suspended: boolean
  }
  /** Signs the current lists; publish each credential at its URL. */
  publish(parameters?: PublishStatusListsParameters): Promise<PublishedStatusLists>
  /** The whole state, to save (for example with `writeFileAtomic`) before credentials leave. */
  snapshot(): StatusRegistryState
}

function invalid(message: string): CredentialError {
  return new CredentialError(CredentialErrorCode.InvalidArgument, message)
}

/**
 * A uniform integer below `bound` from the secure random source, by rejection sampling.
 * Random bytes are drawn in blocks: a factory run allocates many thousands of indexes.
 */
export function createSecureRandom(): (bound: number) => number {
  let pool: Uint32Array = new Uint32Array(0)
  let next = 0
  const draw = (): number => {
    if (next >= pool.length) {
      const bytes = randomBytes(4096)
      pool = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
      next = 0
    }
    return pool[next++]!
  }
  return (bound) => {
    if (!Number.isSafeInteger(bound) || bound < 1 || bound > 2 ** 32)
      throw new RangeError('bound must be 1…2^32')
    const limit = 2 ** 32 - (2 ** 32 % bound)
    for (;;) {
      const n = draw()
      if (n < limit) return n % bound
    }
  }
}

function restore(encoded: string, length: number, name: string): Uint8Array {
  let bits: Uint8Array
  try {
    bits = base64urlDecode(encoded, name)
  } catch {
    throw invalid(`the saved ${name} bitstring is not base64url`)
  }
  if (bits.length * 8 !== length) throw invalid(`the saved ${name} bitstring has the wrong length`)
  return bits
}

/**
 * A status registry for one issuer: a revocation list and, optionally, a suspension list of
 * the same length, sharing indexes, so one allocation serves both. A registry restored from
 * a `state` keeps the state's list URLs and length.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for a bad signer, URL, length or state,
 *   and for a `revocationUrl`, `suspensionUrl` or `length` given that differs from the
 *   state's (the message names the field).
 */
export function createStatusRegistry(
  parameters: CreateStatusRegistryParameters | RestoreStatusRegistryParameters,
): StatusRegistry {
  const { signer, state, clock = systemClock } = parameters
  const { issuer } = issuerOf(signer)
  const random = parameters.random ?? createSecureRandom()
  if (state !== undefined) {
    if (state === null || typeof state !== 'object' || state.version !== 1)
      throw invalid('unknown status registry state version')
    // The state is what credentials already issued point to: a parameter that disagrees
    // means another registry's file, or a new registry meant; neither may win silently.
    for (const field of ['revocationUrl', 'suspensionUrl', 'length'] as const) {
      const given = parameters[field]
      const saved = state[field]
      if (given !== undefined && given !== saved) {
        throw new CredentialError(
          CredentialErrorCode.InvalidArgument,
          `${field} differs from the saved state's`,
          {
            details: `given ${JSON.stringify(given)}, saved ${saved === undefined ? 'none' : JSON.stringify(saved)}`,
            hint: `leave ${field} out to keep the saved one; a registry with other lists is a new registry, without this state`,
          },
        )
      }
    }
  }
  const revocationUrl = state === undefined ? parameters.revocationUrl : state.revocationUrl
  const suspensionUrl = state === undefined ? parameters.suspensionUrl : state.suspensionUrl
  if (typeof revocationUrl !== 'string' || revocationUrl.length === 0)
    throw invalid('revocationUrl is required')
  if (suspensionUrl !== undefined && (typeof suspensionUrl !== 'string' || suspensionUrl === revocationUrl)) {
    throw invalid('suspensionUrl must be another URL than revocationUrl')
  }
  const length = state === undefined ? (parameters.length ?? MIN_STATUS_LIST_LENGTH) : state.length
  if (
    !Number.isSafeInteger(length) ||
    length < MIN_STATUS_LIST_LENGTH ||
    length % 8 !== 0 ||
    length > 2 ** 32
  ) {
    throw invalid(`length must be a multiple of 8 from ${MIN_STATUS_LIST_LENGTH} to 2^32`)
  }
  const allocated = state ? restore(state.allocated, length, 'allocated') : createBitstring(length)
  const revoked = state ? restore(state.revoked, length, 'revoked') : createBitstring(length)
  const suspended = state ? restore(state.suspended, length, 'suspended') : createBitstring(length)
  let count = 0
  for (const byte of allocated) for (let b = byte; b !== 0; b &= b - 1) count++

  // §2.1: the entry's `id` is optional and unused by verification; leaving it out keeps every
  // credential, and every verification, smaller.
  function entry(purpose: StatusPurpose, url: string, index: number): BitstringStatusListEntry {
    return {
      type: 'BitstringStatusListEntry',
      statusPurpose: purpose,
      statusListIndex: String(index),
      statusListCredential: url,
    }
  }
  function allocatedIndex(index: number): number {
    if (!Number.isSafeInteger(index) || index < 0 || index >= length || !getBit(allocated, index)) {
      throw invalid(`status index ${index} was never allocated`)
    }
    return index
  }
  // Suspending and reinstating both act on the suspension list: without one, either is a
  // mistake the caller must hear of (a reinstate that did nothing would look like success).
  function suspendableIndex(index: number): number {
    if (suspensionUrl === undefined) throw invalid('this registry has no suspension list')
    return allocatedIndex(index)
  }
  async function sign(
    purpose: StatusPurpose,
    url: string,
    bits: Uint8Array,
    options: PublishStatusListsParameters,
  ) {
    const now = Math.floor(clock() / 1000)
    const claims: Record<string, unknown> = {
      type: 'BitstringStatusList',
      statusPurpose: purpose,
      encodedList: await encodeBitstring(bits),
    }
    if (options.ttl !== undefined) claims.ttl = options.ttl
    const prepared = prepareCredential(
      {
        type: 'BitstringStatusListCredential',
        subject: issuer,
        claims,
        id: url,
        ...(options.validUntil === undefined
          ? {}
          : { validUntil: toSeconds(options.validUntil, 'validUntil') }),
      },
      issuer,
      now,
    )
    const document = credentialDocument(prepared)
    // §2.2: the subject of a status list is the list itself, not a DID.
    document.credentialSubject = { id: `${url}#list`, ...claims }
    return { url, credential: await signJws({ payload: document, typ: 'vc+jwt', signer }) }
  }

  return {
    length,
    get allocatedCount() {
      return count
    },
    allocate() {
      if (count >= length) {
        throw new CredentialError(
          CredentialErrorCode.StatusListFull,
          'every index of the status list is allocated',
          {
            hint: 'start a new registry with other list URLs for further credentials',
          },
        )
      }
      // Random probing; once the list is mostly full, scan from a random byte for a free bit.
      let index = -1
      for (let tries = 0; tries < 16 && index < 0; tries++) {
        const candidate = random(length)
        if (!getBit(allocated, candidate)) index = candidate
      }
      if (index < 0) {
        const bytes = allocated.length
        const start = random(bytes)
        for (let i = 0; i < bytes && index < 0; i++) {
          const at = (start + i) % bytes
          const byte = allocated[at]!
          if (byte !== 0xff) index = at * 8 + Math.clz32(~byte & 0xff) - 24
        }
      }
      setBit(allocated, index, true)
      count++
      const credentialStatus = [entry('revocation', revocationUrl, index)]
      if (suspensionUrl !== undefined) credentialStatus.push(entry('suspension', suspensionUrl, index))
      return { index, credentialStatus }
    },
    revoke(index) {
      setBit(revoked, allocatedIndex(index), true)
    },
    suspend(index) {
      setBit(suspended, suspendableIndex(index), true)
    },
    reinstate(index) {
      setBit(suspended, suspendableIndex(index), false)
    },
    status(index) {
      allocatedIndex(index)
      return { revoked: getBit(revoked, index), suspended: getBit(suspended, index) }
    },
    async publish(options = {}) {
      return {
        revocation: await sign('revocation', revocationUrl, revoked, options),
        suspension:
          suspensionUrl === undefined
            ? undefined
            : await sign('suspension', suspensionUrl, suspended, options),
      }
    },
    snapshot() {
      return {
        version: 1,
        length,
        revocationUrl,
        suspensionUrl,
        allocated: base64urlEncode(allocated),
        revoked: base64urlEncode(revoked),
        suspended: base64urlEncode(suspended),
      }
    },
  }
}
