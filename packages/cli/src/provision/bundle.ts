import { constantTimeEqual, MarqueError, sha256 } from '@marque/crypto'
import { decode, encode, rfc8949EncodeOptions } from 'cborg'

/**
 * The provisioning bundle: everything a device needs at first boot, in one compact file
 * firmware can parse with any CBOR library (docs/provisioning.md):
 *
 *   [ "marque/bundle", 1, body: bstr .cbor Bundle, digest: bstr .size 16 ]
 *
 * `Bundle` is a deterministic CBOR map with small integer keys, carried as a byte string
 * so a reader hashes exactly the bytes it parses; `digest` is the first 16 bytes of SHA-256
 * over those bytes, so a corrupted flash page is detected.
 */
export const BUNDLE_MAGIC = 'marque/bundle'
export const BUNDLE_VERSION = 1
/** The largest bundle accepted, in bytes: a bound checked before any parsing. */
export const MAX_BUNDLE_BYTES = 64 * 1024
const MAX_CREDENTIALS = 16
const MAX_ANCHORS = 32
const MAX_TEXT = 16 * 1024

/** A key held in the bundle, or a reference to one held by a secure element or HSM. */
export type BundleKey =
  | {
      /** The secret key itself, 32 bytes: an Ed25519 seed (RFC 8032) or an X25519 scalar (RFC 7748). */
      secretKey: Uint8Array
    }
  | {
      /** Where a secure element or HSM holds the key, e.g. `se050:slot/3` or `pkcs11:…`. */
      reference: string
    }

/** A DID the device trusts, with its public key pinned or to be resolved. */
export interface TrustAnchor {
  /** The DID trusted (a manufacturer, an operator). */
  did: string
  /** Its Ed25519 public key, pinned, when the device must not resolve it. */
  publicKey?: Uint8Array
}

/** A provisioning bundle's content: what {@link encodeBundle} takes and {@link decodeBundle} returns. */
export interface ProvisioningBundle {
  /** The device's DID. */
  did: string
  /** The device's Ed25519 signing (authentication) key. */
  signingKey: BundleKey
  /** The device's X25519 key-agreement key, when it has one. */
  agreementKey?: BundleKey
  /** Credentials issued to the device (compact JWS strings). */
  credentials: string[]
  /** Whom the device trusts. */
  trustAnchors: TrustAnchor[]
  /** Where the device connects first, e.g. `tcp://gw.example:7400` or `wss://…`. */
  gateway?: string
  /** The network of the device's DID ledger. */
  network?: string
}

/** Every code {@link encodeBundle} and {@link decodeBundle} throw (docs/provisioning.md). */
export const BundleErrorCode = {
  /**
   * Not CBOR, not deterministic CBOR (RFC 8949 §4.2.1), not a bundle, an unknown field, or a
   * field of the wrong type or length; when encoding, a text or list field out of range.
   */
  Malformed: 'BUNDLE_MALFORMED',
  /** The file is over {@link MAX_BUNDLE_BYTES} (checked before parsing), or an encoded bundle would be. */
  TooLarge: 'BUNDLE_TOO_LARGE',
  /** The bundle's version is not 1, the only one this reader knows. */
  UnsupportedVersion: 'BUNDLE_UNSUPPORTED_VERSION',
  /** The digest does not match the body: the file was damaged. */
  Corrupted: 'BUNDLE_CORRUPTED',
} as const
export type BundleErrorCode = (typeof BundleErrorCode)[keyof typeof BundleErrorCode]

/** Thrown by {@link encodeBundle} and {@link decodeBundle}; `code` is one of {@link BundleErrorCode}. */
export class BundleError extends MarqueError {
  /** Always `'BundleError'`. */
  override name = 'BundleError'
  declare readonly code: BundleErrorCode
  /**
   * An error with a stable `code` and a short `message`; its hint is always to write the
   * bundle again with `marque provision`.
   * @param code One of {@link BundleErrorCode}.
   * @param message What went wrong; never key material.
   * @param options The cause and details.
   */
  constructor(
    code: BundleErrorCode,
    message: string,
    options?: {
      /** The underlying error, if any (a CBOR decoding error). */
      cause?: unknown
      /** More context on what was wrong (never key material). */
      details?: string
    },
  ) {
    super(code, message, { ...options, hint: 'write the bundle again with `marque provision`' })
  }
}

