import { MarqueError, type MarqueErrorOptions } from '@marque/crypto'
import { ExitCode } from './exit.js'

/** Every code the command line itself throws, each with its exit code ({@link CliError.exitCode}). */
export const CliErrorCode = {
  /**
   * The command line is wrong: a value out of range or unknown, options missing or in
   * conflict, an input whose format cannot be told. Exit 64.
   */
  Usage: 'CLI_USAGE',
  /**
   * The configuration file or an environment variable is wrong: unreadable or not a JSON
   * object, an unknown key, a bad value, the EVM keys not all set, a short API key. Exit 78.
   */
  Config: 'CLI_CONFIG',
  /** A file to write exists (pass `--force`), or another command holds the status registry. Exit 73. */
  FileExists: 'CLI_FILE_EXISTS',
  /** A file to read does not exist. Exit 66. */
  FileNotFound: 'CLI_FILE_NOT_FOUND',
  /** A file to read exists but cannot be read. Exit 77. */
  FileUnreadable: 'CLI_FILE_UNREADABLE',
  /** A file, its directory or a lock file cannot be created or written. Exit 73. */
  FileUnwritable: 'CLI_FILE_UNWRITABLE',
  /** A key file is readable or writable by other users (`chmod 600` it). Exit 77. */
  InsecureKeyFile: 'CLI_INSECURE_KEY_FILE',
  /**
   * A key file is not a private OKP JWK (RFC 8037), holds a public key only or a private key
   * that does not match it, or an X25519 key where signing needs Ed25519. Exit 65.
   */
  BadKeyFile: 'CLI_BAD_KEY_FILE',
  /**
   * The input data is wrong: a bad device row, trust policy or status registry, a deactivated
   * issuer or device, too few free status indexes for a batch. Exit 65.
   */
  BadInput: 'CLI_BAD_INPUT',
  /**
   * Something named does not exist: a DID that does not resolve, a status registry, a key to
   * pin, any operation of a DID on the ledger. Exit 66.
   */
  NotFound: 'CLI_NOT_FOUND',
  /** The answer is no: a handshake failed, a ledger failed its audit, a batch was interrupted. Exit 1. */
  Refused: 'CLI_REFUSED',
} as const
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode]

const EXIT: Record<CliErrorCode, ExitCode> = {
  CLI_USAGE: ExitCode.Usage,
  CLI_CONFIG: ExitCode.Config,
  CLI_FILE_EXISTS: ExitCode.CannotCreate,
  CLI_FILE_NOT_FOUND: ExitCode.NotFound,
  CLI_FILE_UNREADABLE: ExitCode.NoPermission,
  CLI_FILE_UNWRITABLE: ExitCode.CannotCreate,
  CLI_INSECURE_KEY_FILE: ExitCode.NoPermission,
  CLI_BAD_KEY_FILE: ExitCode.DataError,
  CLI_BAD_INPUT: ExitCode.DataError,
  CLI_NOT_FOUND: ExitCode.NotFound,
  CLI_REFUSED: ExitCode.Refused,
}

/** An error of the command line itself (usage, files, configuration). */
export class CliError extends MarqueError {
  /** Always `'CliError'`. */
  override name = 'CliError'
  declare readonly code: CliErrorCode
  /**
   * An error with a stable `code` and a short `message` that says what went wrong.
   * @param code One of {@link CliErrorCode}.
   * @param message What went wrong, short; never secret material.
   * @param options The cause, details and hint.
   */
  constructor(code: CliErrorCode, message: string, options?: MarqueErrorOptions) {
    super(code, message, options)
  }
  /** The process's exit code for this error's `code`, one of {@link ExitCode} (64 for `CLI_USAGE`). */
  get exitCode(): ExitCode {
    return EXIT[this.code]
  }
}

/**
 * The exit code for any error: CLI errors carry their own; library errors map by the family
 * of their stable code; anything else is a bug.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode
  if (error instanceof MarqueError) {
    const code = error.code
    if (/_(UNAVAILABLE|CLOSED|TIMEOUT)$/.test(code)) return ExitCode.Unavailable
    if (/NOT_FOUND/.test(code)) return ExitCode.NotFound
    if (/^(CREDENTIAL|PRESENTATION|HANDSHAKE)_/.test(code)) return ExitCode.Refused
    return ExitCode.DataError
  }
  return ExitCode.Internal
}
