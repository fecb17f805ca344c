import { MarqueError, type MarqueErrorOptions } from '@marque/crypto'

/**
 * Every code the credentials package throws. Verification is a linear checklist
 * (docs/credentials.md, "Verification"); each step fails with its own code, so a caller
 * branches on `code` and never parses a message.
 */
export const CredentialErrorCode = {
  /** A token is larger than the verifier accepts. */
  TooLarge: 'CREDENTIAL_TOO_LARGE',
  /** Not a JWS compact serialization, bad base64url, bad JSON, or a member of the wrong shape. */
  Malformed: 'CREDENTIAL_MALFORMED',
  /** The JOSE `alg` is not `EdDSA` (this includes `none`). */
  UnsupportedAlg: 'CREDENTIAL_UNSUPPORTED_ALG',
  /** The issuer's DID could not be resolved. */
  IssuerUnresolvable: 'CREDENTIAL_ISSUER_UNRESOLVABLE',
  /** The issuer's DID is deactivated. */
  IssuerDeactivated: 'CREDENTIAL_ISSUER_DEACTIVATED',
  /** The signer (`kid`), the signed `iss` and the credential's `issuer` do not name the same DID. */
  IssuerMismatch: 'CREDENTIAL_ISSUER_MISMATCH',
  /** The `kid` names no verification method of the issuer, now or at issuance time. */
  KidUnknown: 'CREDENTIAL_KID_UNKNOWN',
  /** The method named by `kid` is not referenced from the issuer's `assertionMethod`. */
  KeyNotAssertionMethod: 'CREDENTIAL_KEY_NOT_ASSERTION_METHOD',
  /** The method named by `kid` is not an Ed25519 key. */
  KeyUnsupported: 'CREDENTIAL_KEY_UNSUPPORTED',
  /** The Ed25519 signature does not verify over the exact `header.payload` bytes. */
  SignatureInvalid: 'CREDENTIAL_SIGNATURE_INVALID',
  /** The validity window ended (beyond the allowed clock skew). */
  Expired: 'CREDENTIAL_EXPIRED',
  /** The validity window has not started yet (beyond the allowed clock skew). */
  NotYetValid: 'CREDENTIAL_NOT_YET_VALID',
  /** The credential is about another subject than the one expected. */
  SubjectMismatch: 'CREDENTIAL_SUBJECT_MISMATCH',
  /** The credential's type or claims break the JSON Schema of its type. */
  SchemaInvalid: 'CREDENTIAL_SCHEMA_INVALID',
  /** The status list could not be fetched. Fails closed: the credential is not valid. */
  StatusUnavailable: 'CREDENTIAL_STATUS_UNAVAILABLE',
  /** The status list does not verify, is from another issuer, has another purpose or is too short. */
  StatusInvalid: 'CREDENTIAL_STATUS_INVALID',
  /** The issuer revoked the credential. */
  Revoked: 'CREDENTIAL_REVOKED',
  /** The issuer suspended the credential. */
  Suspended: 'CREDENTIAL_SUSPENDED',
  /** A DeviceOwnershipCredential does not match who controls the device's DID on the ledger. */
  OwnershipMismatch: 'CREDENTIAL_OWNERSHIP_MISMATCH',
  /** The trust policy does not trust this issuer for this credential type. */
  UntrustedIssuer: 'CREDENTIAL_UNTRUSTED_ISSUER',
  /** The trust policy refuses the credential (type, model, firmware, age, status). */
  PolicyViolation: 'CREDENTIAL_POLICY_VIOLATION',
  /** A trust list does not verify, is not signed by its anchor, or has expired. */
  TrustListInvalid: 'TRUST_LIST_INVALID',
  /** A trust policy document is not valid. */
  PolicyInvalid: 'TRUST_POLICY_INVALID',
  /** An argument given to an issuing function is not valid (never for verified input). */
  InvalidArgument: 'CREDENTIAL_INVALID_ARGUMENT',
  /** A status list has no free index left. */
  StatusListFull: 'STATUS_LIST_FULL',
  /** A status list could not be published (written or uploaded). */
  StatusPublishFailed: 'STATUS_PUBLISH_FAILED',
  /** A presentation token is larger than the verifier accepts. */
  PresentationTooLarge: 'PRESENTATION_TOO_LARGE',
  /** A presentation is not a well-formed VP-JWT. */
  PresentationMalformed: 'PRESENTATION_MALFORMED',
  /** A presentation's `alg` is not `EdDSA`. */
  PresentationUnsupportedAlg: 'PRESENTATION_UNSUPPORTED_ALG',
  /** The holder's DID could not be resolved. */
  HolderUnresolvable: 'PRESENTATION_HOLDER_UNRESOLVABLE',
  /** The holder's DID is deactivated. */
  HolderDeactivated: 'PRESENTATION_HOLDER_DEACTIVATED',
  /** The presentation's `kid`, `iss` and `holder` do not name the same DID. */
  PresentationSignerMismatch: 'PRESENTATION_SIGNER_MISMATCH',
  /** The presentation's `kid` names no verification method of the holder. */
  PresentationKidUnknown: 'PRESENTATION_KID_UNKNOWN',
  /** The presentation's key is not referenced from the holder's `authentication`. */
  KeyNotAuthentication: 'PRESENTATION_KEY_NOT_AUTHENTICATION',
  /** The presentation's key is not an Ed25519 key. */
  PresentationKeyUnsupported: 'PRESENTATION_KEY_UNSUPPORTED',
  /** The presentation's signature does not verify. */
  PresentationSignatureInvalid: 'PRESENTATION_SIGNATURE_INVALID',
  /** The presentation has expired or was issued too long ago. */
  PresentationExpired: 'PRESENTATION_EXPIRED',
  /** The presentation is dated in the future (beyond the allowed clock skew). */
  PresentationNotYetValid: 'PRESENTATION_NOT_YET_VALID',
  /** The presentation's `nonce` is missing or is not the one the verifier issued. */
  NonceMismatch: 'PRESENTATION_NONCE_MISMATCH',
  /** The presentation's `aud` is missing or does not name this verifier. */
  AudienceMismatch: 'PRESENTATION_AUDIENCE_MISMATCH',
  /**
   * The presentation's holder is not the `expectedHolder` the verifier named, or a
   * credential in it is about someone other than its holder.
   */
  HolderMismatch: 'PRESENTATION_HOLDER_MISMATCH',
} as const
export type CredentialErrorCode = (typeof CredentialErrorCode)[keyof typeof CredentialErrorCode]