// Map keys (docs/provisioning.md, "Layout").
const K = {
  did: 1,
  signingKey: 2,
  agreementKey: 3,
  credentials: 4,
  trustAnchors: 5,
  gateway: 6,
  network: 7,
} as const
const KEY = { secret: 1, reference: 2 } as const
const ANCHOR = { did: 1, publicKey: 2 } as const

function keyToCbor(key: BundleKey, name: string): Map<number, unknown> {
  if ('secretKey' in key) return new Map<number, unknown>([[KEY.secret, bytes32(key.secretKey, name)]])
  return new Map<number, unknown>([[KEY.reference, text(key.reference, name)]])
}

/**
 * Encodes a bundle. The output holds secret keys unless they are references: write it only
 * to a file readable by its owner.
 * @throws BundleError `BUNDLE_MALFORMED` for fields out of range.
 */
export function encodeBundle(bundle: ProvisioningBundle): Uint8Array {
  const map = new Map<number, unknown>([
    [K.did, text(bundle.did, 'did')],
    [K.signingKey, keyToCbor(bundle.signingKey, 'signingKey')],
    [
      K.credentials,
      list(bundle.credentials, MAX_CREDENTIALS, 'credentials').map((c, i) => text(c, `credentials[${i}]`)),
    ],
    [
      K.trustAnchors,
      list<TrustAnchor>(bundle.trustAnchors, MAX_ANCHORS, 'trustAnchors').map((a, i) => {
        const m = new Map<number, unknown>([[ANCHOR.did, text(a.did, `trustAnchors[${i}].did`)]])
        if (a.publicKey !== undefined)
          m.set(ANCHOR.publicKey, bytes32(a.publicKey, `trustAnchors[${i}].publicKey`))
        return m
      }),
    ],
  ])
  if (bundle.agreementKey !== undefined)
    map.set(K.agreementKey, keyToCbor(bundle.agreementKey, 'agreementKey'))
  if (bundle.gateway !== undefined) map.set(K.gateway, text(bundle.gateway, 'gateway'))
  if (bundle.network !== undefined) map.set(K.network, text(bundle.network, 'network'))
  const body = encode(map, rfc8949EncodeOptions)
  const file = encode([BUNDLE_MAGIC, BUNDLE_VERSION, body, sha256(body).slice(0, 16)], rfc8949EncodeOptions)
  if (file.length > MAX_BUNDLE_BYTES) {
    throw new BundleError(
      BundleErrorCode.TooLarge,
      `the bundle would be ${file.length} bytes, over ${MAX_BUNDLE_BYTES}`,
    )
  }
  return file
}

const DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  useMaps: true,
}

/**
 * Decodes deterministic CBOR (RFC 8949 §4.2.1), refusing anything that does not re-encode
 * to the same bytes: indefinite lengths, non-shortest forms, unsorted or duplicate keys.
 */
function strictDecode(bytes: Uint8Array, what: string): unknown {
  let value: unknown
  try {
    value = decode(bytes, DECODE_OPTIONS)
  } catch (cause) {
    throw new BundleError(BundleErrorCode.Malformed, `the ${what} is not valid CBOR`, { cause })
  }
  let again: Uint8Array | undefined
  try {
    again = encode(value, rfc8949EncodeOptions)
  } catch {
    again = undefined
  }
  if (again === undefined || !sameBytes(again, bytes)) {
    throw new BundleError(BundleErrorCode.Malformed, `the ${what} is not deterministically encoded CBOR`)
  }
  return value
}

/**
 * Decodes and checks a bundle: size bound first, then structure, version, digest and
 * every field's type and length.
 * @throws BundleError `BUNDLE_TOO_LARGE`, `BUNDLE_MALFORMED`, `BUNDLE_UNSUPPORTED_VERSION`,
 *   `BUNDLE_CORRUPTED` (digest mismatch). Messages never quote key material.
 */
