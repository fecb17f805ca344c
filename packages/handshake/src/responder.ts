import { aeadOpen } from '@marque/crypto'
import { agree, ephemeralKeyPair } from './agreement.js'
import { authenticatePeer } from './authenticate.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'
import { stepKeys } from './key-schedule.js'
import {
  decodeMessage1,
  decodeMessage3,
  encodeMessage2,
  nextTranscript,
  transcript2,
  xorKeystream2,
} from './messages.js'
import { type Config, configure, type HandshakeParameters } from './options.js'
import { proveIdentity } from './prove.js'
import { createSession, type Session } from './session.js'
import { step } from './step.js'

/** Parameters of {@link createResponder}: the ones both roles accept. */
export type CreateResponderParameters = HandshakeParameters

/** The party that answers handshakes (a gateway). Each `receive1()` is a new, independent handshake. */
export interface Responder {
  /**
   * Takes message 1 and returns message 2. What is kept until message 3 is small and of fixed
   * size (the shared secret, a transcript hash, a deadline): no credential or identity of the
   * peer is held, so a flood of first messages holds bounded state per handshake.
   * @throws HandshakeError `HANDSHAKE_MESSAGE_TOO_LARGE`, `HANDSHAKE_MALFORMED`,
   *   `HANDSHAKE_VERSION`, `HANDSHAKE_INVALID_KEY_SHARE`, `HANDSHAKE_SIGNER_FAILED`.
   */
  receive1(message1: Uint8Array): Promise<ResponderAnswered>
}

/** What {@link Responder.receive1} returns: message 2 and the step that takes message 3. */
export interface ResponderAnswered {
  /** Send this to the initiator. */
  readonly message2: Uint8Array
  /** The only legal next call. */
  readonly next: AwaitingMessage3
}

/** A responder that has sent message 2 and waits for the initiator's message 3. */
export interface AwaitingMessage3 {
  /**
   * Takes message 3: authenticates the initiator and returns the session and the ready
   * frame, which must be sent at once: it confirms the session to the initiator.
   * @throws HandshakeError with the specific reason (send `ERROR_MESSAGE` to the peer).
   */
  receive3(message3: Uint8Array): Promise<ResponderFinished>
}

/** What {@link AwaitingMessage3.receive3} returns: the responder's session and its ready frame. */
export interface ResponderFinished {
  /** The session with the authenticated initiator; confirmed on this side. */
  readonly session: Session
  /** The channel's first frame; send it to the initiator. */
  readonly ready: Uint8Array
}

/**
 * The responder's state machine (docs/handshake.md §3): no I/O, bytes in and out.
 * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` for bad parameters.
 */
export function createResponder(parameters: CreateResponderParameters): Responder {
  const config = configure(parameters)
  return {
    receive1: (message1) => step(config, 'receive1', undefined, () => receive1(config, message1))(undefined),
  }
}

async function receive1(config: Config, message1: Uint8Array): Promise<ResponderAnswered> {
  const keyShareI = decodeMessage1(message1)
  const ephemeral = await ephemeralKeyPair(config.random)
  const sharedSecret = await agree(ephemeral.secretKey, keyShareI)
  const th2 = transcript2(message1, ephemeral.publicKey)
  const k2 = stepKeys(sharedSecret, th2, 2)
  const plaintext2 = await proveIdentity(config, 2, th2, k2, undefined)
  const message2 = encodeMessage2(ephemeral.publicKey, xorKeystream2(k2, plaintext2))
  const th3 = nextTranscript(th2, plaintext2)
  // Only the keys of message 3 are kept while waiting for it: a fixed, small state.
  const k3 = stepKeys(sharedSecret, th3, 3)
  const deadline = config.now() + config.stepTimeoutMs
  const receive3 = step(
    config,
    'receive3',
    deadline,
    async (message3: Uint8Array): Promise<ResponderFinished> => {
      try {
        const ciphertext3 = decodeMessage3(message3, config.maxMessageLength)
        let plaintext3: Uint8Array
        try {
          plaintext3 = aeadOpen(k3.key, k3.nonce, ciphertext3, th3)
        } catch (cause) {
          throw new HandshakeError(HandshakeErrorCode.DecryptFailed, 'message 3 does not decrypt', {
            hint: 'it was altered, replayed from another session, or the peer derived other keys',
            cause,
          })
        }
        const peer = await authenticatePeer(config, 3, plaintext3, th3, k3)
        const session = createSession(
          'responder',
          peer,
          nextTranscript(th3, plaintext3),
          sharedSecret,
          config.channel,
        )
        config.logger.debug('handshake complete', { role: 'responder', peer: peer.did })
        return { session, ready: session.channel.ready() }
      } finally {
        sharedSecret.fill(0)
      }
    },
  )
  return { message2, next: { receive3 } }
}
