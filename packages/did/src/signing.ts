import { concatBytes, ed25519Verify, type Signer, sha256, utf8 } from '@marque/crypto'
import { MAX_DOMAIN_LENGTH, OPERATION_VERSION, SIGNING_TAG } from './constants.js'
import { DidError, DidErrorCode } from './errors.js'
import { encodeUnsignedOperation, type UnsignedOperation } from './operation.js'

const TAG = /* @__PURE__ */ utf8(SIGNING_TAG)
const ARRAY_OF_TWO = /* @__PURE__ */ Uint8Array.of(0x82)
const BYTES_64 = /* @__PURE__ */ Uint8Array.of(0x58, 0x40)

/**
 * Checks a ledger domain (`Ledger.domain`): 1 to 255 printable ASCII characters.
 * @throws DidError `DID_INVALID_PARAMETER`.
 */
export function checkDomain(domain: unknown): string {
  if (
    typeof domain !== 'string' ||
    domain.length === 0 ||
    domain.length > MAX_DOMAIN_LENGTH ||
    !/^[\x21-\x7e]+$/.test(domain)
  ) {
    throw new DidError(
      DidErrorCode.InvalidParameter,
      `a ledger domain is 1 to ${MAX_DOMAIN_LENGTH} printable ASCII characters`,
      { details: `got ${JSON.stringify(String(domain)).slice(0, 40)}` },
    )
  }
  return domain
}

/**
 * What the signature of an operation covers (docs/did-method.md, "Signing input"):
 *
 *     "did:marque op" 0x00 version(1) length(domain)(1) domain unsigned-operation
 *
 * The tag keeps these signatures apart from every other use of the same key; the version
 * byte from another suite's; the domain (never stored in the operation) binds it to one
 * ledger, so an operation signed for one network is never valid on another.
 */
export function signingInput(unsignedBytes: Uint8Array, domain: string): Uint8Array {
  const d = utf8(checkDomain(domain))
  return concatBytes(TAG, Uint8Array.of(0, OPERATION_VERSION, d.length), d, unsignedBytes)
}

/** Parameters of {@link signOperation}. */
export interface SignOperationParameters {
  /** The operation to sign; it is checked as a resolver checks it before it is signed. */
  operation: UnsignedOperation
  /** The ledger's domain (`Ledger.domain`). */
  domain: string
  /** The key the operation must be signed with (see docs/did-method.md, "Who signs"). */
  signer: Signer
}

/** What {@link signOperation} returns. */
export interface SignOperationReturnType {
  /** The signed operation's bytes, ready to append. */
  bytes: Uint8Array
  /** SHA-256 of `bytes`. */
  digest: Uint8Array
  /** The signer's 64-byte Ed25519 signature over the {@link signingInput}. */
  signature: Uint8Array
}

/**
 * Encodes and signs an operation.
 * @throws DidError with a `DID_OP_*` code for an invalid operation, `DID_INVALID_PARAMETER`
 *   for a bad domain; whatever the signer throws.
 */
export async function signOperation(parameters: SignOperationParameters): Promise<SignOperationReturnType> {
  const { operation, domain, signer } = parameters
  const unsigned = encodeUnsignedOperation(operation)
  const signature = await signer(signingInput(unsigned, domain))
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    throw new DidError(DidErrorCode.InvalidParameter, 'the signer must return a 64-byte signature')
  }
  // The deterministic CBOR of [map, signature] is the array head, the map's own bytes, and
  // the byte-string head for 64 bytes (RFC 8949 §3.1): no need to encode the map twice.
  const bytes = concatBytes(ARRAY_OF_TWO, unsigned, BYTES_64, signature)
  return { bytes, digest: sha256(bytes), signature }
}

/** True when `signature` is `publicKey`'s signature over the operation for this domain. */
export function verifyOperationSignature(
  unsignedBytes: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
  domain: string,
): Promise<boolean> {
  return ed25519Verify(signature, signingInput(unsignedBytes, domain), publicKey)
}

/** The pre-rotation commitment to a recovery public key: its SHA-256. */
export function recoveryCommitment(publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new DidError(DidErrorCode.InvalidParameter, 'a recovery public key is 32 bytes')
  }
  return sha256(publicKey)
}
