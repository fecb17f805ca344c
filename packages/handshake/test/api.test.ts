// The public API is explicit: a change to an entry point's exports shows here in review.
import { describe, expect, it } from 'vitest'
import * as browserDevice from '../src/browser/device.js'
import * as gateway from '../src/gateway.js'
import * as core from '../src/index.js'
import * as nodeDevice from '../src/node/device.js'

describe('exports', () => {
  it('@marque/handshake', () => {
    expect(Object.keys(core).sort()).toEqual([
      'DEFAULT_MAX_FRAME_LENGTH',
      'DEFAULT_MAX_MESSAGE_LENGTH',
      'DEFAULT_REPLAY_WINDOW',
      'DEFAULT_STEP_TIMEOUT_MS',
      'ERROR_MESSAGE',
      'FRAME_OVERHEAD',
      'FrameQueue',
      'HANDSHAKE_SUITE',
      'HANDSHAKE_VERSION',
      'HandshakeError',
      'HandshakeErrorCode',
      'MAX_CREDENTIALS',
      'createCredentialCache',
      'createInitiator',
      'createResponder',
      'credentialDigest',
      'isHandshakeError',
      'runInitiator',
      'runResponder',
      'silentLogger',
      'verifyCredentialsWith',
    ])
  })
  it('@marque/handshake/gateway', () => {
    expect(Object.keys(gateway).sort()).toEqual([
      'LENGTH_PREFIX',
      'connect',
      'frameStream',
      'frameWebSocket',
      'listen',
    ])
  })
  it('@marque/handshake/device, for Node.js and for browsers', () => {
    expect(Object.keys(nodeDevice).sort()).toEqual(['connect'])
    expect(Object.keys(browserDevice).sort()).toEqual(['connect', 'frameBrowserWebSocket'])
  })
  it('every error code is a stable HANDSHAKE_ string', () => {
    for (const [name, code] of Object.entries(core.HandshakeErrorCode)) {
      expect(code).toMatch(/^HANDSHAKE_[A-Z_]+$/)
      expect(name).toMatch(/^[A-Z][A-Za-z]+$/)
    }
  })
})
