// @marque/did: the did:marque DID method (docs/did-method.md). Everything here runs on a
// device: no Node.js built-in is imported, and no ledger implementation is pulled in.
// Explicit exports: the list is tested.
export type { CreateDidCacheParameters, DidCache } from './cache.js'
export { createDidCache } from './cache.js'
export { operationCid, operationDigest } from './cid.js'
export type {
  CreateBatchParameters,
  CreateBatchReturnType,
  CreateDidClientParameters,
  CreateDidParameters,
  CreateDidReturnType,
  DeactivateDidParameters,
  DeactivateDidReturnType,
  DidClient,
  DidWriteResult,
  PublicKeyInput,
  RotateDidParameters,
  RotateDidReturnType,
  TransferDidParameters,
  TransferDidReturnType,
  UpdateDidParameters,
  UpdateDidReturnType,
} from './client.js'
export { createDidClient } from './client.js'
export {
  ANCHOR_ACCOUNT_LENGTH,
  DEFAULT_NETWORK,
  DID_DIGEST_LENGTH,
  Field,
  ID_LENGTH,
  LOCATOR_LENGTH,
  MAX_AGREEMENT_KEYS,
  MAX_DOMAIN_LENGTH,
  MAX_ENDPOINT_LENGTH,
  MAX_KEYS,
  MAX_NETWORK_LENGTH,
  MAX_OPERATION_SIZE,
  MAX_SERVICE_ID,
  MAX_SERVICES,
  OPERATION_VERSION,
  OperationType,
  ServiceType,
  SIGNING_TAG,
} from './constants.js'
export { formatDatetime, parseDatetime } from './datetime.js'
export type { FormatDidParameters, InvalidDidResult, ParseDidReturnType, ParsedMarqueDid } from './did.js'
export { formatDid, parseDid } from './did.js'
export type { BuildDidDocumentParameters, VerificationMethodIds } from './document.js'
export { buildDidDocument, DID_CONTEXTS, verificationMethodIds } from './document.js'
export { DidError, DidErrorCode } from './errors.js'
export type {
  CreateOperation,
  DeactivateOperation,
  DecodedOperation,
  Service,
  TransferOperation,
  UnsignedOperation,
  UpdateOperation,
} from './operation.js'
export { decodeOperation, encodeOperation, encodeUnsignedOperation } from './operation.js'
export type {
  CreateResolverParameters,
  LedgerSource,
  MarqueResolver,
  ResolverAtTimeParameters,
} from './resolver.js'
export { createResolver, DID_JSON, DID_LD_JSON, getResolver, resolverAtTime } from './resolver.js'
export type { SignOperationParameters, SignOperationReturnType } from './signing.js'
export { recoveryCommitment, signingInput, signOperation, verifyOperationSignature } from './signing.js'
export type {
  DidHistory,
  DidState,
  DidVersion,
  IgnoredOperation,
  ReadHistoryParameters,
  ReplayOperationsParameters,
} from './state.js'
export { readHistory, replayOperations } from './state.js'
