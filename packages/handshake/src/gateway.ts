// @marque/handshake/gateway (Node.js): a gateway that accepts devices over TCP or WebSocket,
// and the Node.js framings, for custom servers. Explicit exports: the list is tested.
export type { ConnectParameters } from './node/device.js'
export { connect } from './node/device.js'
export type { Gateway, HandshakeFailure, ListenParameters } from './node/gateway.js'
export { listen } from './node/gateway.js'
export type { FrameStreamParameters } from './node/stream.js'
export { frameStream, LENGTH_PREFIX } from './node/stream.js'
export { frameWebSocket } from './node/websocket.js'
