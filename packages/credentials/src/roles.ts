import { CredentialErrorCode } from './errors.js'

/**
 * What a signed token is: a credential (signed by its issuer with an `assertionMethod` key)
 * or a presentation (signed by its holder with an `authentication` key). The checks are the
 * same; the codes say which layer failed.
 */
export type TokenRole = 'credential' | 'presentation'

/** The checklist codes of one role. */
export interface RoleCodes {
  noun: string
  /** Who signs this kind of token. */
  signer: 'issuer' | 'holder'
  /** The verifier option that bounds its size. */
  maxLengthOption: 'maxCredentialLength' | 'maxPresentationLength'
  relationship: 'assertionMethod' | 'authentication'
  tooLarge: CredentialErrorCode
  malformed: CredentialErrorCode
  unsupportedAlg: CredentialErrorCode
  unresolvable: CredentialErrorCode
  deactivated: CredentialErrorCode
  signerMismatch: CredentialErrorCode
  kidUnknown: CredentialErrorCode
  keyRelationship: CredentialErrorCode
  keyUnsupported: CredentialErrorCode
  signatureInvalid: CredentialErrorCode
  expired: CredentialErrorCode
  notYetValid: CredentialErrorCode
}

const C = CredentialErrorCode

export const ROLE_CODES: Readonly<Record<TokenRole, RoleCodes>> = {
  credential: {
    noun: 'credential',
    signer: 'issuer',
    maxLengthOption: 'maxCredentialLength',
    relationship: 'assertionMethod',
    tooLarge: C.TooLarge,
    malformed: C.Malformed,
    unsupportedAlg: C.UnsupportedAlg,
    unresolvable: C.IssuerUnresolvable,
    deactivated: C.IssuerDeactivated,
    signerMismatch: C.IssuerMismatch,
    kidUnknown: C.KidUnknown,
    keyRelationship: C.KeyNotAssertionMethod,
    keyUnsupported: C.KeyUnsupported,
    signatureInvalid: C.SignatureInvalid,
    expired: C.Expired,
    notYetValid: C.NotYetValid,
  },
  presentation: {
    noun: 'presentation',
    signer: 'holder',
    maxLengthOption: 'maxPresentationLength',
    relationship: 'authentication',
    tooLarge: C.PresentationTooLarge,
    malformed: C.PresentationMalformed,
    unsupportedAlg: C.PresentationUnsupportedAlg,
    unresolvable: C.HolderUnresolvable,
    deactivated: C.HolderDeactivated,
    signerMismatch: C.PresentationSignerMismatch,
    kidUnknown: C.PresentationKidUnknown,
    keyRelationship: C.KeyNotAuthentication,
    keyUnsupported: C.PresentationKeyUnsupported,
    signatureInvalid: C.PresentationSignatureInvalid,
    expired: C.PresentationExpired,
    notYetValid: C.PresentationNotYetValid,
  },
}
