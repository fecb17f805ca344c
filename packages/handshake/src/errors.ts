import { MarqueError, type MarqueErrorOptions } from '@marque/crypto'

/**
 * Every code the handshake package throws. They are local: on the wire every handshake
 * failure is the same single error message (docs/handshake.md §6), so an attacker learns
 * nothing from which check failed.
 */
export const HandshakeErrorCode = {
  /** An option or argument is invalid (a programming error, not a peer's fault). */
  InvalidArgument: 'HANDSHAKE_INVALID_ARGUMENT',
  /** A message is longer than the limit; it was refused before decoding. */
  MessageTooLarge: 'HANDSHAKE_MESSAGE_TOO_LARGE',
  /** A message does not decode as the expected structure (strict deterministic CBOR). */
  Malformed: 'HANDSHAKE_MALFORMED',
  /** Message 1 names a protocol version or cipher suite this side does not implement. */
  Version: 'HANDSHAKE_VERSION',
  /** A step was called out of order or twice, or a message arrived after the handshake ended. */
  UnexpectedMessage: 'HANDSHAKE_UNEXPECTED_MESSAGE',
  /** The peer's ephemeral X25519 key is not acceptable (a point of low order). */
  InvalidKeyShare: 'HANDSHAKE_INVALID_KEY_SHARE',
  /** Message 3 does not decrypt: tampered, replayed from another session, or wrong keys. */
  DecryptFailed: 'HANDSHAKE_DECRYPT_FAILED',
  /** The peer's signature over the transcript does not verify under the key it named. */
  BadSignature: 'HANDSHAKE_BAD_SIGNATURE',
  /** The peer claims our own DID. */
  SelfDid: 'HANDSHAKE_SELF_DID',
  /** The peer's DID is not the one we expected to reach. */
  PeerMismatch: 'HANDSHAKE_PEER_MISMATCH',
  /** The peer's DID could not be resolved. */
  DidUnresolvable: 'HANDSHAKE_DID_UNRESOLVABLE',
  /** The peer's DID is deactivated. */
  DidDeactivated: 'HANDSHAKE_DID_DEACTIVATED',
  /** The key the peer named is not an Ed25519 key listed under `authentication` in its DID document. */
  KeyNotAuthorized: 'HANDSHAKE_KEY_NOT_AUTHORIZED',
  /** The credential policy refused the peer's credentials. */
  CredentialRejected: 'HANDSHAKE_CREDENTIAL_REJECTED',
  /** A verified credential's subject is not the peer's DID. */
  CredentialSubject: 'HANDSHAKE_CREDENTIAL_SUBJECT',
  /** The peer sent a credential by reference that this side has not seen. */
  CredentialUnknown: 'HANDSHAKE_CREDENTIAL_UNKNOWN',
  /** A step did not complete within its time limit. */
  Timeout: 'HANDSHAKE_TIMEOUT',
  /** The peer sent the handshake error message. */
  PeerAborted: 'HANDSHAKE_PEER_ABORTED',
  /** The transport failed or closed before the handshake completed. */
  TransportClosed: 'HANDSHAKE_TRANSPORT_CLOSED',
  /** The gateway refused the connection: too many handshakes in progress. */
  Busy: 'HANDSHAKE_BUSY',
  /** A channel frame failed authentication: forged, tampered, or under the wrong key. */
  ChannelDecryptFailed: 'HANDSHAKE_CHANNEL_DECRYPT_FAILED',
  /** A channel frame repeats a counter already accepted, or is older than the replay window. */
  ChannelReplay: 'HANDSHAKE_CHANNEL_REPLAY',
  /** The channel is closed: the peer sent an authenticated close, or we closed it. */
  ChannelClosed: 'HANDSHAKE_CHANNEL_CLOSED',
  /** The transport ended without an authenticated close: the stream may have been truncated. */
  ChannelTruncated: 'HANDSHAKE_CHANNEL_TRUNCATED',
  /** The channel's counter space is used up; open a new session. */
  ChannelExhausted: 'HANDSHAKE_CHANNEL_EXHAUSTED',
  /** Our own signer failed (a secure element or HSM error). */
  SignerFailed: 'HANDSHAKE_SIGNER_FAILED',
  /** A failure that no other code describes; its `cause` says more. */
  Internal: 'HANDSHAKE_INTERNAL_ERROR',
} as const
export type HandshakeErrorCode = (typeof HandshakeErrorCode)[keyof typeof HandshakeErrorCode]

/** Thrown by the handshake package; `code` is one of {@link HandshakeErrorCode}. */
export class HandshakeError extends MarqueError {
  /** Always `'HandshakeError'`. */
  override name = 'HandshakeError'
  declare readonly code: HandshakeErrorCode
  /**
   * An error with a stable `code` and a short `message` that says what went wrong.
   * @param code One of {@link HandshakeErrorCode}.
   * @param message What went wrong, short; never secret material.
   * @param options The cause, details and hint.
   */
  constructor(code: HandshakeErrorCode, message: string, options?: MarqueErrorOptions) {
    super(code, message, options)
  }
}

/** True when `error` is a {@link HandshakeError}, optionally with the given code. */
export function isHandshakeError(error: unknown, code?: HandshakeErrorCode): error is HandshakeError {
  return error instanceof HandshakeError && (code === undefined || error.code === code)
}
