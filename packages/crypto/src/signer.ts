import { activeBackend } from './backend.js'
import { bytesOf, objectOf, stringOf } from './bytes.js'
import {
  assertEd25519PublicKey,
  ED25519_SEED_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  generateEd25519Seed,
} from './ed25519.js'
import { CryptoError, CryptoErrorCode } from './errors.js'
import { encodeMultikey } from './multikey.js'

/** The one signature algorithm of suite 1 (JOSE name `EdDSA`, RFC 8037 §3.1). */
export type SignatureAlgorithm = 'Ed25519'

/**
 * Something that signs bytes: an async function with its key id, algorithm and public key.
 * An in-memory key, a secure element, an HSM or a KMS all fit; the caller never sees the
 * private key. Compatible in shape with did-jwt's `Signer` over bytes.
 */
export type Signer = ((data: Uint8Array) => Promise<Uint8Array>) & {
  /** Names the key: a DID URL once the key is in a DID document, its multikey before. */
  readonly keyId: string
  /** Always `Ed25519`, the one signature algorithm of suite 1. */
  readonly algorithm: SignatureAlgorithm
  /** The 32-byte Ed25519 public key (do not modify it). */
  readonly publicKey: Uint8Array
}

/** The parameters of {@link defineSigner}. */
export interface DefineSignerParameters {
  /** Signs bytes and returns a 64-byte Ed25519 signature. */
  sign: (data: Uint8Array) => Promise<Uint8Array>
  /**
   * The 32-byte Ed25519 public key of the key `sign` uses. It is checked and copied; that it
   * matches `sign` is not checked.
   */
  publicKey: Uint8Array
  /** Defaults to the public key's multikey (`z6Mk…`). */
  keyId?: string
}

const secrets = new WeakMap<Signer, Uint8Array>()

function keyIdOf(value: unknown): string {
  const keyId = stringOf(value, 'keyId')
  if (keyId.length === 0) throw new CryptoError(CryptoErrorCode.InvalidLength, 'keyId must not be empty')
  return keyId
}

/**
 * Wraps an external signing function (a secure element, HSM or KMS) as a {@link Signer}.
 * The signer checks its input is bytes and that `sign` returned 64 bytes; its string, JSON
 * and inspected forms show the key id and public key only.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when `sign` is not a function or `keyId` not a
 *   string; `CRYPTO_INVALID_LENGTH` for an empty `keyId`; `CRYPTO_INVALID_KEY` /
 *   `CRYPTO_INVALID_LENGTH` for a bad public key. The signer rejects with
 *   `CRYPTO_INVALID_TYPE` for data that is not bytes and `CRYPTO_INVALID_LENGTH` when `sign`
 *   returns anything but 64 bytes.
 */
export function defineSigner(parameters: DefineSignerParameters): Signer {
  objectOf(parameters, 'parameters')
  const sign = parameters.sign
  if (typeof sign !== 'function') {
    throw new CryptoError(CryptoErrorCode.InvalidType, 'sign must be a function')
  }
  const publicKey = assertEd25519PublicKey(parameters.publicKey).slice()
  const multikey = encodeMultikey(publicKey, 'Ed25519')
  const keyId = parameters.keyId === undefined ? multikey : keyIdOf(parameters.keyId)
  const signer = async (data: Uint8Array): Promise<Uint8Array> =>
    bytesOf(await sign(bytesOf(data, undefined, 'data')), ED25519_SIGNATURE_LENGTH, 'signature')
  const describe = `Signer(Ed25519, ${keyId})`
  return Object.freeze(
    Object.assign(signer, {
      keyId,
      algorithm: 'Ed25519' as const,
      publicKey,
      toString: () => describe,
      toJSON: () => ({ keyId, algorithm: 'Ed25519', publicKeyMultibase: multikey }),
      [Symbol.for('nodejs.util.inspect.custom')]: () => describe,
    }),
  )
}

/** The parameters of {@link createSigner}. */
export interface CreateSignerParameters {
  /** The 32-byte Ed25519 seed; it is copied and kept out of reach. */
  secretKey: Uint8Array
  /** Names the key; must not be empty. Defaults to the public key's multikey (`z6Mk…`). */
  keyId?: string
}

/**
 * An in-memory Ed25519 signer, on the backend in use when it is made. The seed stays
 * inside; only {@link exportSecretKey} gives it back. The signer's string form and JSON
 * show only public parts.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH` for a bad seed or key id.
 */
export async function createSigner(parameters: CreateSignerParameters): Promise<Signer> {
  objectOf(parameters, 'parameters')
  const seed = bytesOf(parameters.secretKey, ED25519_SEED_LENGTH, 'secretKey').slice()
  if (parameters.keyId !== undefined) keyIdOf(parameters.keyId)
  const backend = await activeBackend()
  const publicKey = await backend.ed25519PublicKey(seed)
  const signer = defineSigner({
    sign: backend.ed25519Signer(seed),
    publicKey,
    ...(parameters.keyId === undefined ? {} : { keyId: parameters.keyId }),
  })
  secrets.set(signer, seed)
  return signer
}

/** The parameters of {@link generateSigner}. */
export interface GenerateSignerParameters {
  /** Names the key; must not be empty. Defaults to the public key's multikey (`z6Mk…`). */
  keyId?: string
}

/** A new in-memory signer with a fresh random key. */
export function generateSigner(parameters: GenerateSignerParameters = {}): Promise<Signer> {
  objectOf(parameters, 'parameters')
  return createSigner({ ...parameters, secretKey: generateEd25519Seed() })
}

/**
 * The same key under another key id (for example its DID URL once registered).
 * An in-memory signer stays exportable.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` when `signer` is not a signer or `keyId` not a
 *   string; `CRYPTO_INVALID_LENGTH` for an empty `keyId`.
 */
export function withKeyId(signer: Signer, keyId: string): Signer {
  if (typeof signer !== 'function' || !(signer.publicKey instanceof Uint8Array)) {
    throw new CryptoError(CryptoErrorCode.InvalidType, 'signer must be a Signer')
  }
  const next = defineSigner({
    sign: (data) => signer(data),
    publicKey: signer.publicKey,
    keyId: keyIdOf(keyId),
  })
  const secret = secrets.get(signer)
  if (secret !== undefined) secrets.set(next, secret)
  return next
}

/**
 * The seed of an in-memory signer: the one explicit way a private key leaves it.
 * @throws CryptoError `CRYPTO_NOT_EXPORTABLE` for signers backed by external hardware or
 *   services (made with {@link defineSigner}).
 */
export function exportSecretKey(signer: Signer): Uint8Array {
  const secret = typeof signer === 'function' ? secrets.get(signer) : undefined
  if (secret === undefined) {
    throw new CryptoError(CryptoErrorCode.NotExportable, 'this signer cannot export its secret key', {
      hint: 'only in-memory signers made by createSigner or generateSigner hold an exportable key',
    })
  }
  return secret.slice()
}
