import { getBackend } from './backend.js'
import { bytesOf } from './bytes.js'
import { assertEd25519PublicKey, ED25519_SEED_LENGTH, generateEd25519Seed } from './ed25519.js'
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
  readonly algorithm: SignatureAlgorithm
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array
}

export interface DefineSignerParameters {
  /** Signs bytes and returns a 64-byte Ed25519 signature. */
  sign: (data: Uint8Array) => Promise<Uint8Array>
  publicKey: Uint8Array
  /** Defaults to the public key's multikey (`z6Mk…`). */
  keyId?: string
}

const secrets = new WeakMap<Signer, Uint8Array>()

/**
 * Wraps an external signing function (a secure element, HSM or KMS) as a {@link Signer}.
 * @throws CryptoError `CRYPTO_INVALID_KEY` / `CRYPTO_INVALID_LENGTH` for a bad public key.
 */
export function defineSigner(parameters: DefineSignerParameters): Signer {
  const publicKey = assertEd25519PublicKey(parameters.publicKey).slice()
  const keyId = parameters.keyId ?? encodeMultikey(publicKey, 'Ed25519')
  const sign = parameters.sign
  const signer = async (data: Uint8Array): Promise<Uint8Array> =>
    bytesOf(await sign(bytesOf(data, undefined, 'data')), 64, 'signature')
  return Object.freeze(Object.assign(signer, { keyId, algorithm: 'Ed25519' as const, publicKey }))
}

export interface CreateSignerParameters {
  /** The 32-byte Ed25519 seed; it is copied and kept out of reach. */
  secretKey: Uint8Array
  keyId?: string
}

/**
 * An in-memory Ed25519 signer. The seed stays inside; only {@link exportSecretKey} gives
 * it back. The signer's string form and JSON show only public parts.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` / `CRYPTO_INVALID_LENGTH` for a bad seed.
 */
export async function createSigner(parameters: CreateSignerParameters): Promise<Signer> {
  const seed = bytesOf(parameters.secretKey, ED25519_SEED_LENGTH, 'secretKey').slice()
  const backend = getBackend()
  const publicKey = await backend.ed25519PublicKey(seed)
  const sign = backend.ed25519Signer(seed)
  const signer = defineSigner({
    sign,
    publicKey,
    ...(parameters.keyId === undefined ? {} : { keyId: parameters.keyId }),
  })
  secrets.set(signer, seed)
  return signer
}

/** A new in-memory signer with a fresh random key. */
export function generateSigner(parameters: { keyId?: string } = {}): Promise<Signer> {
  return createSigner({ secretKey: generateEd25519Seed(), ...parameters })
}

/**
 * The same key under another key id (for example its DID URL once registered).
 * An in-memory signer stays exportable.
 */
export function withKeyId(signer: Signer, keyId: string): Signer {
  const next = defineSigner({ sign: (data) => signer(data), publicKey: signer.publicKey, keyId })
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
  const secret = secrets.get(signer)
  if (secret === undefined) {
    throw new CryptoError(CryptoErrorCode.NotExportable, 'this signer cannot export its secret key', {
      hint: 'only in-memory signers made by createSigner or generateSigner hold an exportable key',
    })
  }
  return secret.slice()
}
