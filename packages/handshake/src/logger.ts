/**
 * Where the handshake reports what happened, for local diagnosis: the specific reason a
 * handshake failed lives here, never on the wire. Fields carry only public values (DIDs,
 * key ids, error codes, lengths), never keys, secrets or plaintext.
 */
export interface Logger {
  /** Progress of a handshake, e.g. `handshake complete` with the role and the peer's DID. */
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void
  /** A handshake step failed: the step, the error code, the reason and details, and our own DID. */
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void
}

/** A logger that drops everything (the default). */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  warn() {},
})
