import { concatBytes, constantTimeEqual } from '@marque/crypto'
import { base58btc } from 'multiformats/bases/base58'
import {
  DEFAULT_NETWORK,
  DID_DIGEST_LENGTH,
  ID_LENGTH,
  LOCATOR_LENGTH,
  MAX_NETWORK_LENGTH,
} from './constants.js'
import { DidError, DidErrorCode } from './errors.js'

/** A did:marque DID taken apart (docs/did-method.md, "Syntax"). */
export interface ParsedMarqueDid {
  /** The DID in its one canonical form. */
  readonly did: string
  /** The network segment, or `default` when the DID has none. */
  readonly network: string
  /** The method-specific id: base58btc (Bitcoin alphabet, no multibase prefix) of locator and digest. */
  readonly id: string
  /** The 6-byte anchor locator: the first bytes of the id, copied from the genesis operation. */
  readonly locator: Uint8Array
  /** The 16-byte digest: the first bytes of SHA-256 over the signed genesis operation. */
  readonly digest: Uint8Array
}

/** Why a string is not a did:marque DID, as data (DID Resolution's `invalidDid`). */
export interface InvalidDidResult {
  /** Always `invalidDid`; test for it with `'error' in result`. */
  readonly error: 'invalidDid'
  /** What is wrong with the string, for people; branch on `error`, not on this. */
  readonly message: string
}

/** What {@link parseDid} returns: the DID taken apart, or why it is not a did:marque DID. */
export type ParseDidReturnType = ParsedMarqueDid | InvalidDidResult

const PREFIX = 'did:marque:'
// Lower-case letters, digits and inner hyphens: safe in every DID and URL position, and the
// same string a Ledger reports as its `network`.
const NETWORK = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/

/**
 * Parses a did:marque DID (not a DID URL: no path, query or fragment). Never throws: a
 * string that is not a did:marque DID gives `{ error: 'invalidDid', message }`.
 *
 * The rule (docs/did-method.md, "Syntax"): `did:marque:` then an optional network segment
 * and `:`, then the id. The network is 1 to 32 of `a-z 0-9 -`, neither starting nor ending
 * with `-`, and never `default` (a DID on the default network has no segment, so that each
 * DID has exactly one spelling). The id is base58btc of exactly 22 bytes, in its canonical
 * spelling: bytes 0-5 are the locator, bytes 6-21 the digest.
 */
export function parseDid(did: unknown): ParseDidReturnType {
  if (typeof did !== 'string') return invalid('a DID must be a string')
  if (did.length > PREFIX.length + MAX_NETWORK_LENGTH + 1 + 32) return invalid('the DID is too long')
  if (!did.startsWith(PREFIX)) return invalid('a did:marque DID starts with "did:marque:"')
  const rest = did.slice(PREFIX.length)
  const parts = rest.split(':')
  if (parts.length > 2) return invalid('a did:marque DID has at most one network segment')
  const id = parts[parts.length - 1]!
  let network = DEFAULT_NETWORK
  if (parts.length === 2) {
    network = parts[0]!
    if (network.length === 0 || network.length > MAX_NETWORK_LENGTH || !NETWORK.test(network)) {
      return invalid(`the network segment must be 1 to ${MAX_NETWORK_LENGTH} of a-z, 0-9 and inner "-"`)
    }
    if (network === DEFAULT_NETWORK) {
      return invalid('the default network has no segment: write did:marque:<id>')
    }
  }
  if (id.length === 0) return invalid('the DID has no id')
  let bytes: Uint8Array
  try {
    bytes = base58btc.baseDecode(id)
  } catch {
    return invalid('the id is not base58btc (Bitcoin alphabet)')
  }
  if (bytes.length !== ID_LENGTH) return invalid(`the id must encode ${ID_LENGTH} bytes, not ${bytes.length}`)
  // base58 has one spelling per byte string once leading zeros are fixed; check it anyway so
  // no two strings ever name the same DID.
  if (base58btc.baseEncode(bytes) !== id) return invalid('the id is not in canonical base58btc')
  return {
    did,
    network,
    id,
    locator: bytes.slice(0, LOCATOR_LENGTH),
    digest: bytes.slice(LOCATOR_LENGTH),
  }
}

function invalid(message: string): InvalidDidResult {
  return { error: 'invalidDid', message }
}

/** Parameters of {@link formatDid}. */
export interface FormatDidParameters {
  /** 6 bytes. */
  locator: Uint8Array
  /** The first 16 bytes of SHA-256 over the signed genesis (more are ignored). */
  digest: Uint8Array
  /** Defaults to `default`, which is written without a segment. */
  network?: string
}

/**
 * The DID of a locator and a genesis digest on a network.
 * @throws DidError `DID_INVALID_PARAMETER` for a locator that is not 6 bytes, a digest
 *   shorter than 16 bytes, or a network that does not follow the syntax.
 */
export function formatDid(parameters: FormatDidParameters): string {
  const { locator, digest } = parameters
  const network = parameters.network ?? DEFAULT_NETWORK
  if (!(locator instanceof Uint8Array) || locator.length !== LOCATOR_LENGTH) {
    throw new DidError(DidErrorCode.InvalidParameter, `locator must be ${LOCATOR_LENGTH} bytes`)
  }
  if (!(digest instanceof Uint8Array) || digest.length < DID_DIGEST_LENGTH) {
    throw new DidError(DidErrorCode.InvalidParameter, `digest must be at least ${DID_DIGEST_LENGTH} bytes`)
  }
  checkNetwork(network)
  const id = base58btc.baseEncode(concatBytes(locator, digest.subarray(0, DID_DIGEST_LENGTH)))
  return network === DEFAULT_NETWORK ? `did:marque:${id}` : `did:marque:${network}:${id}`
}

/**
 * Checks a network name (a DID's segment, a `Ledger.network`) and returns it.
 * @throws DidError `DID_INVALID_PARAMETER`.
 */
export function checkNetwork(network: unknown): string {
  if (
    typeof network !== 'string' ||
    network.length === 0 ||
    network.length > MAX_NETWORK_LENGTH ||
    !NETWORK.test(network)
  ) {
    throw new DidError(
      DidErrorCode.InvalidParameter,
      `a network name must be 1 to ${MAX_NETWORK_LENGTH} of a-z, 0-9 and inner "-"`,
      { details: `got ${JSON.stringify(String(network)).slice(0, 40)}` },
    )
  }
  return network
}

/** True when `did`'s locator and digest match these (constant time: both are public, but cheap). */
export function matchesDid(parsed: ParsedMarqueDid, locator: Uint8Array, digest: Uint8Array): boolean {
  return (
    constantTimeEqual(parsed.locator, locator) &&
    constantTimeEqual(parsed.digest, digest.subarray(0, DID_DIGEST_LENGTH))
  )
}
