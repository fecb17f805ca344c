import { constantTimeEqual, encodeMultikey, type Signer } from '@marque/crypto'
import { base58btc } from 'multiformats/bases/base58'
import { arrayOf, byteStringOf, malformed, textStringOf } from './cbor.js'
import { KEY_HINT_LENGTH, MAX_DID_LENGTH, MAX_FRAGMENT_LENGTH } from './constants.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'

/**
 * Who a party claims to be: its DID and the DID URL of the authentication key it signs with.
 * For a did:key the public key is the DID itself.
 */
export interface ClaimedIdentity {
  readonly did: string
  /** The DID URL of the signing key, `did#fragment`. */
  readonly keyId: string
}

/**
 * A peer's identity as its message names it (docs/handshake.md §3.2): the DID, and the key
 * either by its DID URL or by a key hint, which resolution turns into the DID URL.
 */
export type NamedIdentity =
  | { readonly did: string; readonly keyId: string; readonly keyHint?: undefined }
  | {
      readonly did: string
      readonly keyId?: undefined
      /**
       * The first 8 bytes of an Ed25519 key listed under `authentication` whose fragment is
       * its own multikey (the did:key and did:marque convention).
       */
      readonly keyHint: Uint8Array
    }

/**
 * The CBOR value of ID (docs/handshake.md §3.2): a 32-byte key for a did:key, else
 * `[DID, KEY]` with the DID as text (or, for a did:marque on the default network, the 22
 * bytes its id encodes) and the key as an 8-byte key hint (the first bytes of the Ed25519 key)
 * when the fragment is that key's multikey (as in did:marque), else the fragment as text.
 */
export type EncodedIdentity = Uint8Array | [string | Uint8Array, string | Uint8Array]

const DID_KEY_PREFIX = 'did:key:'
const DID_MARQUE_PREFIX = 'did:marque:'
const MARQUE_ID_LENGTH = 22
// did-core §3.1 DID syntax: did:method:method-specific-id, idchar = ALPHA / DIGIT / "." /
// "-" / "_" / pct-encoded, segments separated by ":" and the last one non-empty.
const DID_SYNTAX =
  /^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/
// RFC 3986 §3.5 fragment characters (pchar / "/" / "?"), without "#".
const FRAGMENT_SYNTAX = /^(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})+$/

/** True when `did` is a syntactically valid DID of at most 256 characters. */
export function isDid(did: unknown): did is string {
  return typeof did === 'string' && did.length <= MAX_DID_LENGTH && DID_SYNTAX.test(did)
}

/**
 * The 32 bytes an Ed25519 multikey (`z6Mk…`) carries, or undefined when it is not one. Whether
 * they are a valid curve point is left to signature verification, which refuses bad keys.
 */
export function ed25519Multikey(multikey: string): Uint8Array | undefined {
  if (!multikey.startsWith('z6Mk') || multikey.length > 60) return undefined
  try {
    const bytes = base58btc.decode(multikey)
    return bytes.length === 34 && bytes[0] === 0xed && bytes[1] === 0x01 ? bytes.subarray(2) : undefined
  } catch {
    return undefined
  }
}

/** The Ed25519 key a did:key names, or undefined when `did` is not an Ed25519 did:key. */
function didKeyPublicKey(did: string): Uint8Array | undefined {
  return did.startsWith(DID_KEY_PREFIX) ? ed25519Multikey(did.slice(DID_KEY_PREFIX.length)) : undefined
}

/** The 22 bytes of a did:marque on the default network, in its canonical spelling, or undefined. */
function marqueIdBytes(did: string): Uint8Array | undefined {
  if (!did.startsWith(DID_MARQUE_PREFIX)) return undefined
  const id = did.slice(DID_MARQUE_PREFIX.length)
  if (id.includes(':')) return undefined
  try {
    const bytes = base58btc.baseDecode(id)
    return bytes.length === MARQUE_ID_LENGTH && base58btc.baseEncode(bytes) === id ? bytes : undefined
  } catch {
    return undefined
  }
}

/**
 * The multikey of a 32-byte Ed25519 key (`z` + base58btc of 0xed01 ‖ key), without checking
 * that the key is a curve point: decoding it is costly, and a bad key fails the signature
 * check anyway (`ed25519Verify` refuses non-canonical and small-order keys).
 */
function ed25519MultikeyOf(key: Uint8Array): string {
  const prefixed = new Uint8Array(34)
  prefixed[0] = 0xed
  prefixed[1] = 0x01
  prefixed.set(key, 2)
  return base58btc.encode(prefixed)
}

