// @marque/crypto: the one cipher suite (Ed25519, X25519, SHA-256, HKDF, ChaCha20-Poly1305),
// signers, and the key encodings DID documents use. Explicit exports: the list is tested.
export { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, aeadOpen, aeadSeal } from './aead.js'
export type { BackendName, CryptoBackend, SelectBackendParameters } from './backend.js'
export { availableBackends, getBackend, selectBackend, useBackend } from './backend.js'
export type { CreateWebCryptoBackendParameters } from './backends/webcrypto.js'
export { createWebCryptoBackend } from './backends/webcrypto.js'
export { bytesOf, concatBytes, constantTimeEqual, fromHex, toHex, utf8 } from './bytes.js'
export {
  assertEd25519Encoding,
  assertEd25519PublicKey,
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SEED_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  generateEd25519Seed,
} from './ed25519.js'
export type { MarqueErrorOptions } from './errors.js'
export { CryptoError, CryptoErrorCode, MarqueError } from './errors.js'
export { HKDF_MAX_LENGTH, hkdfSha256, hmacSha256, sha256 } from './hash.js'
export type { ImportedJwk, OkpJwk } from './jwk.js'
export {
  base64urlDecode,
  base64urlEncode,
  importJwk,
  jwkThumbprint,
  privateKeyToJwk,
  publicKeyToJwk,
} from './jwk.js'
export type { DecodedMultikey, KeyType } from './multikey.js'
export { decodeMultikey, encodeMultikey, MULTICODEC, toDidKey } from './multikey.js'
export { MAX_RANDOM_BYTES, randomBytes } from './random.js'
export type {
  CreateSignerParameters,
  DefineSignerParameters,
  GenerateSignerParameters,
  SignatureAlgorithm,
  Signer,
} from './signer.js'
export { createSigner, defineSigner, exportSecretKey, generateSigner, withKeyId } from './signer.js'
export type { X25519KeyPair } from './x25519.js'
export {
  assertX25519PublicKey,
  generateX25519KeyPair,
  X25519_KEY_LENGTH,
  x25519PublicKey,
  x25519SharedSecret,
} from './x25519.js'
