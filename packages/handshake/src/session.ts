import type { DIDDocument } from 'did-resolver'
import { type Channel, createChannel } from './channel.js'
import type { VerifiedCredential } from './credentials.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'
import { exportKeyingMaterial, sessionKeys } from './key-schedule.js'

/** The authenticated peer of a session. */
export interface Peer {
  /** The peer's DID, proven by its signature with a key listed under `authentication`. */
  readonly did: string
  /** The DID URL of the key the peer signed with. */
  readonly keyId: string
  /** The peer's Ed25519 public key (32 bytes) that verified its signature, from its DID document. */
  readonly publicKey: Uint8Array
  /** The peer's DID document as resolved during the handshake. */
  readonly document: DIDDocument
  /** What the credential policy verified, one entry per credential (empty without a policy). */
  readonly claims: readonly VerifiedCredential[]
  /** The peer's credentials as compact JWTs (references resolved); empty without a policy. */
  readonly credentials: readonly string[]
}

/** Channel settings, local to each side. */
export interface ChannelParameters {
  /** The largest frame sent or accepted, header and tag included. Default 65536. */
  maxFrameLength?: number
  /** How many frames back a late frame is still accepted. Default 64. */
  replayWindow?: number
}

/** The outcome of a handshake: who the peer is, and the channel to talk to it. */
export interface Session {
  /** Our role in the handshake that made this session. */
  readonly role: 'initiator' | 'responder'
  /** The authenticated peer. */
  readonly peer: Peer
  /** TH_4, the hash of the whole handshake: the same on both sides, unique to this session. */
  readonly transcriptHash: Uint8Array
  /** The sans-IO secure channel under the session's keys (docs/handshake.md §7). */
  readonly channel: Channel
  /**
   * Keying material bound to this session for an application's own use (`label` keeps uses
   * apart), like a TLS exporter (RFC 8446 §7.5).
   * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` for a bad label or length.
   */
  exportKeyingMaterial(label: string, length: number): Uint8Array
}

export function createSession(
  role: 'initiator' | 'responder',
  peer: Peer,
  th4: Uint8Array,
  sharedSecret: Uint8Array,
  channelParameters: ChannelParameters,
): Session {
  const { prkOut, channel: keys } = sessionKeys(sharedSecret, th4)
  return Object.freeze({
    role,
    peer,
    transcriptHash: th4,
    channel: createChannel({ role, keys, ...channelParameters }),
    exportKeyingMaterial(label: string, length: number) {
      if (typeof label !== 'string' || label.length === 0 || label.length > 255) {
        throw new HandshakeError(
          HandshakeErrorCode.InvalidArgument,
          'label must be a string of 1 to 255 characters',
        )
      }
      if (!Number.isSafeInteger(length) || length < 1 || length > 255 * 32) {
        throw new HandshakeError(
          HandshakeErrorCode.InvalidArgument,
          'length must be an integer from 1 to 8160',
        )
      }
      return exportKeyingMaterial(prkOut, label, length)
    },
  })
}
