// The public API, as a reviewer sees it: the sorted list of exported names (a change here
// is an API change) and the text of a few errors (messages are part of the contract).
import { describe, expect, it } from 'vitest'
import * as api from '../src/index.js'
import { asyncCodeOf } from './helpers.js'

/** The parts of an error a caller sees. */
function shown(fn: () => unknown): object {
  try {
    fn()
  } catch (error) {
    const e = error as api.CryptoError
    return { name: e.name, code: e.code, message: e.message, details: e.details, hint: e.hint }
  }
  throw new Error('expected an error')
}

describe('@marque/crypto public API', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "AEAD_KEY_LENGTH",
        "AEAD_NONCE_LENGTH",
        "AEAD_TAG_LENGTH",
        "CryptoError",
        "CryptoErrorCode",
        "ED25519_PUBLIC_KEY_LENGTH",
        "ED25519_SEED_LENGTH",
        "ED25519_SIGNATURE_LENGTH",
        "HKDF_MAX_LENGTH",
        "MAX_RANDOM_BYTES",
        "MULTICODEC",
        "MarqueError",
        "X25519_KEY_LENGTH",
        "aeadOpen",
        "aeadSeal",
        "assertEd25519Encoding",
        "assertEd25519PublicKey",
        "assertX25519PublicKey",
        "availableBackends",
        "base64urlDecode",
        "base64urlEncode",
        "bytesOf",
        "concatBytes",
        "constantTimeEqual",
        "createSigner",
        "createWebCryptoBackend",
        "decodeMultikey",
        "defineSigner",
        "ed25519PublicKey",
        "ed25519Sign",
        "ed25519Verify",
        "encodeMultikey",
        "exportSecretKey",
        "fromHex",
        "generateEd25519Seed",
        "generateSigner",
        "generateX25519KeyPair",
        "getBackend",
        "hkdfSha256",
        "hmacSha256",
        "importJwk",
        "jwkThumbprint",
        "privateKeyToJwk",
        "publicKeyToJwk",
        "randomBytes",
        "selectBackend",
        "sha256",
        "toDidKey",
        "toHex",
        "useBackend",
        "utf8",
        "withKeyId",
        "x25519PublicKey",
        "x25519SharedSecret",
      ]
    `)
  })

  it('has exactly these error codes', () => {
    expect(Object.values(api.CryptoErrorCode).sort()).toMatchInlineSnapshot(`
      [
        "CRYPTO_BACKEND_UNAVAILABLE",
        "CRYPTO_DECRYPT_FAILED",
        "CRYPTO_INVALID_ENCODING",
        "CRYPTO_INVALID_JWK",
        "CRYPTO_INVALID_KEY",
        "CRYPTO_INVALID_LENGTH",
        "CRYPTO_INVALID_MULTIBASE",
        "CRYPTO_INVALID_MULTICODEC",
        "CRYPTO_INVALID_TYPE",
        "CRYPTO_NOT_EXPORTABLE",
        "CRYPTO_RANDOM_UNAVAILABLE",
        "CRYPTO_WEAK_SHARED_SECRET",
      ]
    `)
  })

  it('error text', async () => {
    expect(shown(() => api.fromHex('0x12'))).toMatchInlineSnapshot(`
      {
        "code": "CRYPTO_INVALID_ENCODING",
        "details": "at offset 1",
        "hint": undefined,
        "message": "hex contains a character that is not a hex digit",
        "name": "CryptoError",
      }
    `)
    expect(
      shown(() => api.aeadOpen(new Uint8Array(32), new Uint8Array(12), new Uint8Array(16))),
    ).toMatchInlineSnapshot(`
      {
        "code": "CRYPTO_DECRYPT_FAILED",
        "details": undefined,
        "hint": "the key, nonce or associated data differ from the sender’s, or the ciphertext was altered",
        "message": "decryption failed: the message is not authentic",
        "name": "CryptoError",
      }
    `)
    expect(shown(() => api.decodeMultikey('mAQID'))).toMatchInlineSnapshot(`
      {
        "code": "CRYPTO_INVALID_MULTIBASE",
        "details": "starts with "m"",
        "hint": undefined,
        "message": "a multikey must be base58btc multibase (start with "z")",
        "name": "CryptoError",
      }
    `)
    expect(shown(() => api.importJwk({ kty: 'OKP', crv: 'Ed25519', x: 'AA==' }))).toMatchInlineSnapshot(`
      {
        "code": "CRYPTO_INVALID_JWK",
        "details": "a character outside the base64url alphabet at offset 2",
        "hint": "an OKP JWK is {"kty":"OKP","crv":"Ed25519" or "X25519","x":<32 bytes, base64url>} (RFC 8037 §2)",
        "message": "the JWK member "x" must be base64url without padding",
        "name": "CryptoError",
      }
    `)
    expect(shown(() => api.assertEd25519PublicKey(new Uint8Array(32)))).toMatchInlineSnapshot(`
      {
        "code": "CRYPTO_INVALID_KEY",
        "details": undefined,
        "hint": undefined,
        "message": "publicKey is not a valid Ed25519 public key: it is a point of small order",
        "name": "CryptoError",
      }
    `)
    expect(shown(() => api.bytesOf('secret', 32, 'seed'))).toMatchInlineSnapshot(`
      {
        "code": "CRYPTO_INVALID_TYPE",
        "details": "got a string",
        "hint": undefined,
        "message": "seed must be a Uint8Array",
        "name": "CryptoError",
      }
    `)
    expect(shown(() => api.useBackend('webcrypto'))).toMatchInlineSnapshot(`
      {
        "code": "CRYPTO_BACKEND_UNAVAILABLE",
        "details": undefined,
        "hint": "call useBackend(await createWebCryptoBackend()), or await selectBackend()",
        "message": "the webcrypto crypto backend is not available here",
        "name": "CryptoError",
      }
    `)
    expect(await asyncCodeOf(() => api.x25519SharedSecret(new Uint8Array(32), new Uint8Array(32)))).toBe(
      'CRYPTO_INVALID_KEY',
    )
  })

  it('errors are MarqueErrors with a stable name', () => {
    const error = new api.CryptoError(api.CryptoErrorCode.InvalidKey, 'm', {
      details: 'd',
      hint: 'h',
      cause: 1,
    })
    expect(error).toBeInstanceOf(api.MarqueError)
    expect(error).toBeInstanceOf(Error)
    expect([error.name, error.code, error.details, error.hint, error.cause]).toEqual([
      'CryptoError',
      'CRYPTO_INVALID_KEY',
      'd',
      'h',
      1,
    ])
  })
})
