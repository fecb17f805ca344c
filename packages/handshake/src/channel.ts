import { AEAD_TAG_LENGTH, aeadOpen, aeadSeal } from '@marque/crypto'
import { HandshakeError, HandshakeErrorCode } from './errors.js'
import { type ChannelKeys, nextEpochKey } from './key-schedule.js'
import { ReplayWindow } from './replay-window.js'

// The secure channel (docs/handshake.md §7). A frame is
//   type (1 byte) ‖ sequence (8 bytes, big-endian) ‖ ChaCha20-Poly1305(payload)
// with the header as associated data and nonce = IV XOR (0^32 ‖ sequence). Keys change every
// 2^32 frames (an epoch), each derived from the last, so no key outlives its counters and
// old keys are erased.

/** Frame types. */
export const FrameType = { Ready: 1, Data: 2, Close: 3 } as const
export type FrameType = (typeof FrameType)[keyof typeof FrameType]

/** Bytes a frame adds to its payload: 1 type, 8 sequence, 16 tag. */
export const FRAME_OVERHEAD = 1 + 8 + AEAD_TAG_LENGTH
/** Frames per key: after 2^32 frames a direction moves to its next key. */
export const EPOCH_LENGTH = 2 ** 32
/** The last usable sequence number (JavaScript's safe integers bound it; 2^53 frames is centuries). */
export const MAX_SEQUENCE = Number.MAX_SAFE_INTEGER
/** The default largest frame, header and tag included. */
export const DEFAULT_MAX_FRAME_LENGTH = 65536
/** The default replay window, in frames. */
export const DEFAULT_REPLAY_WINDOW = 64

/** What opening a frame produced. */
export type ChannelEvent =
  | {
      /** A data frame. */
      readonly type: 'data'
      /** Its payload, authenticated and decrypted (possibly empty). */
      readonly data: Uint8Array
    }
  | {
      /** The responder's ready frame: the session is now confirmed to the initiator. */
      readonly type: 'ready'
    }
  | {
      /** The peer's authenticated close: the channel accepts and sends nothing more. */
      readonly type: 'close'
    }

/** The sans-IO secure channel: frames in, events out; frames out for data, readiness and close. */
export interface Channel {
  /** For the initiator, true once a frame from the responder opened: only then is the session confirmed. */
  readonly confirmed: boolean
  /** True once a close frame was sent or received. */
  readonly closed: boolean
  /** The largest payload one frame carries. */
  readonly maxPayloadLength: number
  /** A data frame carrying `data`. @throws HandshakeError `HANDSHAKE_CHANNEL_CLOSED`, `HANDSHAKE_CHANNEL_EXHAUSTED`, `HANDSHAKE_INVALID_ARGUMENT`. */
  seal(data: Uint8Array): Uint8Array
  /** The empty frame the responder sends first, which confirms the session to the initiator. */
  ready(): Uint8Array
  /** The authenticated close frame; the channel sends nothing after it. */
  close(): Uint8Array
  /**
   * Authenticates and decrypts one frame. A counter is committed to the replay window only
   * after the frame authenticates.
   * @throws HandshakeError `HANDSHAKE_MESSAGE_TOO_LARGE`, `HANDSHAKE_MALFORMED`,
   *   `HANDSHAKE_CHANNEL_REPLAY`, `HANDSHAKE_CHANNEL_DECRYPT_FAILED`, `HANDSHAKE_CHANNEL_CLOSED`.
   */
  open(frame: Uint8Array): ChannelEvent
}

export interface CreateChannelParameters {
  role: 'initiator' | 'responder'
  keys: ChannelKeys
  maxFrameLength?: number
  replayWindow?: number
  /** The first sequence number to send (default 0). Only for tests of epoch changes. */
  firstSequence?: number
  /** The last sequence number to send (default {@link MAX_SEQUENCE}). Only for tests of exhaustion. */
  lastSequence?: number
}

class Direction {
  key: Uint8Array
  epoch = 0
  previousKey: Uint8Array | undefined
  constructor(
    key: Uint8Array,
    readonly iv: Uint8Array,
  ) {
    this.key = key
  }
  /** The key of `epoch`, which must be this direction's epoch, the one before, or the one after. */
  keyFor(epoch: number): Uint8Array | undefined {
    if (epoch === this.epoch) return this.key
    if (epoch === this.epoch - 1) return this.previousKey
    if (epoch === this.epoch + 1) return nextEpochKey(this.key)
    return undefined
  }
  advance(epoch: number, key: Uint8Array): void {
    if (epoch !== this.epoch + 1) return
    this.previousKey?.fill(0)
    this.previousKey = this.key
    this.key = key
    this.epoch = epoch
  }
}