/** Options of a {@link CredentialError}: those of every Marque error, and a place in a presentation. */
export interface CredentialErrorOptions extends MarqueErrorOptions {
  /** For a credential inside a presentation: its position (0-based). */
  credentialIndex?: number
}

/**
 * Thrown by the credentials package; `code` is one of {@link CredentialErrorCode}.
 * Messages carry only public values (DIDs, key ids, times, lengths), never key material.
 * @property details - More context, never secret material: the DID, key id, URL or times
 *   concerned (for an expired credential, its end of validity, the time now and the skew).
 *   `undefined` when there is nothing to add.
 * @property hint - How to fix it, when the fix is known (for a credential not valid yet:
 *   check the clocks of the issuer and of the verifier); else `undefined`.
 */
export class CredentialError extends MarqueError {
  /** `CredentialError`, what stack traces and `String(error)` show. */
  override name = 'CredentialError'
  declare readonly code: CredentialErrorCode
  /** For a credential inside a presentation: its position (0-based). */
  readonly credentialIndex: number | undefined
  /**
   * An error with one of the {@link CredentialErrorCode} codes and a short message; `options`
   * may add `details`, a `hint`, a `cause` and a `credentialIndex`.
   */
  constructor(code: CredentialErrorCode, message: string, options: CredentialErrorOptions = {}) {
    super(code, message, options)
    this.credentialIndex = options.credentialIndex
  }
}

/** True when `error` is a {@link CredentialError}, optionally with the given code. */
export function isCredentialError(error: unknown, code?: CredentialErrorCode): error is CredentialError {
  return error instanceof CredentialError && (code === undefined || error.code === code)
}
