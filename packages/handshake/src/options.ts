import { randomBytes, type Signer } from '@marque/crypto'
import type { Resolvable } from 'did-resolver'
import { DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_STEP_TIMEOUT_MS, MAX_MESSAGE_1_LENGTH } from './constants.js'
import {
  type CredentialCache,
  type CredentialVerifier,
  createCredentialCache,
  credentialDigest,
  type OutgoingCredential,
  ownCredentials,
} from './credentials.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'
import { type ClaimedIdentity, type EncodedIdentity, encodeIdentity, isDid, ownIdentity } from './identity.js'
import { type Logger, silentLogger } from './logger.js'
import type { ChannelParameters } from './session.js'

/** Who we are in a handshake. */
export interface HandshakeIdentity {
  /** Our DID. */
  did: string
  /**
   * Signs with one of the DID's `authentication` keys; its `keyId` is that key's DID URL
   * (`did#fragment`). For a did:key any key id will do: the key is the DID.
   */
  signer: Signer
  /** Credentials to present (compact JWTs whose subject is our DID). */
  credentials?: readonly (string | OutgoingCredential)[]
}

/** How the peer is checked: the policy hooks. */
export interface PeerPolicy {
  /** Resolves the peer's DID (a did-resolver `Resolver`, best with a bounded cache). */
  resolver: Resolvable
  /**
   * Verifies the peer's credentials and returns their claims; throws to refuse. Without
   * one, the peer's credentials are neither verified nor reported.
   */
  verifyCredentials?: CredentialVerifier
}

/** What both roles accept. */
export interface HandshakeParameters {
  /** Our DID, the signer that proves it, and the credentials we present. */
  identity: HandshakeIdentity
  /** How the peer's DID and credentials are checked. */
  policy: PeerPolicy
  /** The peer we mean to reach; any other fails with `HANDSHAKE_PEER_MISMATCH`. */
  expectedPeer?: string
  /** Credentials received earlier, so that the peer may send them by reference. Default: a new cache of 1024. */
  credentialCache?: CredentialCache
  /** Randomness for the ephemeral key (default: the platform's secure source). Only tests replace it. */
  random?: (length: number) => Uint8Array
  /** Milliseconds since some epoch (default `Date.now`). */
  clock?: () => number
  /** How long each step may take, in milliseconds. Default 10 000. */
  stepTimeoutMs?: number
  /** The largest message 2 or 3 accepted, in bytes. Default 8192. */
  maxMessageLength?: number
  /**
   * Where the specific reason for a failure is logged (never sent to the peer). Default
   * `silentLogger`, which drops everything.
   */
  logger?: Logger
  /** Secure channel settings. */
  channel?: ChannelParameters
}

/** A credential of ours, ready to send. */
export interface OwnCredential {
  readonly jwt: string
  readonly digest: Uint8Array
  readonly byReference: OutgoingCredential['byReference']
}

/** Parameters checked once, shared by every handshake a party runs. */
export interface Config {
  readonly own: ClaimedIdentity
  readonly encodedIdentity: EncodedIdentity
  readonly signer: Signer
  readonly credentials: readonly OwnCredential[]
  readonly policy: PeerPolicy
  readonly expectedPeer: string | undefined
  readonly cache: CredentialCache
  readonly random: (length: number) => Uint8Array
  readonly now: () => number
  readonly stepTimeoutMs: number
  readonly maxMessageLength: number
  readonly logger: Logger
  readonly channel: ChannelParameters
}

/**
 * Checks the parameters once.
 * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` naming what is wrong.
 */
export function configure(parameters: HandshakeParameters): Config {
  if (typeof parameters !== 'object' || parameters === null) throw invalid('parameters must be an object')
  const { identity, policy } = parameters
  if (typeof identity !== 'object' || identity === null) throw invalid('identity must be { did, signer }')
  const own = ownIdentity(identity.did, identity.signer)
  if (typeof policy !== 'object' || policy === null || typeof policy.resolver?.resolve !== 'function') {
    throw invalid('policy.resolver must be a DID resolver (an object with resolve(did))', {
      hint: 'pass new Resolver(getResolver()) from did-resolver',
    })
  }
  if (policy.verifyCredentials !== undefined && typeof policy.verifyCredentials !== 'function') {
    throw invalid('policy.verifyCredentials must be a function')
  }
  const expectedPeer = parameters.expectedPeer
  if (expectedPeer !== undefined && !isDid(expectedPeer)) throw invalid('expectedPeer must be a DID')
  const stepTimeoutMs = parameters.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS
  if (!Number.isSafeInteger(stepTimeoutMs) || stepTimeoutMs < 1)
    throw invalid('stepTimeoutMs must be a positive integer')
  const maxMessageLength = parameters.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH
  if (
    !Number.isSafeInteger(maxMessageLength) ||
    maxMessageLength < MAX_MESSAGE_1_LENGTH ||
    maxMessageLength > 1 << 20
  ) {
    throw invalid(`maxMessageLength must be an integer from ${MAX_MESSAGE_1_LENGTH} to 1048576`)
  }
  for (const name of ['random', 'clock'] as const) {
    if (parameters[name] !== undefined && typeof parameters[name] !== 'function')
      throw invalid(`${name} must be a function`)
  }
  return {
    own,
    encodedIdentity: encodeIdentity(own),
    signer: identity.signer,
    credentials: ownCredentials(identity.credentials).map((c) => ({
      jwt: c.jwt,
      digest: credentialDigest(c.jwt),
      byReference: c.byReference,
    })),
    policy,
    expectedPeer,
    cache: parameters.credentialCache ?? createCredentialCache(),
    random: parameters.random ?? randomBytes,
    now: parameters.clock ?? Date.now,
    stepTimeoutMs,
    maxMessageLength,
    logger: parameters.logger ?? silentLogger,
    channel: { ...parameters.channel },
  }
}

function invalid(message: string, options: { hint?: string } = {}): HandshakeError {
  return new HandshakeError(HandshakeErrorCode.InvalidArgument, message, options)
}
