// The compliance suite on the WebCrypto backend (globalThis.crypto.subtle; Node.js 20 has
// Ed25519 and X25519 there, so it runs here as in a browser).
import { createWebCryptoBackend } from '../src/index.js'
import { describeCompliance } from './compliance.js'

describeCompliance('webcrypto', () => createWebCryptoBackend())
