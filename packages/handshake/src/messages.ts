import { aeadSeal, concatBytes, sha256 } from '@marque/crypto'
import { arrayOf, byteStringOf, decodeCbor, encodeCbor, malformed } from './cbor.js'
import {
  HANDSHAKE_SUITE,
  HANDSHAKE_VERSION,
  KEY_SHARE_LENGTH,
  MAX_MESSAGE_1_LENGTH,
  TAG_LENGTH,
} from './constants.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'
import type { KeyAndNonce } from './key-schedule.js'

// The three messages (docs/handshake.md §3.1). Every length limit is checked before any
// decoding, so a hostile length costs no allocation.

/** message_1 = [version, suite, G_X]. */
export function encodeMessage1(keyShare: Uint8Array): Uint8Array {
  return encodeCbor([HANDSHAKE_VERSION, HANDSHAKE_SUITE, keyShare])
}

/**
 * Decodes message 1 and returns the initiator's key share G_X. The version and suite are
 * checked before the rest of the shape, so a later version's message 1 fails as a version
 * mismatch rather than as malformed.
 * @throws HandshakeError `HANDSHAKE_MESSAGE_TOO_LARGE`, `HANDSHAKE_MALFORMED`, `HANDSHAKE_VERSION`.
 */
export function decodeMessage1(message: Uint8Array): Uint8Array {
  checkLength(message, MAX_MESSAGE_1_LENGTH, 'message 1')
  const value = decodeCbor(message, 'message 1')
  const items = arrayOf(value, 2, 16, 'message 1')
  const [version, suite] = items
  if (typeof version !== 'number' || typeof suite !== 'number') {
    throw malformed('message 1', 'the version and suite must be unsigned integers')
  }
  if (version !== HANDSHAKE_VERSION || suite !== HANDSHAKE_SUITE) {
    throw new HandshakeError(
      HandshakeErrorCode.Version,
      `message 1 asks for version ${version} suite ${suite}; only version ${HANDSHAKE_VERSION} suite ${HANDSHAKE_SUITE} is implemented`,
      { hint: 'upgrade the side that is behind; the handshake never falls back to another version or suite' },
    )
  }
  arrayOf(value, 3, 3, 'message 1')
  return byteStringOf(items[2], KEY_SHARE_LENGTH, 'message 1’s key share')
}

/** message_2 = bstr(G_Y ‖ CIPHERTEXT_2). */
export function encodeMessage2(keyShare: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return encodeCbor(concatBytes(keyShare, ciphertext))
}

/**
 * Decodes message 2 into the responder's key share and ciphertext.
 * @throws HandshakeError `HANDSHAKE_MESSAGE_TOO_LARGE`, `HANDSHAKE_MALFORMED`.
 */
export function decodeMessage2(
  message: Uint8Array,
  maxLength: number,
): { keyShare: Uint8Array; ciphertext: Uint8Array } {
  checkLength(message, maxLength, 'message 2')
  const bytes = byteStringOf(decodeCbor(message, 'message 2'), undefined, 'message 2')
  if (bytes.length < KEY_SHARE_LENGTH + 1) throw malformed('message 2', 'too short')
  return { keyShare: bytes.subarray(0, KEY_SHARE_LENGTH), ciphertext: bytes.subarray(KEY_SHARE_LENGTH) }
}

/** message_3 = bstr(CIPHERTEXT_3). */
export function encodeMessage3(ciphertext: Uint8Array): Uint8Array {
  return encodeCbor(ciphertext)
}

/**
 * Decodes message 3 into its ciphertext.
 * @throws HandshakeError `HANDSHAKE_MESSAGE_TOO_LARGE`, `HANDSHAKE_MALFORMED`.
 */
export function decodeMessage3(message: Uint8Array, maxLength: number): Uint8Array {
  checkLength(message, maxLength, 'message 3')
  const bytes = byteStringOf(decodeCbor(message, 'message 3'), undefined, 'message 3')
  if (bytes.length < TAG_LENGTH + 1) throw malformed('message 3', 'too short')
  return bytes
}

function checkLength(message: unknown, maxLength: number, what: string): void {
  if (!(message instanceof Uint8Array)) {
    throw new HandshakeError(HandshakeErrorCode.InvalidArgument, `${what} must be a Uint8Array`)
  }
  if (message.length > maxLength) {
    throw new HandshakeError(
      HandshakeErrorCode.MessageTooLarge,
      `${what} is larger than ${maxLength} bytes`,
      {
        details: `got ${message.length} bytes`,
        hint: 'the peer sends more (credentials) than this side accepts; raise maxMessageLength or send credentials by reference',
      },
    )
  }
  if (message.length === 0) throw malformed(what, 'it is empty')
}

/**
 * Message 2's encryption (docs/handshake.md §3.3): XOR with the ChaCha20 keystream of K_2 and
 * N_2 from block counter 1 (RFC 8439 §2.4), which is ChaCha20-Poly1305's ciphertext without
 * its tag (RFC 8439 §2.8). Integrity comes from the responder's signature, as in EDHOC
 * (RFC 9528 §5.3.2). The same call decrypts.
 */
export function xorKeystream2(keys: KeyAndNonce, input: Uint8Array): Uint8Array {
  return aeadSeal(keys.key, keys.nonce, input).subarray(0, input.length)
}

/** TH_2 = SHA-256(message_1 ‖ G_Y). */
export function transcript2(message1: Uint8Array, responderKeyShare: Uint8Array): Uint8Array {
  return sha256(concatBytes(message1, responderKeyShare))
}

/** TH_3 = SHA-256(TH_2 ‖ PLAINTEXT_2); TH_4 = SHA-256(TH_3 ‖ PLAINTEXT_3). */
export function nextTranscript(previous: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return sha256(concatBytes(previous, plaintext))
}
