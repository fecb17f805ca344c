import type { Duplex } from 'node:stream'
import { DEFAULT_MAX_FRAME_LENGTH } from '../channel.js'
import { HandshakeError, HandshakeErrorCode } from '../errors.js'
import { FrameQueue, type FrameTransport, transportClosed } from '../transport.js'

/** The length prefix of each frame on a byte stream: 4 bytes, big-endian (docs/handshake.md §8). */
export const LENGTH_PREFIX = 4

/** Parameters of {@link frameStream}. */
export interface FrameStreamParameters {
  /** The largest frame accepted; a longer length prefix fails before any allocation. Default 65536. */
  maxFrameLength?: number
}

/**
 * Frames a Node.js byte stream (a TCP socket, a TLS socket, a pipe): each frame is a 4-byte
 * big-endian length and that many bytes. A declared length above `maxFrameLength`, or zero,
 * fails the stream at once, before any buffer is allocated for it.
 */
export function frameStream(stream: Duplex, parameters: FrameStreamParameters = {}): FrameTransport {
  const maxFrameLength = parameters.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH
  const queue = new FrameQueue((paused) => (paused ? stream.pause() : stream.resume()))
  let chunks: Buffer[] = []
  let buffered = 0
  let need = -1 // the length of the frame being read, or -1 while reading its prefix

  const take = (length: number): Buffer => {
    const joined = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered)
    const out = joined.subarray(0, length)
    const rest = joined.subarray(length)
    chunks = rest.length > 0 ? [rest] : []
    buffered = rest.length
    return out
  }
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    buffered += chunk.length
    for (;;) {
      if (need < 0) {
        if (buffered < LENGTH_PREFIX) return
        need = take(LENGTH_PREFIX).readUInt32BE(0)
        if (need === 0 || need > maxFrameLength) {
          queue.end(
            need === 0
              ? new HandshakeError(HandshakeErrorCode.Malformed, 'the peer announced an empty frame', {
                  details: 'frames are never empty (docs/handshake.md §8)',
                })
              : new HandshakeError(
                  HandshakeErrorCode.MessageTooLarge,
                  `the peer announced a frame of ${need} bytes`,
                  { details: `the limit is ${maxFrameLength} bytes` },
                ),
          )
          stream.destroy()
          return
        }
      }
      if (buffered < need) return
      // A copy, so that a small frame never pins a large socket buffer.
      queue.push(new Uint8Array(take(need)))
      need = -1
    }
  })
  stream.on('end', () =>
    queue.end(need >= 0 || buffered > 0 ? transportClosed('the stream ended inside a frame') : undefined),
  )
  stream.on('close', () => queue.end())
  stream.on('error', (error) => queue.end(transportClosed('the stream failed', error)))
  return {
    send(frame) {
      if (stream.destroyed || !stream.writable) throw transportClosed('the stream is no longer writable')
      const header = Buffer.allocUnsafe(LENGTH_PREFIX)
      header.writeUInt32BE(frame.length, 0)
      stream.write(Buffer.concat([header, frame]))
    },
    receive: () => queue.receive(),
    close() {
      queue.end()
      // Flush what was written (the close frame), then let go of the socket.
      stream.end(() => stream.destroy())
    },
  }
}
