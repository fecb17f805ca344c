import { aeadSeal } from '@marque/crypto'
import { agree, ephemeralKeyPair } from './agreement.js'
import { authenticatePeer } from './authenticate.js'
import { stepKeys } from './key-schedule.js'
import {
  decodeMessage2,
  encodeMessage1,
  encodeMessage3,
  nextTranscript,
  transcript2,
  xorKeystream2,
} from './messages.js'
import { type Config, configure, type HandshakeParameters } from './options.js'
import { proveIdentity } from './prove.js'
import { createSession, type Session } from './session.js'
import { step } from './step.js'

/** Parameters of {@link createInitiator}: the ones both roles accept. */
export type CreateInitiatorParameters = HandshakeParameters

/** The party that starts handshakes (a device). Each `start()` is a new, independent handshake. */
export interface Initiator {
  /** Creates message 1. @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` if `random` misbehaves. */
  start(): Promise<InitiatorStarted>
}

/** What {@link Initiator.start} returns: message 1 and the step that takes message 2. */
export interface InitiatorStarted {
  /** Send this to the responder. */
  readonly message1: Uint8Array
  /** The only legal next call. */
  readonly next: AwaitingMessage2
}

/** An initiator that has sent message 1 and waits for the responder's message 2. */
export interface AwaitingMessage2 {
  /**
   * Takes message 2: authenticates the responder and returns message 3 and the session.
   * The session is unconfirmed (`session.channel.confirmed` is false) until a frame from the
   * responder opens: until then the initiator cannot know that message 3 arrived.
   * @throws HandshakeError with the specific reason (send `ERROR_MESSAGE` to the peer).
   */
  receive2(message2: Uint8Array): Promise<InitiatorFinished>
}

/** What {@link AwaitingMessage2.receive2} returns: message 3 and the initiator's session. */
export interface InitiatorFinished {
  /** Send this to the responder. */
  readonly message3: Uint8Array
  /** The session with the authenticated responder, unconfirmed until a frame from it opens. */
  readonly session: Session
}

/**
 * The initiator's state machine (docs/handshake.md §3): no I/O, bytes in and out. Its identity
 * travels only in message 3, after the responder has proven its own, so an active attacker
 * never learns it.
 * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` for bad parameters.
 */
export function createInitiator(parameters: CreateInitiatorParameters): Initiator {
  const config = configure(parameters)
  return { start: () => start(config) }
}

async function start(config: Config): Promise<InitiatorStarted> {
  const ephemeral = await ephemeralKeyPair(config.random)
  const message1 = encodeMessage1(ephemeral.publicKey)
  const deadline = config.now() + config.stepTimeoutMs
  const receive2 = step(
    config,
    'receive2',
    deadline,
    async (message2: Uint8Array): Promise<InitiatorFinished> => {
      const { keyShare, ciphertext } = decodeMessage2(message2, config.maxMessageLength)
      const sharedSecret = await agree(ephemeral.secretKey, keyShare)
      try {
        const th2 = transcript2(message1, keyShare)
        const k2 = stepKeys(sharedSecret, th2, 2)
        const plaintext2 = xorKeystream2(k2, ciphertext)
        const peer = await authenticatePeer(config, 2, plaintext2, th2, k2)
        const th3 = nextTranscript(th2, plaintext2)
        const k3 = stepKeys(sharedSecret, th3, 3)
        const plaintext3 = await proveIdentity(config, 3, th3, k3, peer.did)
        const message3 = encodeMessage3(aeadSeal(k3.key, k3.nonce, plaintext3, th3))
        const th4 = nextTranscript(th3, plaintext3)
        const session = createSession('initiator', peer, th4, sharedSecret, config.channel)
        config.logger.debug('handshake complete, awaiting confirmation', {
          role: 'initiator',
          peer: peer.did,
        })
        return { message3, session }
      } finally {
        sharedSecret.fill(0)
      }
    },
  )
  return { message1, next: { receive2 } }
}
