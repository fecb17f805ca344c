/**
 * The `marque` command's exit codes. Scripts can branch on them; they never change meaning.
 * Values follow sysexits(3) where one fits.
 */
export const ExitCode = {
  /** Done. */
  Ok: 0,
  /** The command ran and the answer is "no": a verification failed, a handshake was refused. */
  Refused: 1,
  /** The command line is wrong (unknown option, missing argument). */
  Usage: 64,
  /** The input data is wrong (malformed DID, key file, credential, CSV). */
  DataError: 65,
  /** Something named does not exist (a DID not found, a missing file). */
  NotFound: 66,
  /** A ledger, file or service could not be reached or written. */
  Unavailable: 69,
  /** A bug: an unexpected error. Run with --debug and report it. */
  Internal: 70,
  /** A file could not be created or written. */
  CannotCreate: 73,
  /** Permission denied (for example a key file readable by others). */
  NoPermission: 77,
  /** The configuration file or an environment variable is wrong. */
  Config: 78,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
