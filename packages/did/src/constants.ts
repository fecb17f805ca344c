// The numbers of the did:marque method, version 1 (docs/did-method.md). Changing any of
// them changes which operations are valid: only a new version byte may do that.

/** The version/suite byte of every operation: suite 1 (Ed25519, X25519, SHA-256). */
export const OPERATION_VERSION = 1

/** The four operation types and their wire codes (docs/did-method.md, "Operations"). */
export const OperationType = { create: 0, update: 1, transfer: 2, deactivate: 3 } as const
export type OperationType = keyof typeof OperationType

/** The integer keys of an operation map (docs/did-method.md, "Encoding"). */
export const Field = {
  version: 0,
  type: 1,
  prev: 2,
  locator: 3,
  keys: 4,
  agreementKeys: 5,
  services: 6,
  updateKey: 7,
  recoveryCommitment: 8,
  recoveryKey: 9,
  anchorAccount: 10,
} as const

/** Service types and their wire codes. A new type needs a new version byte. */
export const ServiceType = { LinkedDomains: 1, DIDCommMessaging: 2, MarqueHandshake: 3 } as const
export type ServiceType = keyof typeof ServiceType

/** Bytes of the anchor locator stored in a genesis operation and leading the DID's id. */
export const LOCATOR_LENGTH = 6
/**
 * Bytes of the anchor account a genesis may name (field 10): an EVM account, which an EVM
 * registry lets seal the DID (docs/did-method.md, "Operations"; docs/ledger-evm.md).
 */
export const ANCHOR_ACCOUNT_LENGTH = 20
/** Bytes of SHA-256 over the signed genesis that follow the locator in the id. */
export const DID_DIGEST_LENGTH = 16
/** Bytes of a whole id: locator and digest. */
export const ID_LENGTH = LOCATOR_LENGTH + DID_DIGEST_LENGTH

/** The largest valid operation, in bytes. */
export const MAX_OPERATION_SIZE = 2048
/** The most Ed25519 device keys (authentication and assertion) a DID may hold. */
export const MAX_KEYS = 8
/** The most X25519 key-agreement keys a DID may hold. */
export const MAX_AGREEMENT_KEYS = 4
/** The most services a DID may hold. */
export const MAX_SERVICES = 8
/** The longest service endpoint, in bytes. */
export const MAX_ENDPOINT_LENGTH = 200
/** The largest service id. */
export const MAX_SERVICE_ID = 255
/** The longest ledger domain a signature binds, in bytes. */
export const MAX_DOMAIN_LENGTH = 255
/** The longest network name. */
export const MAX_NETWORK_LENGTH = 32
/** The network of a DID without a network segment. */
export const DEFAULT_NETWORK = 'default'

/** The ASCII tag that opens every signing input; a NUL byte follows it. */
export const SIGNING_TAG = 'did:marque op'

/** Multicodec of the CID of an operation: `cbor` (0x51); sha2-256 (0x12) names the hash. */
export const CID_CODEC_CBOR = 0x51
export const MULTIHASH_SHA2_256 = 0x12
