import { HandshakeError, HandshakeErrorCode } from './errors.js'

/**
 * A message-oriented transport: whole frames in, whole frames out. Adapters exist for Node
 * streams (TCP, length-prefixed) and WebSocket (one binary message per frame); any other
 * link that keeps frame boundaries can implement it.
 */
export interface FrameTransport {
  /** Sends one frame. */
  send(frame: Uint8Array): void
  /**
   * The next frame, or `undefined` once the transport has ended cleanly.
   * @throws HandshakeError when the transport failed (`HANDSHAKE_TRANSPORT_CLOSED`) or the
   *   peer sent an oversized frame (`HANDSHAKE_MESSAGE_TOO_LARGE`).
   */
  receive(): Promise<Uint8Array | undefined>
  /** Closes the transport; pending and later `receive()` calls end. */
  close(): void
}

/**
 * The receiving half of an adapter: frames pushed by the platform's callbacks, taken by
 * `receive()`. Holding at most `highWater` frames, it asks the adapter to pause reading
 * (`onPressure(true)`) and to resume once drained, so a fast sender cannot fill memory.
 */
export class FrameQueue {
  readonly #frames: Uint8Array[] = []
  #waiter: { resolve: (f: Uint8Array | undefined) => void; reject: (e: unknown) => void } | undefined
  #ended = false
  #error: unknown
  #paused = false

  /**
   * An empty queue, open for frames.
   * @param onPressure Called with `true` when the queue holds `highWater` frames (pause
   *   reading), and with `false` once `receive()` has drained it below half (resume). Default:
   *   does nothing.
   * @param highWater How many buffered frames make the queue ask for a pause. Default 16.
   */
  constructor(
    private readonly onPressure: (paused: boolean) => void = () => {},
    private readonly highWater = 16,
  ) {}

  /**
   * Adds a frame received by the platform: it goes straight to a waiting `receive()`, else
   * into the buffer. Frames pushed after `end` are dropped.
   */
  push(frame: Uint8Array): void {
    if (this.#ended) return
    const waiter = this.#waiter
    if (waiter !== undefined) {
      this.#waiter = undefined
      waiter.resolve(frame)
      return
    }
    this.#frames.push(frame)
    if (!this.#paused && this.#frames.length >= this.highWater) {
      this.#paused = true
      this.onPressure(true)
    }
  }

  /** Ends the queue: cleanly, or with `error` for the next `receive()` once buffered frames are taken. */
  end(error?: unknown): void {
    if (this.#ended) return
    this.#ended = true
    this.#error = error
    const waiter = this.#waiter
    this.#waiter = undefined
    if (waiter !== undefined) {
      if (error === undefined) waiter.resolve(undefined)
      else waiter.reject(error)
    }
  }

  /**
   * The next frame: a buffered one at once, else the next pushed. Once the queue has ended and
   * its buffer is empty, `undefined` after a clean end, or a rejection with the error it
   * ended with.
   * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` (as a rejection) when another
   *   `receive()` is still waiting.
   */
  receive(): Promise<Uint8Array | undefined> {
    const frame = this.#frames.shift()
    if (frame !== undefined) {
      if (this.#paused && this.#frames.length < this.highWater / 2) {
        this.#paused = false
        this.onPressure(false)
      }
      return Promise.resolve(frame)
    }
    if (this.#ended)
      return this.#error === undefined ? Promise.resolve(undefined) : Promise.reject(this.#error)
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new HandshakeError(HandshakeErrorCode.InvalidArgument, 'receive() is already waiting for a frame', {
          hint: 'await each receive() before the next',
        }),
      )
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject }
    })
  }
}

/** The error for a transport that failed or closed under a handshake or channel. */
export function transportClosed(details: string, cause?: unknown): HandshakeError {
  return new HandshakeError(HandshakeErrorCode.TransportClosed, 'the connection closed or failed', {
    details,
    ...(cause === undefined ? {} : { cause }),
  })
}

/**
 * Opens a connection to a gateway within `timeoutMs`: reaching the gateway is a step too,
 * bounded like the others rather than by the platform's own timeout. `start` wires the
 * platform's events to `opened` (with the transport) and `failed` (with the cause); on time
 * out the connection is `abort`ed.
 * @throws HandshakeError `HANDSHAKE_TRANSPORT_CLOSED` when it fails, `HANDSHAKE_TIMEOUT`.
 */
export function openWithin(
  timeoutMs: number,
  abort: () => void,
  start: (opened: (transport: FrameTransport) => void, failed: (cause?: unknown) => void) => void,
): Promise<FrameTransport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new HandshakeError(HandshakeErrorCode.Timeout, 'the gateway did not answer in time', {
          details: `no connection after ${timeoutMs} ms`,
          hint: 'check the address; a firewall may be dropping the connection',
        }),
      )
      abort()
    }, timeoutMs)
    start(
      (transport) => {
        clearTimeout(timer)
        resolve(transport)
      },
      (cause) => {
        clearTimeout(timer)
        reject(
          new HandshakeError(HandshakeErrorCode.TransportClosed, 'the gateway could not be reached', {
            hint: 'check the address and that the gateway is listening',
            ...(cause === undefined ? {} : { cause }),
          }),
        )
      },
    )
  })
}
