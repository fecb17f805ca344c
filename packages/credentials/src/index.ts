// @marque/credentials: device credentials (issue, verify, revoke), status lists, trust
// policies, presentations. Device-side code here imports no Node.js built-in; file access
// lives in `@marque/credentials/node`. Explicit exports: the list is tested.
export type { Clock, TtlCache, TtlCacheParameters } from './cache.js'
export { createTtlCache } from './cache.js'
export type { CheckCredentialOptions, VerifiedCredential } from './check-credential.js'
export type {
  DeviceIdentityClaims,
  EatDigest,
  EatVersion,
  IssueDeviceIdentityParameters,
  IssueDeviceOwnershipParameters,
} from './device.js'
export { hwmodelOf, issueDeviceIdentityCredential, issueDeviceOwnershipCredential } from './device.js'
export type { CredentialErrorOptions } from './errors.js'
export { CredentialError, CredentialErrorCode, isCredentialError } from './errors.js'
export type { CredentialFormat, PresentationFormat } from './format.js'
export type {
  CredentialInput,
  IssueCredentialParameters,
  IssueCredentialReturnType,
  IssueCredentialsParameters,
} from './issue.js'
export { issueCredential, issueCredentials } from './issue.js'
export type { JsonSchema, JsonType, SchemaCheck } from './json-schema.js'
export { compileSchema } from './json-schema.js'
export type { CheckOwnershipParameters, CheckOwnershipReturnType } from './ownership.js'
export { checkOwnership } from './ownership.js'
export type {
  CreatePresentationParameters,
  VerifiedPresentation,
  VerifyPresentationOptions,
} from './presentation.js'
export {
  createPresentation,
  DEFAULT_PRESENTATION_LIFETIME,
  MAX_PRESENTED_CREDENTIALS,
} from './presentation.js'
export { VC_V1_CONTEXT, VC_V2_CONTEXT } from './schemas/common.js'
export { DEVICE_IDENTITY_CREDENTIAL_SCHEMA } from './schemas/device-identity.js'
export { DEVICE_OWNERSHIP_CREDENTIAL_SCHEMA } from './schemas/device-ownership.js'
export { CREDENTIAL_SCHEMAS } from './schemas/index.js'
export { STATUS_LIST_CREDENTIAL_SCHEMA } from './schemas/status-list.js'
export { TRUST_LIST_CREDENTIAL_SCHEMA } from './schemas/trust-list.js'
export { TRUST_POLICY_SCHEMA } from './schemas/trust-policy.js'
export {
  createBitstring,
  decodeBitstring,
  encodeBitstring,
  getBit,
  MAX_BITSTRING_BYTES,
  MIN_STATUS_LIST_LENGTH,
  setBit,
} from './status/bitstring.js'
export type { BitstringStatusListEntry, StatusCheck, StatusPurpose } from './status/entry.js'
export type { CreateStatusListFetcherParameters, FetchStatusList } from './status/fetch.js'
export { createStatusListFetcher, dereferenceService, StatusFetchError } from './status/fetch.js'
export type { PublishStatusListParameters } from './status/publish.js'
export { publishStatusList } from './status/publish.js'
export type {
  CreateStatusRegistryParameters,
  PublishedStatusLists,
  PublishStatusListsParameters,
  RestoreStatusRegistryParameters,
  StatusAllocation,
  StatusRegistry,
  StatusRegistryState,
} from './status/registry.js'
export { createStatusRegistry } from './status/registry.js'
export type { CredentialTypeRule, TrustListReference, TrustPolicy } from './trust/policy.js'
export type { IssueTrustListParameters, TrustListEntry } from './trust/trust-list.js'
export { issueTrustList } from './trust/trust-list.js'
export type {
  CreateVerifierParameters,
  CreateVerifierReturnType,
  Verifier,
  VerifyCredentialOptions,
} from './verifier.js'
export {
  createVerifier,
  DEFAULT_MAX_CREDENTIAL_LENGTH,
  DEFAULT_MAX_PRESENTATION_LENGTH,
  DEFAULT_SKEW,
} from './verifier.js'
