// @marque/handshake: the sans-IO mutual-authentication handshake between DIDs, the secure
// channel that follows, and the transport-independent driver. No Node.js built-in is
// imported here: this entry runs in browsers and on devices. Explicit exports: the list is tested.

export type { Channel, ChannelEvent } from './channel.js'
export { DEFAULT_MAX_FRAME_LENGTH, DEFAULT_REPLAY_WINDOW, FRAME_OVERHEAD } from './channel.js'
export {
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_STEP_TIMEOUT_MS,
  ERROR_MESSAGE,
  HANDSHAKE_SUITE,
  HANDSHAKE_VERSION,
  MAX_CREDENTIALS,
} from './constants.js'
export type { CredentialVerifierService, VerifyCredentialsWithParameters } from './credential-policy.js'
export { verifyCredentialsWith } from './credential-policy.js'
export type {
  CreateCredentialCacheParameters,
  CredentialCache,
  CredentialContext,
  CredentialVerifier,
  OutgoingCredential,
  VerifiedCredential,
} from './credentials.js'
export { createCredentialCache, credentialDigest } from './credentials.js'
export type { Connection, RunHandshakeParameters } from './driver.js'
export { runInitiator, runResponder } from './driver.js'
export { HandshakeError, HandshakeErrorCode, isHandshakeError } from './errors.js'
export type {
  AwaitingMessage2,
  CreateInitiatorParameters,
  Initiator,
  InitiatorFinished,
  InitiatorStarted,
} from './initiator.js'
export { createInitiator } from './initiator.js'
export type { Logger } from './logger.js'
export { silentLogger } from './logger.js'
export type { HandshakeIdentity, HandshakeParameters, PeerPolicy } from './options.js'
export type {
  AwaitingMessage3,
  CreateResponderParameters,
  Responder,
  ResponderAnswered,
  ResponderFinished,
} from './responder.js'
export { createResponder } from './responder.js'
export type { SecureChannel } from './secure-channel.js'
export type { ChannelParameters, Peer, Session } from './session.js'
export type { FrameTransport } from './transport.js'
export { FrameQueue } from './transport.js'
