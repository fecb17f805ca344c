import type { DIDResolutionResult, Resolvable } from 'did-resolver'
import type { VerifiedCredential } from './check-credential.js'
import { CredentialError, CredentialErrorCode } from './errors.js'

/** Parameters of {@link checkOwnership}. */
export interface CheckOwnershipParameters {
  /** A verified `DeviceOwnershipCredential` (from `verifyCredential`). */
  credential: VerifiedCredential
  /** Resolves the device's DID (for did:marque, `getResolver` from `@marque/did`). */
  resolver: Resolvable
  /**
   * Also require that control has not moved on since (the device's current document still
   * names the owner). Default true: a sale record that a later sale superseded is refused.
   */
  current?: boolean
}

/** What {@link checkOwnership} returns once the ledger agrees with the sale. */
export interface CheckOwnershipReturnType {
  /** The device's DID, from the credential's `device` claim. */
  device: string
  /** The owner's DID: the credential's subject, which the device's document names as `controller`. */
  owner: string
  /** The version of the device's document that was checked against the sale. */
  versionId: string | undefined
}

function controllers(result: DIDResolutionResult): string[] {
  const controller = result.didDocument?.controller
  return controller === undefined ? [] : Array.isArray(controller) ? controller : [controller]
}

function mismatch(message: string, details: string): CredentialError {
  return new CredentialError(CredentialErrorCode.OwnershipMismatch, message, {
    details,
    hint: "the owner's DID must be the controller the ledger's transfer installed (for did:marque, the did:key of the new update key)",
  })
}

/**
 * Checks a verified `DeviceOwnershipCredential` against the ledger: the device's DID
 * document, at the version the sale names (`ledgerVersionId`, else the current one), has the
 * new owner as its `controller`, and (unless `current` is false) still has.
 * @throws CredentialError `CREDENTIAL_SCHEMA_INVALID` when the credential is not a
 *   DeviceOwnershipCredential; `CREDENTIAL_ISSUER_UNRESOLVABLE` when the device's DID does
 *   not resolve; `CREDENTIAL_OWNERSHIP_MISMATCH` when the controller differs or the device
 *   is deactivated.
 */
export async function checkOwnership(
  parameters: CheckOwnershipParameters,
): Promise<CheckOwnershipReturnType> {
  const { credential, resolver, current = true } = parameters
  if (!credential.types.includes('DeviceOwnershipCredential')) {
    throw new CredentialError(
      CredentialErrorCode.SchemaInvalid,
      'the credential is not a DeviceOwnershipCredential',
    )
  }
  const device = credential.claims.device as string
  const versionId = credential.claims.ledgerVersionId as string | undefined
  const owner = credential.subject
  const resolve = async (didUrl: string) => {
    let result: DIDResolutionResult
    try {
      result = await resolver.resolve(didUrl)
    } catch (cause) {
      throw new CredentialError(
        CredentialErrorCode.IssuerUnresolvable,
        "the device's DID could not be resolved",
        {
          details: didUrl,
          cause,
        },
      )
    }
    const error = result.didResolutionMetadata?.error
    if (error !== undefined || result.didDocument?.id !== device) {
      throw new CredentialError(
        CredentialErrorCode.IssuerUnresolvable,
        "the device's DID could not be resolved",
        {
          details: `${didUrl}: ${error ?? 'no document for the device'}`,
        },
      )
    }
    if (result.didDocumentMetadata?.deactivated === true) {
      throw mismatch('the device is deactivated: nobody owns it any more', device)
    }
    return result
  }
  const atSale = await resolve(
    versionId === undefined ? device : `${device}?versionId=${encodeURIComponent(versionId)}`,
  )
  if (!controllers(atSale).includes(owner)) {
    throw mismatch(
      'the ledger does not show the sale: another controller holds the device',
      `${device}, owner ${owner}`,
    )
  }
  if (current && versionId !== undefined) {
    const now = await resolve(device)
    if (!controllers(now).includes(owner)) {
      throw mismatch('the device changed hands again since this sale', `${device}, owner ${owner}`)
    }
  }
  return { device, owner, versionId }
}
