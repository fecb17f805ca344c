import { MarqueError, type MarqueErrorOptions } from '@marque/crypto'
import { ExitCode } from './exit.js'

export const CliErrorCode = {
  Usage: 'CLI_USAGE',
  Config: 'CLI_CONFIG',
  FileExists: 'CLI_FILE_EXISTS',
  FileNotFound: 'CLI_FILE_NOT_FOUND',
  FileUnreadable: 'CLI_FILE_UNREADABLE',
  FileUnwritable: 'CLI_FILE_UNWRITABLE',
  InsecureKeyFile: 'CLI_INSECURE_KEY_FILE',
  BadKeyFile: 'CLI_BAD_KEY_FILE',
  BadInput: 'CLI_BAD_INPUT',
  NotFound: 'CLI_NOT_FOUND',
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
  override name = 'CliError'
  declare readonly code: CliErrorCode
  constructor(code: CliErrorCode, message: string, options?: MarqueErrorOptions) {
    super(code, message, options)
  }
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
    if (/_(UNAVAILABLE|CLOSED)$/.test(code)) return ExitCode.Unavailable
    if (/NOT_FOUND/.test(code)) return ExitCode.NotFound
    if (/^(CREDENTIAL|PRESENTATION|HANDSHAKE)_/.test(code)) return ExitCode.Refused
    return ExitCode.DataError
  }
  return ExitCode.Internal
}