/** A sans-IO channel over a session's keys. */
export function createChannel(parameters: CreateChannelParameters): Channel {
  const { role, keys } = parameters
  const maxFrameLength = parameters.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH
  const windowSize = parameters.replayWindow ?? DEFAULT_REPLAY_WINDOW
  if (!Number.isSafeInteger(maxFrameLength) || maxFrameLength < FRAME_OVERHEAD + 1) {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      `maxFrameLength must be an integer above ${FRAME_OVERHEAD}`,
    )
  }
  if (!Number.isSafeInteger(windowSize) || windowSize < 1 || windowSize > 65536) {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      'replayWindow must be an integer from 1 to 65536',
    )
  }
  const initiator = role === 'initiator'
  const send = initiator
    ? new Direction(keys.initiatorKey, keys.initiatorIv)
    : new Direction(keys.responderKey, keys.responderIv)
  const receive = initiator
    ? new Direction(keys.responderKey, keys.responderIv)
    : new Direction(keys.initiatorKey, keys.initiatorIv)
  const window = new ReplayWindow(windowSize)
  let nextSequence = parameters.firstSequence ?? 0
  const lastSequence = parameters.lastSequence ?? MAX_SEQUENCE
  // An epoch other than 0 at the start (tests) is reached by deriving forward from epoch 0.
  while (Math.floor(nextSequence / EPOCH_LENGTH) > send.epoch)
    send.advance(send.epoch + 1, nextEpochKey(send.key))
  let confirmed = !initiator
  let closed = false
  const maxPayloadLength = maxFrameLength - FRAME_OVERHEAD

  function frame(type: FrameType, payload: Uint8Array): Uint8Array {
    if (closed) {
      throw new HandshakeError(HandshakeErrorCode.ChannelClosed, 'the channel is closed', {
        hint: 'open a new session to send more',
      })
    }
    if (!(payload instanceof Uint8Array)) {
      throw new HandshakeError(HandshakeErrorCode.InvalidArgument, 'data must be a Uint8Array')
    }
    if (payload.length > maxPayloadLength) {
      throw new HandshakeError(
        HandshakeErrorCode.InvalidArgument,
        `data must be at most ${maxPayloadLength} bytes per frame`,
        {
          details: `got ${payload.length} bytes`,
          hint: 'split it into several frames',
        },
      )
    }
    if (nextSequence > lastSequence) {
      throw new HandshakeError(HandshakeErrorCode.ChannelExhausted, 'the channel has sent its last frame', {
        hint: 'open a new session',
      })
    }
    const sequence = nextSequence++
    const epoch = Math.floor(sequence / EPOCH_LENGTH)
    if (epoch !== send.epoch) send.advance(epoch, nextEpochKey(send.key))
    const out = new Uint8Array(9 + payload.length + AEAD_TAG_LENGTH)
    writeHeader(out, type, sequence)
    out.set(aeadSeal(send.key, nonceOf(send.iv, out), payload, out.subarray(0, 9)), 9)
    return out
  }

  return {
    get confirmed() {
      return confirmed
    },
    get closed() {
      return closed
    },
    maxPayloadLength,
    seal: (data) => frame(FrameType.Data, data),
    ready: () => frame(FrameType.Ready, new Uint8Array(0)),
    close() {
      const out = frame(FrameType.Close, new Uint8Array(0))
      closed = true
      return out
    },
    open(bytes) {
      if (!(bytes instanceof Uint8Array)) {
        throw new HandshakeError(HandshakeErrorCode.InvalidArgument, 'a frame must be a Uint8Array')
      }
      if (closed) {
        throw new HandshakeError(
          HandshakeErrorCode.ChannelClosed,
          'the channel is closed; no frame is accepted after a close',
        )
      }
      if (bytes.length > maxFrameLength) {
        throw new HandshakeError(
          HandshakeErrorCode.MessageTooLarge,
          `a frame is larger than ${maxFrameLength} bytes`,
          {
            details: `got ${bytes.length} bytes`,
          },
        )
      }
      if (bytes.length < FRAME_OVERHEAD) {
        throw new HandshakeError(HandshakeErrorCode.Malformed, 'a frame is shorter than its header and tag', {
          details: `got ${bytes.length} bytes`,
        })
      }
      const type = bytes[0]!
      if (type !== FrameType.Ready && type !== FrameType.Data && type !== FrameType.Close) {
        throw new HandshakeError(HandshakeErrorCode.Malformed, 'a frame has an unknown type', {
          details: `type ${type}`,
        })
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, 9)
      const high = view.getUint32(1)
      const sequence = high * EPOCH_LENGTH + view.getUint32(5)
      if (sequence > MAX_SEQUENCE || !window.check(sequence)) {
        throw new HandshakeError(
          HandshakeErrorCode.ChannelReplay,
          'a frame repeats or predates frames already received',
          {
            details: `sequence ${sequence}, highest ${window.highest}`,
            hint: 'the frame was replayed or delayed beyond the replay window; it was dropped',
          },
        )
      }
      const epoch = high
      const key = receive.keyFor(epoch)
      let payload: Uint8Array | undefined
      if (key !== undefined) {
        try {
          payload = aeadOpen(key, nonceOf(receive.iv, bytes), bytes.subarray(9), bytes.subarray(0, 9))
        } catch {
          payload = undefined
        }
      }
      if (key === undefined || payload === undefined) {
        throw new HandshakeError(HandshakeErrorCode.ChannelDecryptFailed, 'a frame did not authenticate', {
          details: `sequence ${sequence}`,
          hint: 'the frame was forged or altered in transit',
        })
      }
      // Only now, with the frame authentic, do the window and the epoch move.
      window.commit(sequence)
      receive.advance(epoch, key)
      confirmed = true
      if (type === FrameType.Close) {
        closed = true
        return { type: 'close' }
      }
      if (type === FrameType.Ready) return { type: 'ready' }
      return { type: 'data', data: payload }
    },
  }
}

function writeHeader(out: Uint8Array, type: FrameType, sequence: number): void {
  out[0] = type
  const view = new DataView(out.buffer, out.byteOffset, 9)
  view.setUint32(1, Math.floor(sequence / EPOCH_LENGTH))
  view.setUint32(5, sequence % EPOCH_LENGTH)
}

/** nonce = IV XOR (0^32 ‖ sequence as 64-bit big-endian), as TLS 1.3 does (RFC 8446 §5.3). */
function nonceOf(iv: Uint8Array, header: Uint8Array): Uint8Array {
  const nonce = iv.slice()
  for (let i = 0; i < 8; i++) nonce[4 + i]! ^= header[1 + i]!
  return nonce
}
