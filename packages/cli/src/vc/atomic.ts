import {
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { CliError, CliErrorCode } from '../errors.js'

/** A file being written beside its destination, which appears whole or not at all. */
export interface AtomicFile {
  readonly path: string
  /** Appends text (buffered; written out in large chunks) or bytes. */
  write(data: string | Uint8Array): void
  /**
   * Flushes, syncs to disk and moves the file into place. Without `replace`, an existing
   * destination is never overwritten (the move is a hard link, which fails if it exists).
   * @throws CliError `CLI_FILE_EXISTS`, `CLI_FILE_UNWRITABLE`.
   */
  commit(): void
  /** Closes and deletes the temporary file. Safe to call after a failed commit. */
  abort(): void
}

const CHUNK = 1 << 20

function unwritable(path: string, cause: unknown): CliError {
  return new CliError(CliErrorCode.FileUnwritable, `cannot write ${path}`, { cause })
}

function exists(path: string): CliError {
  return new CliError(CliErrorCode.FileExists, `${path} already exists`, {
    hint: 'choose another path, or pass --force to replace it',
  })
}

/**
 * Starts writing `path` through a temporary file in the same directory (mode `mode`), so
 * that a crash or an error leaves the old file, or none, but never half of a new one.
 * @throws CliError `CLI_FILE_UNWRITABLE` when the directory or the file cannot be created.
 */
export function createAtomicFile(path: string, options: { mode: number; replace: boolean }): AtomicFile {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  } catch (cause) {
    throw unwritable(path, cause)
  }
  const temporary = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`
  let fd: number | undefined
  try {
    fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, options.mode)
  } catch (cause) {
    throw unwritable(path, cause)
  }
  let pending: string[] = []
  let size = 0
  const flush = () => {
    if (pending.length === 0 || fd === undefined) return
    const text = pending.join('')
    pending = []
    size = 0
    try {
      writeSync(fd, text)
    } catch (cause) {
      throw unwritable(path, cause)
    }
  }
  const close = () => {
    if (fd === undefined) return
    const open = fd
    fd = undefined
    closeSync(open)
  }
  return {
    path,
    write(data) {
      if (typeof data !== 'string') {
        flush()
        try {
          if (fd !== undefined) writeSync(fd, data)
        } catch (cause) {
          throw unwritable(path, cause)
        }
        return
      }
      pending.push(data)
      size += data.length
      if (size >= CHUNK) flush()
    },
    commit() {
      flush()
      try {
        if (fd !== undefined) fsyncSync(fd)
      } catch (cause) {
        throw unwritable(path, cause)
      } finally {
        close()
      }
      try {
        if (options.replace) renameSync(temporary, path)
        else {
          linkSync(temporary, path)
          unlinkSync(temporary)
        }
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'EEXIST') throw exists(path)
        throw unwritable(path, cause)
      }
      syncDirectory(dirname(path))
    },
    abort() {
      pending = []
      try {
        close()
      } catch {}
      try {
        unlinkSync(temporary)
      } catch {}
    },
  }
}

/** Writes a whole file atomically (see {@link createAtomicFile}). */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode: number; replace: boolean },
): void {
  const file = createAtomicFile(path, options)
  try {
    file.write(data)
    file.commit()
  } catch (error) {
    file.abort()
    throw error
  }
}

/** Makes a rename durable: sync the directory entry too (no-op where directories cannot be opened). */
function syncDirectory(path: string): void {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return
  }
  try {
    fsyncSync(fd)
  } catch {
    // Some platforms refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    closeSync(fd)
  }
}

/**
 * Refuses early (before any work) to replace an existing file without `--force`; the final
 * move checks again.
 * @throws CliError `CLI_FILE_EXISTS`.
 */
export function refuseExisting(path: string, replace: boolean): void {
  if (!replace && existsSync(path)) throw exists(path)
}
