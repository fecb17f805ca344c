// The numbers of the did:marque method, version 1 (docs/did-method.md). Changing any of
// them changes which operations are valid: only a new version byte may do that.

/** The version/suite byte of every operation: suite 1 (Ed25519, X25519, SHA-256). */
export const OPERATION_VERSION = 1

/** The four operation types and their wire codes (docs/did-method.md, "Operations"). */
export const OperationType = {
  /** The genesis: names the first keys and the controller's keys; signed by the first device key. */
  create: 0,
  /** Replaces keys, services or the update key; signed by the current update key. */
  update: 1,
  /** Hands control to a new update key and recovery commitment; signed by the revealed recovery key. */
  transfer: 2,
  /** Ends the DID for good; signed by the revealed recovery key. */
  deactivate: 3,
} as const
export type OperationType = keyof typeof OperationType

/** The integer keys of an operation map (docs/did-method.md, "Encoding"). */
export const Field = {
  /** uint: the version/suite byte, {@link OPERATION_VERSION}. */
  version: 0,
  /** uint: the operation type, a code of {@link OperationType}. */
  type: 1,
  /** bstr 32: SHA-256 of the signed operation this one follows (all but create). */
  prev: 2,
  /** bstr 6: the anchor locator (create only). */
  locator: 3,
  /** Array of bstr 32: the Ed25519 device keys, 1 to {@link MAX_KEYS}. */
  keys: 4,
  /** Array of bstr 32: the X25519 key-agreement keys, at most {@link MAX_AGREEMENT_KEYS}. */
  agreementKeys: 5,
  /** Array of `[id, type, endpoint]`: the services, at most {@link MAX_SERVICES}. */
  services: 6,
  /** bstr 32: the controller's Ed25519 update key. */
  updateKey: 7,
  /** bstr 32: SHA-256 of the controller's next recovery public key. */
  recoveryCommitment: 8,
  /** bstr 32: the recovery public key, revealed (transfer and deactivate). */
  recoveryKey: 9,
  /** bstr 20: an EVM account that may seal the DID (create only; {@link ANCHOR_ACCOUNT_LENGTH}). */
  anchorAccount: 10,
} as const

/** Service types and their wire codes. A new type needs a new version byte. */
export const ServiceType = {
  /** Web origins the DID is linked to (DID Specification Registries). */
  LinkedDomains: 1,
  /** A DIDComm messaging endpoint (DID Specification Registries). */
  DIDCommMessaging: 2,
  /** A gateway or device endpoint that speaks the Marque handshake. */
  MarqueHandshake: 3,
} as const
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
