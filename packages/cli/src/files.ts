import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { CliError, CliErrorCode } from './errors.js'

/**
 * Writes a file readable by its owner only (mode 0600), creating its directory (0700).
 * Without `force` an existing file is never overwritten; with it, the new content is written
 * beside and renamed over, so a crash leaves either the old file or the new one.
 * @throws CliError `CLI_FILE_EXISTS`, `CLI_FILE_UNWRITABLE`.
 */
export function writePrivateFile(path: string, content: string, options: { force?: boolean } = {}): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  } catch (cause) {
    throw new CliError(CliErrorCode.FileUnwritable, `cannot create the directory for ${path}`, { cause })
  }
  const target = options.force ? `${path}.${process.pid}.tmp` : path
  let fd: number
  try {
    fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(CliErrorCode.FileExists, `${path} already exists`, {
        hint: 'choose another path, or pass --force to replace it',
      })
    }
    throw new CliError(CliErrorCode.FileUnwritable, `cannot write ${path}`, { cause })
  }
  try {
    writeSync(fd, content)
  } finally {
    closeSync(fd)
  }
  if (options.force) renameSync(target, path)
}

/**
 * Reads a secret file, refusing one that others can read or write (as ssh does).
 * @throws CliError `CLI_FILE_NOT_FOUND`, `CLI_FILE_UNREADABLE`, `CLI_INSECURE_KEY_FILE`.
 */
export function readPrivateFile(path: string): string {
  let mode: number
  try {
    mode = statSync(path).mode
  } catch (cause) {
    throw new CliError(CliErrorCode.FileNotFound, `${path} does not exist`, { cause })
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new CliError(CliErrorCode.InsecureKeyFile, `${path} is accessible by other users`, {
      hint: `run: chmod 600 ${path}`,
    })
  }
  return readTextFile(path)
}

/** @throws CliError `CLI_FILE_NOT_FOUND` or `CLI_FILE_UNREADABLE`. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new CliError(CliErrorCode.FileNotFound, `${path} does not exist`, { cause })
    throw new CliError(CliErrorCode.FileUnreadable, `cannot read ${path}`, { cause })
  }
}
