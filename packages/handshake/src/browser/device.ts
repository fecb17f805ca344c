import { DEFAULT_MAX_FRAME_LENGTH } from '../channel.js'
import { DEFAULT_STEP_TIMEOUT_MS } from '../constants.js'
import { type Connection, runInitiator } from '../driver.js'
import { HandshakeError, HandshakeErrorCode } from '../errors.js'
import { createInitiator } from '../initiator.js'
import type { HandshakeParameters } from '../options.js'
import { FrameQueue, type FrameTransport, openWithin, transportClosed } from '../transport.js'

/** Parameters of {@link connect}: the handshake's, and the gateway's URL. */
export interface ConnectParameters extends HandshakeParameters {
  /** The gateway's WebSocket URL (`ws://` or `wss://`). Browsers have no raw TCP. */
  url?: string
  /** Ignored on this platform, which connects over WebSocket only: give `url`. */
  host?: string
  /** Ignored on this platform, which connects over WebSocket only: give `url`. */
  port?: number
}

/**
 * Connects to a gateway over the platform's WebSocket and runs the initiator; resolves once
 * the session is confirmed. For browsers and other runtimes without Node.js built-ins.
 * @throws HandshakeError as the Node.js `connect`; `HANDSHAKE_INVALID_ARGUMENT` without `url`.
 */
export async function connect(parameters: ConnectParameters): Promise<Connection> {
  const initiator = createInitiator(parameters)
  if (typeof parameters.url !== 'string') {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      'url must be given: this platform connects over WebSocket only',
    )
  }
  const transport = await openWebSocket(
    parameters.url,
    parameters.channel?.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH,
    parameters.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
  )
  return runInitiator({
    transport,
    initiator,
    ...(parameters.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: parameters.stepTimeoutMs }),
  })
}

/**
 * Frames over a standard WebSocket: one binary message per frame. A browser has already
 * buffered a message when it is delivered, so the size limit is checked right after.
 */
export function frameBrowserWebSocket(socket: WebSocket, maxFrameLength: number): FrameTransport {
  const queue = new FrameQueue()
  socket.binaryType = 'arraybuffer'
  socket.addEventListener('message', (event: MessageEvent) => {
    if (!(event.data instanceof ArrayBuffer)) {
      queue.end(new HandshakeError(HandshakeErrorCode.Malformed, 'the peer sent a text WebSocket message'))
      socket.close()
      return
    }
    if (event.data.byteLength > maxFrameLength) {
      queue.end(
        new HandshakeError(
          HandshakeErrorCode.MessageTooLarge,
          `the peer sent a frame above ${maxFrameLength} bytes`,
        ),
      )
      socket.close()
      return
    }
    queue.push(new Uint8Array(event.data))
  })
  socket.addEventListener('close', () => queue.end())
  socket.addEventListener('error', () => queue.end(transportClosed('the WebSocket failed')))
  return {
    send(frame) {
      if (socket.readyState !== WebSocket.OPEN) throw transportClosed('the WebSocket is not open')
      socket.send(frame)
    },
    receive: () => queue.receive(),
    close() {
      queue.end()
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
        socket.close(1000)
    },
  }
}

function openWebSocket(url: string, maxFrameLength: number, timeoutMs: number): Promise<FrameTransport> {
  let socket: WebSocket
  try {
    socket = new WebSocket(url)
  } catch (cause) {
    return Promise.reject(
      new HandshakeError(HandshakeErrorCode.InvalidArgument, 'url is not a valid WebSocket URL', { cause }),
    )
  }
  return openWithin(
    timeoutMs,
    () => socket.close(),
    (opened, failed) => {
      const onError = () => failed()
      socket.addEventListener('error', onError, { once: true })
      socket.addEventListener(
        'open',
        () => {
          socket.removeEventListener('error', onError)
          opened(frameBrowserWebSocket(socket, maxFrameLength))
        },
        { once: true },
      )
    },
  )
}
