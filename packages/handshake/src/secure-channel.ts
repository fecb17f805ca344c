import type { Channel } from './channel.js'
import { HandshakeError, HandshakeErrorCode, isHandshakeError } from './errors.js'
import type { FrameTransport } from './transport.js'

/** A secure channel over a transport: whole messages, sent and received in order. */
export interface SecureChannel extends AsyncIterable<Uint8Array> {
  /**
   * Sends one message (at most `maxMessageLength` bytes).
   * @throws HandshakeError `HANDSHAKE_CHANNEL_CLOSED`, `HANDSHAKE_INVALID_ARGUMENT`.
   */
  send(data: Uint8Array): void
  /**
   * The next message, or `undefined` once the peer closed the channel with an authenticated
   * close.
   * @throws HandshakeError `HANDSHAKE_CHANNEL_TRUNCATED` when the connection ended without one;
   *   `HANDSHAKE_CHANNEL_DECRYPT_FAILED`, `HANDSHAKE_CHANNEL_REPLAY` or `HANDSHAKE_MALFORMED`
   *   for a forged, replayed or broken frame (the connection is then closed).
   */
  receive(): Promise<Uint8Array | undefined>
  /** Sends the authenticated close and closes the connection. Idempotent. */
  close(): void
  /** The largest message `send` takes. */
  readonly maxMessageLength: number
  /**
   * True once the channel is closed: by `close`, by the peer's authenticated close, or after a
   * failed frame or transport.
   */
  readonly closed: boolean
}

/** Wraps a sans-IO channel and its transport. `early` holds messages received during confirmation. */
export function createSecureChannel(
  channel: Channel,
  transport: FrameTransport,
  early: Uint8Array[] = [],
): SecureChannel {
  let closed = false
  let ended = false
  const shut = () => {
    closed = true
    transport.close()
  }
  const self: SecureChannel = {
    get closed() {
      return closed
    },
    maxMessageLength: channel.maxPayloadLength,
    send(data) {
      if (closed) throw new HandshakeError(HandshakeErrorCode.ChannelClosed, 'the channel is closed')
      transport.send(channel.seal(data))
    },
    async receive() {
      const buffered = early.shift()
      if (buffered !== undefined) return buffered
      for (;;) {
        if (ended) return undefined
        let frame: Uint8Array | undefined
        try {
          frame = await transport.receive()
        } catch (error) {
          shut()
          throw error
        }
        if (frame === undefined) {
          if (channel.closed) return undefined
          shut()
          throw new HandshakeError(
            HandshakeErrorCode.ChannelTruncated,
            'the connection ended without an authenticated close',
            {
              hint: 'the peer crashed or the stream was cut; data may be missing',
            },
          )
        }
        let event: ReturnType<Channel['open']>
        try {
          event = channel.open(frame)
        } catch (error) {
          shut()
          throw isHandshakeError(error)
            ? error
            : new HandshakeError(HandshakeErrorCode.Internal, 'a frame could not be opened', { cause: error })
        }
        if (event.type === 'data') return event.data
        if (event.type === 'close') {
          ended = true
          shut()
          return undefined
        }
      }
    },
    close() {
      if (closed) return
      if (!channel.closed) {
        try {
          transport.send(channel.close())
        } catch {
          // The transport is already gone: closing it is all that is left to do.
        }
      }
      shut()
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const data = await self.receive()
        if (data === undefined) return
        yield data
      }
    },
  }
  return self
}
