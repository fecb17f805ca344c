import { MarqueError, type MarqueErrorOptions } from '@marque/crypto'

/**
 * Every code @marque/did uses. The client throws them in a {@link DidError}; the resolver
 * reports the `DID_OP_*` codes as data, as the reason each ignored operation was ignored
 * (docs/did-method.md, "Validation").
 */
export const DidErrorCode = {
  // --- Arguments and client outcomes (thrown) ---
  /** A DID or DID URL does not follow the did:marque syntax. */
  InvalidDid: 'DID_INVALID_DID',
  /** An argument is malformed (a key of the wrong length, a bad service, a bad domain). */
  InvalidParameter: 'DID_INVALID_PARAMETER',
  /** The DID has no valid genesis operation on this ledger. */
  NotFound: 'DID_NOT_FOUND',
  /** The DID is deactivated; nothing can follow a deactivation. */
  Deactivated: 'DID_DEACTIVATED',
  /** The signer given is not the key the operation must be signed with. */
  WrongKey: 'DID_WRONG_KEY',
  /** Another operation extended the DID first; ours was anchored but ignored. */
  Conflict: 'DID_CONFLICT',
  /** The ledger serves another network than the DID names. */
  NetworkMismatch: 'DID_NETWORK_MISMATCH',
  /** A batch holds more operations than one ledger append may carry, or none. */
  BatchTooLarge: 'DID_BATCH_TOO_LARGE',
  /** The resolver configuration is wrong (a ledger filed under another network). */
  InvalidConfiguration: 'DID_INVALID_CONFIGURATION',

  // --- Operation encoding (decodeOperation throws them; the resolver reports them) ---
  /** The operation is larger than MAX_OPERATION_SIZE. */
  OperationTooLarge: 'DID_OP_TOO_LARGE',
  /** The bytes are not well-formed CBOR, or use CBOR features the format excludes (tags, floats where integers belong). */
  Malformed: 'DID_OP_MALFORMED',
  /** An indefinite-length item (RFC 8949 §3.2.2): the format allows definite lengths only. */
  IndefiniteLength: 'DID_OP_INDEFINITE_LENGTH',
  /** The encoding is not the core deterministic encoding (RFC 8949 §4.2.1): a non-minimal integer or length, or unsorted map keys. */
  NonCanonical: 'DID_OP_NON_CANONICAL',
  /** A map key appears twice. */
  DuplicateKey: 'DID_OP_DUPLICATE_KEY',
  /** Bytes follow the operation. */
  TrailingBytes: 'DID_OP_TRAILING_BYTES',
  /** The version/suite byte is not one this implementation knows. */
  UnknownVersion: 'DID_OP_UNKNOWN_VERSION',
  /** The operation type is not create, update, transfer or deactivate. */
  UnknownType: 'DID_OP_UNKNOWN_TYPE',
  /** A map key that is not a field of this operation type. */
  UnknownField: 'DID_OP_UNKNOWN_FIELD',
  /** A field this operation type requires is absent. */
  MissingField: 'DID_OP_MISSING_FIELD',
  /** A field has the wrong CBOR type or length. */
  InvalidField: 'DID_OP_INVALID_FIELD',
  /** A public key is not a valid Ed25519 or X25519 key. */
  InvalidKey: 'DID_OP_INVALID_KEY',
  /** A service entry has an unknown type, a bad id or a bad endpoint. */
  InvalidService: 'DID_OP_INVALID_SERVICE',
  /** The same key or service id appears twice. */
  DuplicateEntry: 'DID_OP_DUPLICATE_ENTRY',
  /** More keys or services than the limits allow. */
  LimitExceeded: 'DID_OP_LIMIT_EXCEEDED',
  /** An update that changes nothing. */
  EmptyUpdate: 'DID_OP_EMPTY_UPDATE',

  // --- Chain validation (the resolver reports them for ignored operations) ---
  /** The operation is filed under another DID, or a genesis does not hash to the DID. */
  WrongDid: 'DID_OP_WRONG_DID',
  /** A non-genesis operation before any valid genesis. */
  NoGenesis: 'DID_OP_NO_GENESIS',
  /** The operation does not extend the current head (another operation followed the same one first). */
  Fork: 'DID_OP_FORK',
  /** The same operation again. */
  Replay: 'DID_OP_REPLAY',
  /** The operation comes after the DID was deactivated. */
  AfterDeactivation: 'DID_OP_AFTER_DEACTIVATION',
  /** The signature does not verify. */
  BadSignature: 'DID_OP_BAD_SIGNATURE',
  /** The signature verifies, but under a key that may not sign this operation (a rotated-out or device key). */
  UnauthorizedKey: 'DID_OP_UNAUTHORIZED_KEY',
  /** The revealed recovery key does not match the recovery commitment. */
  CommitmentMismatch: 'DID_OP_COMMITMENT_MISMATCH',
} as const
export type DidErrorCode = (typeof DidErrorCode)[keyof typeof DidErrorCode]

/**
 * Thrown by @marque/did; `code` is one of {@link DidErrorCode}.
 * @property details - More context, never secret material: for `DID_CONFLICT` the code and
 *   message the operation was ignored with, for `DID_NETWORK_MISMATCH` the ledger's network.
 *   `undefined` when there is nothing to add.
 * @property hint - How to fix it, when the fix is known (after `DID_CONFLICT`: read the DID
 *   again and retry); else `undefined`.
 */
export class DidError extends MarqueError {
  /** `DidError`, what stack traces and `String(error)` show. */
  override name = 'DidError'
  declare readonly code: DidErrorCode
  /**
   * An error with one of the {@link DidErrorCode} codes and a short message; `options` may
   * add `details`, a `hint` and a `cause`.
   */
  constructor(code: DidErrorCode, message: string, options?: MarqueErrorOptions) {
    super(code, message, options)
  }
}
