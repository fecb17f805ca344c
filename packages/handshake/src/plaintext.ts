import { arrayOf, byteStringOf, decodeCbor, encodeCbor, malformed } from './cbor.js'
import {
  CREDENTIAL_REFERENCE_LENGTH,
  HANDSHAKE_SUITE,
  HANDSHAKE_VERSION,
  MAX_CREDENTIALS,
  PROTOCOL_LABEL,
  SIGNATURE_LENGTH,
} from './constants.js'
import { isCompactJwt } from './credentials.js'
import { decodeIdentity, type EncodedIdentity, type NamedIdentity } from './identity.js'

/** A credential on the wire: a compact JWT (by value) or its 32-byte SHA-256 digest (by reference). */
export type WireCredential = string | Uint8Array

/** PLAINTEXT_2 and PLAINTEXT_3 (docs/handshake.md §3.2): `[ID, signature, *credential]`. */
export interface Plaintext {
  readonly encodedIdentity: EncodedIdentity
  readonly identity: NamedIdentity
  readonly signature: Uint8Array
  readonly credentials: readonly WireCredential[]
}

export function encodePlaintext(
  identity: EncodedIdentity,
  signature: Uint8Array,
  credentials: readonly WireCredential[],
): Uint8Array {
  return encodeCbor([identity, signature, ...credentials])
}

/**
 * Decodes a plaintext of message 2 or 3.
 * @throws HandshakeError `HANDSHAKE_MALFORMED`.
 */
export function decodePlaintext(bytes: Uint8Array, what: string): Plaintext {
  // Every item is then checked as a byte string, an array or an ASCII-pattern text string.
  const items = arrayOf(decodeCbor(bytes, what, false), 2, 2 + MAX_CREDENTIALS, what)
  const identity = decodeIdentity(items[0])
  const signature = byteStringOf(items[1], SIGNATURE_LENGTH, `${what}’s signature`)
  const credentials = items.slice(2).map((c, i): WireCredential => {
    if (c instanceof Uint8Array)
      return byteStringOf(c, CREDENTIAL_REFERENCE_LENGTH, `${what}’s credential ${i}`)
    if (!isCompactJwt(c)) throw malformed(what, `credential ${i} is not a compact JWT or a 32-byte reference`)
    return c
  })
  return { encodedIdentity: items[0] as EncodedIdentity, identity, signature, credentials }
}

/**
 * MAC_STRUCTURE_n = ["marque-handshake", version, suite, n, TH_n, ID, PK, [*digest]]: what
 * the MAC covers — the identity as sent, the whole signing key (which ID may only hint at), and
 * every credential (by digest, so value and reference are the same commitment), bound to the
 * transcript (docs/handshake.md §3.3).
 */
export function macStructure(
  n: 2 | 3,
  transcriptHash: Uint8Array,
  identity: EncodedIdentity,
  publicKey: Uint8Array,
  digests: readonly Uint8Array[],
): Uint8Array {
  return encodeCbor([
    PROTOCOL_LABEL,
    HANDSHAKE_VERSION,
    HANDSHAKE_SUITE,
    n,
    transcriptHash,
    identity,
    publicKey,
    digests,
  ])
}

/**
 * SIGNATURE_STRUCTURE_n = ["marque-handshake", version, suite, n, TH_n, ID, MAC_n]: what the
 * DID authentication key signs. `n` (2 for the responder, 3 for the initiator) stops a
 * signature from one role being reflected as the other's.
 */
export function signatureStructure(
  n: 2 | 3,
  transcriptHash: Uint8Array,
  identity: EncodedIdentity,
  mac: Uint8Array,
): Uint8Array {
  return encodeCbor([PROTOCOL_LABEL, HANDSHAKE_VERSION, HANDSHAKE_SUITE, n, transcriptHash, identity, mac])
}