/** Encodes a claimed identity in its one, most compact form. */
export function encodeIdentity(identity: ClaimedIdentity): EncodedIdentity {
  const fragment = identity.keyId.slice(identity.did.length + 1)
  const fragmentKey = ed25519Multikey(fragment)
  const didKey = didKeyPublicKey(identity.did)
  if (didKey !== undefined && fragment === identity.did.slice(DID_KEY_PREFIX.length)) return didKey
  return [marqueIdBytes(identity.did) ?? identity.did, fragmentKey?.slice(0, KEY_HINT_LENGTH) ?? fragment]
}

/** True when `key` begins with the bytes of `hint`. */
export function matchesKeyHint(key: Uint8Array, hint: Uint8Array): boolean {
  if (key.length < hint.length) return false
  for (let i = 0; i < hint.length; i++) if (key[i] !== hint[i]) return false
  return true
}

/**
 * Decodes ID from a plaintext. Refuses any form but the most compact that applies, so that
 * every identity has exactly one encoding.
 * @throws HandshakeError `HANDSHAKE_MALFORMED`.
 */
export function decodeIdentity(value: unknown): NamedIdentity {
  if (value instanceof Uint8Array) {
    const multikey = ed25519MultikeyOf(byteStringOf(value, 32, 'the identity'))
    return { did: `${DID_KEY_PREFIX}${multikey}`, keyId: `${DID_KEY_PREFIX}${multikey}#${multikey}` }
  }
  const [didValue, keyValue] = arrayOf(value, 2, 2, 'the identity') as [unknown, unknown]
  const did =
    didValue instanceof Uint8Array
      ? `${DID_MARQUE_PREFIX}${base58btc.baseEncode(byteStringOf(didValue, MARQUE_ID_LENGTH, 'the identity’s did:marque id'))}`
      : textStringOf(didValue, MAX_DID_LENGTH, 'the identity’s DID')
  if (!isDid(did)) throw malformed('the identity', 'the DID does not follow the DID syntax')
  if (typeof didValue === 'string' && marqueIdBytes(did) !== undefined) {
    throw malformed('the identity', 'a did:marque on the default network must travel as its 22 id bytes')
  }
  if (keyValue instanceof Uint8Array) {
    const keyHint = byteStringOf(keyValue, KEY_HINT_LENGTH, 'the identity’s key hint')
    const didKey = didKeyPublicKey(did)
    if (didKey !== undefined && matchesKeyHint(didKey, keyHint)) {
      throw malformed('the identity', 'a did:key signing with its own key must travel as its 32-byte key')
    }
    return { did, keyHint }
  }
  const fragment = textStringOf(keyValue, MAX_FRAGMENT_LENGTH, 'the identity’s key fragment')
  if (!FRAGMENT_SYNTAX.test(fragment)) throw malformed('the identity', 'the key fragment is not valid')
  if (ed25519Multikey(fragment) !== undefined) {
    throw malformed('the identity', 'an Ed25519 multikey fragment must travel as its 8-byte key hint')
  }
  return { did, keyId: `${did}#${fragment}` }
}

/**
 * Checks our own identity: the DID's syntax, and the signer's key id, which must be a DID URL
 * of that DID (`did#fragment`), or for a did:key may be the bare multikey of the DID's key.
 * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT`.
 */
export function ownIdentity(did: unknown, signer: Signer): ClaimedIdentity {
  if (!isDid(did)) {
    throw new HandshakeError(HandshakeErrorCode.InvalidArgument, 'identity.did must be a valid DID', {
      details: typeof did === 'string' ? `got ${JSON.stringify(did.slice(0, 80))}` : `got a ${typeof did}`,
    })
  }
  if (typeof signer !== 'function' || !(signer.publicKey instanceof Uint8Array)) {
    throw new HandshakeError(HandshakeErrorCode.InvalidArgument, 'identity.signer must be a Signer', {
      hint: 'make one with createSigner or defineSigner from @marque/crypto',
    })
  }
  const didKey = didKeyPublicKey(did)
  if (didKey !== undefined) {
    if (!constantTimeEqual(didKey, signer.publicKey)) {
      throw new HandshakeError(
        HandshakeErrorCode.InvalidArgument,
        'the signer’s key is not the did:key’s key',
        {
          details: `did ${did}`,
        },
      )
    }
    const multikey = encodeMultikey(signer.publicKey, 'Ed25519')
    return { did, keyId: `${did}#${multikey}` }
  }
  const keyId = signer.keyId
  const fragment = keyId.startsWith(`${did}#`) ? keyId.slice(did.length + 1) : ''
  if (fragment.length === 0 || fragment.length > MAX_FRAGMENT_LENGTH || !FRAGMENT_SYNTAX.test(fragment)) {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      'the signer’s keyId must be a DID URL of identity.did',
      {
        details: `keyId ${JSON.stringify(keyId.slice(0, 120))}, did ${did}`,
        hint: 'give the signer its DID URL (did#fragment) with withKeyId from @marque/crypto',
      },
    )
  }
  return { did, keyId }
}
