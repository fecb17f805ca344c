import type { CredentialVerifier, VerifiedCredential } from './credentials.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'

/**
 * What the ready-made credential hook needs of a verifier: `createVerifier({ resolver, policy })`
 * from @marque/credentials fits, with its trust policy (trusted issuers per type, models,
 * revocation through status lists).
 */
export interface CredentialVerifierService {
  /**
   * Verifies one compact JWT credential and returns what it says; throws to refuse.
   * {@link verifyCredentialsWith} calls it once per credential the peer presents.
   */
  verifyCredential(
    jwt: string,
    options?: {
      /** The DID the credential's subject must be: the peer's DID. */
      expectedSubject?: string
    },
  ): Promise<VerifiedCredential>
}

/** Parameters of {@link verifyCredentialsWith}. */
export interface VerifyCredentialsWithParameters {
  /** Verifies one credential against the trust policy; throws to refuse. */
  verifier: CredentialVerifierService
  /**
   * Types the peer must present, each at least once, e.g. `['DeviceIdentityCredential']`.
   * Default none: any credentials that verify, or none at all, are accepted.
   */
  requiredTypes?: readonly string[]
}

/**
 * The credential policy hook over a credential verifier: every credential the peer presents
 * must verify (signature, issuer trusted for its type, validity, not revoked, subject the
 * peer's DID), and together they must cover `requiredTypes`.
 *
 * ```ts
 * const verifier = createVerifier({ resolver, policy: { credentialTypes: { DeviceIdentityCredential: { issuers: [maker] } } } })
 * listen({ …, policy: { resolver, verifyCredentials: verifyCredentialsWith({ verifier, requiredTypes: ['DeviceIdentityCredential'] }) } })
 * ```
 * @throws HandshakeError `HANDSHAKE_INVALID_ARGUMENT` for a missing verifier.
 */
export function verifyCredentialsWith(parameters: VerifyCredentialsWithParameters): CredentialVerifier {
  const { verifier } = parameters
  if (typeof verifier?.verifyCredential !== 'function') {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      'verifier must have a verifyCredential method',
      {
        hint: 'pass createVerifier({ resolver, policy }) from @marque/credentials',
      },
    )
  }
  const required = [...(parameters.requiredTypes ?? [])]
  return async (peerDid, credentials) => {
    const verified = await Promise.all(
      credentials.map((jwt) => verifier.verifyCredential(jwt, { expectedSubject: peerDid })),
    )
    const missing = required.filter((type) => !verified.some((c) => c.types.includes(type)))
    if (missing.length > 0) {
      throw new HandshakeError(
        HandshakeErrorCode.CredentialRejected,
        'the peer did not present every required credential',
        {
          details: `missing ${missing.join(', ')}`,
          hint: 'provision the device with the credential, or relax requiredTypes',
        },
      )
    }
    return verified
  }
}
