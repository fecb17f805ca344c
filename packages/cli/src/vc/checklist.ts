import { CredentialErrorCode as C, CredentialError, type VerifiedCredential } from '@marque/credentials'

/**
 * The verification checklist of `@marque/credentials` (docs/credentials.md,
 * "Verification"), one entry per step in the order the verifier runs them, with the code
 * each step fails with. `when` names steps that run only with a trust policy, an expected
 * subject, or status entries in the credential.
 */
export const CHECKLIST: readonly {
  step: number
  check: string
  codes: readonly string[]
  when?: 'policy' | 'subject' | 'status'
}[] = [
  { step: 1, check: 'size within bounds', codes: [C.TooLarge] },
  { step: 2, check: 'well-formed JWS and payload', codes: [C.Malformed] },
  { step: 3, check: 'algorithm is EdDSA', codes: [C.UnsupportedAlg] },
  { step: 4, check: 'key and issuer name one DID', codes: [C.IssuerMismatch] },
  { step: 5, check: 'issuer named in the trust policy', codes: [], when: 'policy' },
  { step: 6, check: 'issuer DID resolves', codes: [C.IssuerUnresolvable] },
  { step: 7, check: 'issuer DID not deactivated', codes: [C.IssuerDeactivated] },
  { step: 8, check: 'signing key found', codes: [C.KidUnknown] },
  { step: 9, check: 'key is an assertion method', codes: [C.KeyNotAssertionMethod] },
  { step: 10, check: 'key is Ed25519', codes: [C.KeyUnsupported] },
  { step: 11, check: 'signature', codes: [C.SignatureInvalid] },
  { step: 12, check: 'not expired', codes: [C.Expired] },
  { step: 13, check: 'already valid', codes: [C.NotYetValid] },
  { step: 14, check: 'subject is the expected device', codes: [C.SubjectMismatch], when: 'subject' },
  { step: 15, check: 'type, context and schema', codes: [C.SchemaInvalid] },
  { step: 16, check: 'status list fetched', codes: [C.StatusUnavailable], when: 'status' },
  { step: 17, check: 'status list verified', codes: [C.StatusInvalid], when: 'status' },
  { step: 18, check: 'not revoked or suspended', codes: [C.Revoked, C.Suspended], when: 'status' },
  {
    step: 19,
    check: 'issuer trusted for the type',
    codes: [C.UntrustedIssuer, C.TrustListInvalid],
    when: 'policy',
  },
  { step: 20, check: 'trust policy rules', codes: [C.PolicyViolation], when: 'policy' },
]

/** The step a verification error code comes from, or undefined for codes outside the checklist. */
export function stepOf(code: string): number | undefined {
  return CHECKLIST.find((s) => s.codes.includes(code))?.step
}

/** True when a verification failed after its signature was checked (so the bytes are the issuer's). */
export function signatureChecked(code: string): boolean {
  return (stepOf(code) ?? 0) > 11
}

export interface ChecklistOutcome {
  step: number
  check: string
  outcome: 'passed' | 'not applicable'
}

/** The checklist of a credential that verified: each step passed or did not apply. */
export function passedChecklist(
  verified: VerifiedCredential,
  applies: { policy: boolean; subject: boolean },
): ChecklistOutcome[] {
  const on = { policy: applies.policy, subject: applies.subject, status: verified.status.length > 0 }
  return CHECKLIST.map((s) => ({
    step: s.step,
    check: s.check,
    outcome: s.when === undefined || on[s.when] ? 'passed' : 'not applicable',
  }))
}

/**
 * The same error with the checklist step it failed at in `details`, so the message says
 * where verification stopped. Its code, and so the exit code, is unchanged.
 */
export function withStep(error: CredentialError): CredentialError {
  const step = CHECKLIST.find((s) => s.codes.includes(error.code))
  // An untrusted issuer is refused before resolution (step 5) or after the signature (19).
  const where =
    error.code === C.UntrustedIssuer
      ? 'checklist step 5 or 19: issuer trusted by the policy'
      : step === undefined
        ? undefined
        : `checklist step ${step.step}: ${step.check}`
  const details = [where, error.details].filter((d): d is string => d !== undefined).join('; ')
  return new CredentialError(error.code, error.message, {
    ...(details === '' ? {} : { details }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    cause: error,
  })
}