export function decodeBundle(file: Uint8Array): ProvisioningBundle {
  if (!(file instanceof Uint8Array))
    throw new BundleError(BundleErrorCode.Malformed, 'a bundle must be bytes')
  if (file.length > MAX_BUNDLE_BYTES) {
    throw new BundleError(
      BundleErrorCode.TooLarge,
      `the bundle is ${file.length} bytes, over ${MAX_BUNDLE_BYTES}`,
    )
  }
  const arr = strictDecode(file, 'bundle')
  if (!Array.isArray(arr) || arr.length !== 4 || arr[0] !== BUNDLE_MAGIC) {
    throw new BundleError(BundleErrorCode.Malformed, 'this is not a Marque provisioning bundle')
  }
  if (arr[1] !== BUNDLE_VERSION) {
    throw new BundleError(
      BundleErrorCode.UnsupportedVersion,
      `bundle version ${String(arr[1])} is not supported`,
      {
        details: `this reader supports version ${BUNDLE_VERSION}`,
      },
    )
  }
  const body = arr[2]
  const digest = arr[3]
  if (!(body instanceof Uint8Array) || !(digest instanceof Uint8Array) || digest.length !== 16) {
    throw new BundleError(BundleErrorCode.Malformed, 'the bundle layout is wrong')
  }
  if (!constantTimeEqual(sha256(body).slice(0, 16), digest)) {
    throw new BundleError(
      BundleErrorCode.Corrupted,
      'the bundle digest does not match: the file is corrupted',
    )
  }
  const map = strictDecode(body, 'bundle body')
  if (!(map instanceof Map)) throw new BundleError(BundleErrorCode.Malformed, 'the bundle body must be a map')
  for (const key of map.keys()) {
    if (!Object.values(K).includes(key as never)) {
      throw new BundleError(BundleErrorCode.Malformed, `the bundle has an unknown field ${String(key)}`)
    }
  }
  const bundle: ProvisioningBundle = {
    did: readText(map.get(K.did), 'did'),
    signingKey: readKey(map.get(K.signingKey), 'signingKey'),
    credentials: readList(map.get(K.credentials), MAX_CREDENTIALS, 'credentials').map((c, i) =>
      readText(c, `credentials[${i}]`),
    ),
    trustAnchors: readList(map.get(K.trustAnchors), MAX_ANCHORS, 'trustAnchors').map((a, i) =>
      readAnchor(a, i),
    ),
  }
  if (map.has(K.agreementKey)) bundle.agreementKey = readKey(map.get(K.agreementKey), 'agreementKey')
  if (map.has(K.gateway)) bundle.gateway = readText(map.get(K.gateway), 'gateway')
  if (map.has(K.network)) bundle.network = readText(map.get(K.network), 'network')
  return bundle
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function malformed(field: string, expected: string): BundleError {
  return new BundleError(BundleErrorCode.Malformed, `bundle field ${field} must be ${expected}`)
}

/** 32 bytes, or `BUNDLE_MALFORMED` naming the field (never its content: it may be a secret). */
function bytes32(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== 32) throw malformed(field, '32 bytes')
  return value
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) {
    throw malformed(field, `a non-empty string of at most ${MAX_TEXT} characters`)
  }
  return value
}
const readText = text

function list<T>(value: readonly T[] | unknown, max: number, field: string): T[] {
  if (!Array.isArray(value) || value.length > max) throw malformed(field, `a list of at most ${max} items`)
  return value as T[]
}
const readList = list

function readKey(value: unknown, field: string): BundleKey {
  if (!(value instanceof Map) || value.size !== 1) throw malformed(field, 'a map with one key entry')
  if (value.has(KEY.secret)) {
    return { secretKey: bytes32(value.get(KEY.secret), `${field}.secret`).slice() }
  }
  if (value.has(KEY.reference)) return { reference: text(value.get(KEY.reference), `${field}.reference`) }
  throw malformed(field, 'a secret (1) or a reference (2)')
}

function readAnchor(value: unknown, i: number): TrustAnchor {
  const field = `trustAnchors[${i}]`
  if (
    !(value instanceof Map) ||
    !value.has(ANCHOR.did) ||
    [...value.keys()].some((k) => k !== ANCHOR.did && k !== ANCHOR.publicKey)
  ) {
    throw malformed(field, 'a map of did (1) and an optional publicKey (2)')
  }
  const anchor: TrustAnchor = { did: text(value.get(ANCHOR.did), `${field}.did`) }
  if (value.has(ANCHOR.publicKey)) {
    anchor.publicKey = bytes32(value.get(ANCHOR.publicKey), `${field}.publicKey`).slice()
  }
  return anchor
}
