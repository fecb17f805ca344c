import { base64urlEncode, utf8 } from '@marque/crypto'
import type { CredentialFormat } from './format.js'
import { type IssueCredentialParameters, issueCredential } from './issue.js'
import { formatDateTime, type TimeInput, toSeconds } from './time.js'

/** An EAT version: `[version, scheme?]` (RFC 9711 §4.2.5, §4.2.7; schemes from RFC 9393 §4.1). */
export type EatVersion = readonly [version: string, scheme?: number | string]

/** A CoSWID hash-entry (RFC 9393 §2.9.1): `[1 | 7 | 8, base64url digest]` for sha-256, -384, -512. */
export type EatDigest = readonly [algorithm: 1 | 7 | 8, value: string]

/** The claims of a `DeviceIdentityCredential`, named after RFC 9711 (EAT) where EAT has a claim. */
export interface DeviceIdentityClaims {
  /** RFC 9711 §4.2.3: IANA Private Enterprise Number, or base64url of an IEEE OUI (3 bytes) or random id (16 bytes). */
  oemid: number | string
  /** RFC 9711 §4.2.4: base64url of 1 to 32 bytes; {@link hwmodelOf} encodes a model name. */
  hwmodel: string
  /** RFC 9711 §4.2.5: the hardware revision. */
  hwversion: EatVersion
  /** The manufacturer's serial number of the device, 1 to 128 characters (EAT has no such claim). */
  serialNumber: string
  /** RFC 3339 full-date, e.g. `2025-03-14`. */
  manufactureDate: string
  /** RFC 9711 §4.2.6: the firmware's name. */
  swname: string
  /** RFC 9711 §4.2.7: the firmware's version. */
  swversion: EatVersion
  /** The firmware image digest. */
  swdigest?: EatDigest
  /** RFC 9711 §4.2.1: the device's UEID, base64url. */
  ueid?: string
  /** The manufacturer's display name. */
  manufacturer?: string
  /** RFC 9711 §4.3.2: the EAT profile these claims follow. */
  eat_profile?: string
  /** Further profile claims. */
  [claim: string]: unknown
}

/** The `hwmodel` claim for a model name: base64url of its UTF-8 bytes (at most 32). */
export function hwmodelOf(model: string): string {
  return base64urlEncode(utf8(model))
}

type Common = Pick<
  IssueCredentialParameters,
  'signer' | 'id' | 'issuedAt' | 'validFrom' | 'validUntil' | 'status' | 'clock'
> & {
  /** The encoding. Default `vc+jwt` (VC Data Model 2.0); `vc-jwt-1.1` goes through did-jwt-vc. */
  format?: CredentialFormat
}

/** Parameters of {@link issueDeviceIdentityCredential}. */
export interface IssueDeviceIdentityParameters extends Common {
  /** The device's DID. */
  device: string
  /** What the manufacturer states about the device; checked against the type's JSON Schema before signing. */
  claims: DeviceIdentityClaims
}

/**
 * A manufacturer vouches for a device it made: a `DeviceIdentityCredential` about the
 * device's DID.
 * @throws CredentialError `CREDENTIAL_SCHEMA_INVALID` when the claims break the type's
 *   schema; `CREDENTIAL_INVALID_ARGUMENT` for other bad input.
 */
export function issueDeviceIdentityCredential(parameters: IssueDeviceIdentityParameters): Promise<string> {
  const { device, claims, ...rest } = parameters
  return issueCredential({ ...rest, type: 'DeviceIdentityCredential', subject: device, claims })
}

/** Parameters of {@link issueDeviceOwnershipCredential}. */
export interface IssueDeviceOwnershipParameters extends Common {
  /** The device's DID. */
  device: string
  /** The new owner's DID: the credential's subject. */
  owner: string
  /** When the sale took place. Default: the issuance time. */
  transferDate?: TimeInput
  /** The version of the device's DID document that the ledger transfer created. */
  ledgerVersionId?: string
}

/**
 * The signed record of a sale: the previous owner (or the manufacturer at first sale) states
 * that `owner` now owns `device`.
 * @throws CredentialError as {@link issueDeviceIdentityCredential}.
 */
export function issueDeviceOwnershipCredential(parameters: IssueDeviceOwnershipParameters): Promise<string> {
  const { device, owner, transferDate, ledgerVersionId, ...rest } = parameters
  const at = transferDate ?? rest.issuedAt ?? (rest.clock ?? Date.now)() / 1000
  const claims: Record<string, unknown> = {
    device,
    transferDate: formatDateTime(toSeconds(at, 'transferDate')),
  }
  if (ledgerVersionId !== undefined) claims.ledgerVersionId = ledgerVersionId
  return issueCredential({ ...rest, type: 'DeviceOwnershipCredential', subject: owner, claims })
}
