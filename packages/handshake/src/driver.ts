import { constantTimeEqual } from '@marque/crypto'
import { DEFAULT_STEP_TIMEOUT_MS, ERROR_MESSAGE } from './constants.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'
import type { Initiator } from './initiator.js'
import type { Responder } from './responder.js'
import { createSecureChannel, type SecureChannel } from './secure-channel.js'
import type { Peer, Session } from './session.js'
import { type FrameTransport, transportClosed } from './transport.js'

/** A completed handshake over a transport. */
export interface Connection {
  /** The authenticated peer: its DID, key, DID document and verified credentials; as `session.peer`. */
  readonly peer: Peer
  /** The session: transcript hash, keying-material exporter, and the sans-IO channel under `channel`. */
  readonly session: Session
  /** The secure channel over the transport: send and receive whole messages. */
  readonly channel: SecureChannel
}

/** Parameters of {@link runInitiator} and {@link runResponder}, besides the state machine. */
export interface RunHandshakeParameters {
  /** The transport to the peer; it is closed when the handshake fails. */
  transport: FrameTransport
  /** How long to wait for each message from the peer, in milliseconds. Default 10 000. */
  stepTimeoutMs?: number
}

/**
 * Runs the initiator over a transport: sends message 1, answers message 2 with message 3,
 * then waits for the responder's first frame, which confirms the session. On any failure it
 * sends the one wire error message, closes the transport and throws the specific error.
 * @throws HandshakeError with the local reason; `HANDSHAKE_PEER_ABORTED` when the responder
 *   refused; `HANDSHAKE_TIMEOUT`; `HANDSHAKE_TRANSPORT_CLOSED`.
 */
export async function runInitiator(
  parameters: RunHandshakeParameters & {
    /** The initiator to run, from {@link createInitiator}; one handshake is started on it. */
    initiator: Initiator
  },
): Promise<Connection> {
  const { transport, initiator } = parameters
  const timeout = parameters.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS
  return guard(transport, async () => {
    const { message1, next } = await initiator.start()
    transport.send(message1)
    const message2 = await receiveMessage(transport, timeout, 'message 2')
    const { message3, session } = await refuseOnFailure(
      transport,
      withTimeout(next.receive2(message2), timeout, 'receive2'),
    )
    transport.send(message3)
    // Key confirmation (docs/handshake.md §3.5): nothing is final until a frame from the
    // responder authenticates under the new keys.
    const early: Uint8Array[] = []
    while (!session.channel.confirmed) {
      const frame = await receiveMessage(transport, timeout, 'the responder’s first frame')
      const event = session.channel.open(frame)
      if (event.type === 'data') early.push(event.data)
      if (event.type === 'close')
        throw new HandshakeError(HandshakeErrorCode.ChannelClosed, 'the responder closed the session at once')
    }
    return { peer: session.peer, session, channel: createSecureChannel(session.channel, transport, early) }
  })
}

/**
 * Runs the responder over a transport: answers message 1, checks message 3, sends the ready
 * frame. On any failure it sends the one wire error message, closes the transport and throws
 * the specific error.
 * @throws HandshakeError as {@link runInitiator}.
 */
export async function runResponder(
  parameters: RunHandshakeParameters & {
    /** The responder to run, from {@link createResponder}; it answers one handshake. */
    responder: Responder
  },
): Promise<Connection> {
  const { transport, responder } = parameters
  const timeout = parameters.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS
  return guard(transport, async () => {
    const message1 = await receiveMessage(transport, timeout, 'message 1')
    const { message2, next } = await refuseOnFailure(
      transport,
      withTimeout(responder.receive1(message1), timeout, 'receive1'),
    )
    transport.send(message2)
    const message3 = await receiveMessage(transport, timeout, 'message 3')
    const { session, ready } = await refuseOnFailure(
      transport,
      withTimeout(next.receive3(message3), timeout, 'receive3'),
    )
    transport.send(ready)
    return { peer: session.peer, session, channel: createSecureChannel(session.channel, transport) }
  })
}

async function guard<T>(transport: FrameTransport, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    transport.close()
    if (error instanceof HandshakeError) throw error
    throw new HandshakeError(HandshakeErrorCode.Internal, 'the handshake failed unexpectedly', {
      cause: error,
    })
  }
}

/** Sends the wire error message when `step` fails, then lets the failure through. */
async function refuseOnFailure<T>(transport: FrameTransport, step: Promise<T>): Promise<T> {
  try {
    return await step
  } catch (error) {
    try {
      transport.send(ERROR_MESSAGE)
    } catch {
      // The transport is gone; the peer will time out instead.
    }
    throw error
  }
}

async function receiveMessage(transport: FrameTransport, timeout: number, what: string): Promise<Uint8Array> {
  const message = await withTimeout(transport.receive(), timeout, `waiting for ${what}`)
  if (message === undefined)
    throw transportClosed(`the peer closed the connection while we waited for ${what}`)
  if (message.length === ERROR_MESSAGE.length && constantTimeEqual(message, ERROR_MESSAGE)) {
    throw new HandshakeError(HandshakeErrorCode.PeerAborted, 'the peer refused the handshake', {
      details: `while we waited for ${what}`,
      hint: 'the peer’s logs say why: by design the wire carries no reason',
    })
  }
  return message
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // The loser of the race must not become an unhandled rejection.
  promise.catch(() => {})
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HandshakeError(HandshakeErrorCode.Timeout, `${what} took longer than ${ms} ms`)),
      ms,
    )
  })
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer))
}
