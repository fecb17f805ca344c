// An in-memory network the test attacker controls: two framed transports whose every frame
// passes through `intercept`, which may pass, alter, drop or record it.
import { FrameQueue, type FrameTransport } from '../src/index.js'

export type Direction = 'i2r' | 'r2i'
export type Interceptor = (direction: Direction, index: number, frame: Uint8Array) => Uint8Array | undefined

export function memoryNetwork(
  intercept: Interceptor = (_d, _i, f) => f,
  options: { dropCloses?: boolean } = {},
): {
  initiator: FrameTransport
  responder: FrameTransport
  log: { direction: Direction; frame: Uint8Array }[]
} {
  const toResponder = new FrameQueue()
  const toInitiator = new FrameQueue()
  const counts = { i2r: 0, r2i: 0 }
  const log: { direction: Direction; frame: Uint8Array }[] = []
  const end = (direction: Direction, queue: FrameQueue) => (frame: Uint8Array) => {
    log.push({ direction, frame })
    const out = intercept(direction, counts[direction]++, frame)
    if (out !== undefined) queueMicrotask(() => queue.push(out))
  }
  // Closing ends both directions, unless the attacker swallows the close.
  const closeBoth = () => {
    if (options.dropCloses === true) return
    toResponder.end()
    toInitiator.end()
  }
  return {
    initiator: { send: end('i2r', toResponder), receive: () => toInitiator.receive(), close: closeBoth },
    responder: { send: end('r2i', toInitiator), receive: () => toResponder.receive(), close: closeBoth },
    log,
  }
}
