import { connect as netConnect } from 'node:net'
import { WebSocket } from 'ws'
import { DEFAULT_MAX_FRAME_LENGTH } from '../channel.js'
import { DEFAULT_STEP_TIMEOUT_MS } from '../constants.js'
import { type Connection, runInitiator } from '../driver.js'
import { HandshakeError, HandshakeErrorCode } from '../errors.js'
import { createInitiator } from '../initiator.js'
import type { HandshakeParameters } from '../options.js'
import { type FrameTransport, openWithin } from '../transport.js'
import { frameStream } from './stream.js'
import { frameWebSocket } from './websocket.js'

/** Parameters of {@link connect}: the handshake's, and where the gateway is. */
export interface ConnectParameters extends HandshakeParameters {
  /** A gateway over TCP: its host (default `127.0.0.1`) and port. */
  host?: string
  /** The gateway's TCP port; required unless `url` is given. */
  port?: number
  /** A gateway over WebSocket (`ws://` or `wss://`); takes the place of host and port. */
  url?: string
}

/**
 * Connects to a gateway and runs the initiator; resolves once the session is confirmed.
 * @throws HandshakeError with the local reason (for example `HANDSHAKE_PEER_MISMATCH`),
 *   `HANDSHAKE_PEER_ABORTED` when the gateway refused, `HANDSHAKE_TRANSPORT_CLOSED` when it
 *   could not be reached, `HANDSHAKE_TIMEOUT`.
 */
export async function connect(parameters: ConnectParameters): Promise<Connection> {
  const initiator = createInitiator(parameters)
  const maxFrameLength = parameters.channel?.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH
  // Reaching the gateway is a step too: an address that never answers fails in that time,
  // not in the operating system's TCP timeout (minutes).
  const timeoutMs = parameters.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS
  const transport =
    parameters.url === undefined
      ? await openTcp(parameters, maxFrameLength, timeoutMs)
      : await openWebSocket(parameters.url, maxFrameLength, timeoutMs)
  return runInitiator({
    transport,
    initiator,
    ...(parameters.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: parameters.stepTimeoutMs }),
  })
}

function openTcp(
  parameters: ConnectParameters,
  maxFrameLength: number,
  timeoutMs: number,
): Promise<FrameTransport> {
  if (!Number.isSafeInteger(parameters.port) || (parameters.port as number) <= 0) {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      'port must be given (or url for a WebSocket)',
    )
  }
  const socket = netConnect({ host: parameters.host ?? '127.0.0.1', port: parameters.port as number })
  socket.setNoDelay(true)
  return openWithin(
    timeoutMs,
    () => socket.destroy(),
    (opened, failed) => {
      socket.once('error', failed)
      socket.once('connect', () => {
        socket.removeAllListeners('error')
        opened(frameStream(socket, { maxFrameLength }))
      })
    },
  )
}

function openWebSocket(url: string, maxFrameLength: number, timeoutMs: number): Promise<FrameTransport> {
  const socket = new WebSocket(url, { maxPayload: maxFrameLength })
  return openWithin(
    timeoutMs,
    () => socket.terminate(),
    (opened, failed) => {
      socket.once('error', failed)
      socket.once('open', () => {
        socket.removeAllListeners('error')
        opened(frameWebSocket(socket))
      })
    },
  )
}
