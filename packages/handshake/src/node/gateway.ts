import { EventEmitter } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import { WebSocketServer } from 'ws'
import { DEFAULT_MAX_FRAME_LENGTH } from '../channel.js'
import { type Connection, runResponder } from '../driver.js'
import { HandshakeError, HandshakeErrorCode } from '../errors.js'
import type { HandshakeParameters } from '../options.js'
import { createResponder } from '../responder.js'
import type { FrameTransport } from '../transport.js'
import { frameStream } from './stream.js'
import { frameWebSocket } from './websocket.js'

/** Parameters of {@link listen}: the handshake's, and where and how the gateway listens. */
export interface ListenParameters extends HandshakeParameters {
  /** Default 0: any free port (read it back from `gateway.port`). */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** `tcp` (length-prefixed frames, the default) or `websocket` (one binary message per frame). */
  transport?: 'tcp' | 'websocket'
  /**
   * The most handshakes in progress at once; connections beyond it are closed at once, so a
   * flood of first messages holds bounded state. Default 1024.
   */
  maxPendingHandshakes?: number
}

/** What a gateway reports about a refused connection: the local reason, never sent to the peer. */
export interface HandshakeFailure {
  /**
   * Why the handshake failed: its specific code, e.g. `HANDSHAKE_CREDENTIAL_REJECTED`, or
   * `HANDSHAKE_BUSY` for a connection refused at once.
   */
  readonly error: HandshakeError
  /** The peer's IP address, or `undefined` when the socket no longer knows it. */
  readonly remoteAddress: string | undefined
}

/** A listening gateway, from {@link listen}. */
export interface Gateway {
  /** The address it listens on, as given in `host` (default `127.0.0.1`). */
  readonly host: string
  /** The port it listens on: the one asked for, or the one the system chose for port 0. */
  readonly port: number
  /** Handshakes in progress. */
  readonly pendingHandshakes: number
  /** Sessions established and not yet closed. */
  readonly openSessions: number
  /** Each authenticated peer with its channel. */
  on(event: 'session', listener: (connection: Connection) => void): this
  /** Each handshake that failed, with its specific local reason. */
  on(event: 'failure', listener: (failure: HandshakeFailure) => void): this
  /** Removes a listener added with `on`. */
  off(event: 'session' | 'failure', listener: (...args: never[]) => void): this
  /** Stops listening; sends an authenticated close on every session and drops handshakes in progress. */
  close(): Promise<void>
}

/**
 * Starts a gateway: accepts connections, runs the responder on each, and emits `session`
 * with the peer's DID, its verified claims and the secure channel.
 * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` for bad parameters; the listen error
 *   (for example `EADDRINUSE`) as the cause of `HANDSHAKE_TRANSPORT_CLOSED`.
 */
export async function listen(parameters: ListenParameters): Promise<Gateway> {
  const responder = createResponder(parameters)
  const host = parameters.host ?? '127.0.0.1'
  const maxPending = parameters.maxPendingHandshakes ?? 1024
  if (!Number.isSafeInteger(maxPending) || maxPending < 1) {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      'maxPendingHandshakes must be a positive integer',
    )
  }
  const maxFrameLength = parameters.channel?.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH
  const emitter = new EventEmitter()
  const open = new Set<{ close(): void }>()
  let pending = 0
  let sessions = 0

  const accept = (
    transport: FrameTransport,
    closeRaw: () => void,
    onClose: (f: () => void) => void,
    remote: string | undefined,
  ) => {
    // Until its handshake completes a connection is dropped on close; after, it gets an
    // authenticated close, so its device can tell a shutdown from a cut.
    const entry = { close: closeRaw }
    open.add(entry)
    let established = false
    onClose(() => {
      open.delete(entry)
      if (established) sessions--
    })
    if (pending >= maxPending) {
      closeRaw()
      emitter.emit('failure', {
        error: new HandshakeError(
          HandshakeErrorCode.Busy,
          'too many handshakes in progress; connection refused',
          {
            details: `limit ${maxPending}`,
          },
        ),
        remoteAddress: remote,
      } satisfies HandshakeFailure)
      return
    }
    pending++
    runResponder({
      transport,
      responder,
      ...(parameters.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: parameters.stepTimeoutMs }),
    }).then(
      (connection) => {
        pending--
        if (!open.has(entry)) return
        established = true
        entry.close = () => connection.channel.close()
        sessions++
        emitter.emit('session', connection)
      },
      (error: HandshakeError) => {
        pending--
        emitter.emit('failure', { error, remoteAddress: remote } satisfies HandshakeFailure)
      },
    )
  }

  let server: Server | WebSocketServer
  if (parameters.transport === 'websocket') {
    const wss = new WebSocketServer({ host, port: parameters.port ?? 0, maxPayload: maxFrameLength })
    wss.on('connection', (socket, request) =>
      accept(
        frameWebSocket(socket),
        () => socket.terminate(),
        (f) => socket.on('close', f),
        request.socket.remoteAddress,
      ),
    )
    server = wss
    await listening(wss)
  } else {
    const tcp = createServer((socket: Socket) => {
      socket.setNoDelay(true)
      accept(
        frameStream(socket, { maxFrameLength }),
        () => socket.destroy(),
        (f) => socket.on('close', f),
        socket.remoteAddress,
      )
    })
    server = tcp
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', (cause) =>
        reject(
          new HandshakeError(HandshakeErrorCode.TransportClosed, 'the gateway could not listen', { cause }),
        ),
      )
      tcp.listen(parameters.port ?? 0, host, () => resolve())
    })
  }
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0

  const gateway = {
    host,
    port,
    get pendingHandshakes() {
      return pending
    },
    get openSessions() {
      return sessions
    },
    on(event: string, listener: (...args: never[]) => void) {
      emitter.on(event, listener as (...args: unknown[]) => void)
      return gateway
    },
    off(event: string, listener: (...args: never[]) => void) {
      emitter.off(event, listener as (...args: unknown[]) => void)
      return gateway
    },
    /** Stops listening, sends an authenticated close on every session, drops pending handshakes. */
    close() {
      for (const c of open) c.close()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return gateway as Gateway
}

function listening(wss: WebSocketServer): Promise<void> {
  return new Promise((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', (cause) =>
      reject(
        new HandshakeError(HandshakeErrorCode.TransportClosed, 'the gateway could not listen', { cause }),
      ),
    )
  })
}
