import type { WebSocket } from 'ws'
import { HandshakeError, HandshakeErrorCode } from '../errors.js'
import { FrameQueue, type FrameTransport, transportClosed } from '../transport.js'

/**
 * Frames over a `ws` WebSocket: one binary message per frame. The size limit is the
 * WebSocket's own `maxPayload`, which `ws` enforces before it buffers a message. A text
 * message fails the transport.
 */
export function frameWebSocket(socket: WebSocket): FrameTransport {
  const queue = new FrameQueue((paused) => (paused ? socket.pause() : socket.resume()))
  socket.binaryType = 'nodebuffer'
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      queue.end(new HandshakeError(HandshakeErrorCode.Malformed, 'the peer sent a text WebSocket message'))
      socket.terminate()
      return
    }
    queue.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
  })
  socket.on('close', (code) =>
    queue.end(
      code === 1009
        ? new HandshakeError(HandshakeErrorCode.MessageTooLarge, 'the peer sent a frame above the limit')
        : undefined,
    ),
  )
  socket.on('error', (error: Error & { code?: string }) =>
    queue.end(
      error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
        ? new HandshakeError(HandshakeErrorCode.MessageTooLarge, 'the peer sent a frame above the limit', {
            cause: error,
          })
        : transportClosed('the WebSocket failed', error),
    ),
  )
  return {
    send(frame) {
      if (socket.readyState !== socket.OPEN) throw transportClosed('the WebSocket is not open')
      socket.send(frame, { binary: true })
    },
    receive: () => queue.receive(),
    close() {
      queue.end()
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(1000)
    },
  }
}
