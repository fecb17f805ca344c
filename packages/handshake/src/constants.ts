// Protocol constants of the Marque handshake, version 1 (docs/handshake.md §2).

/** Protocol version carried in message 1 and in every signed structure. */
export const HANDSHAKE_VERSION = 1
/**
 * Cipher suite 1: X25519, Ed25519, SHA-256, HKDF-SHA-256, ChaCha20-Poly1305. The only suite;
 * it is named on the wire so that a second one can be added later without ambiguity, never
 * negotiated down (docs/handshake.md §2.1).
 */
export const HANDSHAKE_SUITE = 1

/** Lengths fixed by suite 1. */
export const KEY_SHARE_LENGTH = 32
export const SIGNATURE_LENGTH = 64
export const HASH_LENGTH = 32
export const TAG_LENGTH = 16
/** Length of a credential reference: the SHA-256 digest of the credential's bytes. */
export const CREDENTIAL_REFERENCE_LENGTH = 32

/**
 * Length of a key hint: the first bytes of an Ed25519 key whose fragment is its own multikey,
 * sent in place of the key (docs/handshake.md §3.2).
 */
export const KEY_HINT_LENGTH = 8

/** The domain-separation prefix of every HKDF label and signed structure. */
export const PROTOCOL_LABEL = 'marque-handshake'

/**
 * The one error message on the wire (docs/handshake.md §6): the CBOR unsigned integer 0.
 * Every failure, whatever its local cause, sends exactly these bytes, so a peer (or an
 * attacker) learns only that the handshake failed.
 */
export const ERROR_MESSAGE: Uint8Array = /* @__PURE__ */ Uint8Array.of(0x00)

/** Message 1 is `[version, suite, G_X]`: 37 bytes for suite 1; anything longer is refused. */
export const MAX_MESSAGE_1_LENGTH = 64
/** The default limit on messages 2 and 3 (identity, signature and credentials). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 8192
/** The most credentials one side may present in one handshake. */
export const MAX_CREDENTIALS = 8
/** The longest credential (a JWT) accepted by value, in bytes. */
export const MAX_CREDENTIAL_LENGTH = 4096
/** The longest DID accepted in text form, in bytes (did-core has no limit; we need one). */
export const MAX_DID_LENGTH = 256
/** The longest key fragment accepted. */
export const MAX_FRAGMENT_LENGTH = 64
/** The default time one handshake step may take before the handshake fails. */
export const DEFAULT_STEP_TIMEOUT_MS = 10_000
