import { closeSync, constants, existsSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  type CreateStatusRegistryParameters,
  createStatusRegistry,
  type StatusRegistry,
  type StatusRegistryState,
} from '@marque/credentials'
import { CliError, CliErrorCode } from '../errors.js'
import { readTextFile } from '../files.js'
import { writeFileAtomic } from './atomic.js'
import type { Issuer } from './issuer.js'

/**
 * The status registry file (docs/cli.md, "Status lists"): the issuer it belongs to and the
 * registry state of `@marque/credentials` (list URLs, and which indexes are allocated,
 * revoked and suspended). Written atomically, mode 0600: the allocation bitmap tells how
 * many credentials were issued, which random allocation hides from verifiers (Bitstring
 * Status List v1.0 §2.1).
 */
export interface StatusRegistryFile {
  /** Always `marque-status-registry`: what tells this file from other JSON. */
  format: 'marque-status-registry'
  /** The version of this file format: 1. */
  version: 1
  /** The DID of the issuer the registry belongs to; another issuer's commands refuse it. */
  issuer: string
  /**
   * The registry state of `@marque/credentials`: the list length and URLs, and the
   * allocated, revoked and suspended bitstrings (base64url).
   */
  state: StatusRegistryState
}

export const REGISTRY_FORMAT = 'marque-status-registry'

/** A registry loaded from its file, locked against other `marque` processes until `close`. */
export interface OpenRegistry {
  readonly path: string
  readonly issuer: string
  readonly registry: StatusRegistry
  /** Writes the current state; call it before credentials leave, so no index is given twice. */
  save(): void
  /** Releases the lock. */
  close(): void
}

function save(path: string, issuer: string, registry: StatusRegistry, replace: boolean): void {
  const file: StatusRegistryFile = {
    format: REGISTRY_FORMAT,
    version: 1,
    issuer,
    state: registry.snapshot(),
  }
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, replace })
}

/**
 * Takes the registry's lock file (`<file>.lock`, made with O_EXCL): two commands allocating
 * from one registry at once could hand one index to two credentials.
 * @throws CliError `CLI_FILE_EXISTS` when another command holds it.
 */
function lock(path: string): () => void {
  const lockPath = `${path}.lock`
  let fd: number
  try {
    fd = openSync(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(
        CliErrorCode.FileExists,
        `the status registry ${path} is in use (${lockPath} exists)`,
        {
          hint: `wait for the other marque command to finish; if none is running, delete ${lockPath}`,
        },
      )
    }
    throw new CliError(CliErrorCode.FileUnwritable, `cannot lock the status registry ${path}`, { cause })
  }
  writeSync(fd, `${process.pid}\n`)
  closeSync(fd)
  return () => {
    try {
      unlinkSync(lockPath)
    } catch {}
  }
}

/**
 * Creates a new registry file for `issuer`.
 * @throws CliError `CLI_FILE_EXISTS` when one exists and `replace` is false; `CLI_BAD_INPUT`
 *   for URLs or a length the registry refuses.
 */
export function createRegistryFile(
  path: string,
  issuer: Issuer,
  parameters: Pick<CreateStatusRegistryParameters, 'revocationUrl' | 'suspensionUrl' | 'length'>,
  replace: boolean,
): StatusRegistry {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  } catch (cause) {
    throw new CliError(CliErrorCode.FileUnwritable, `cannot create the directory of ${path}`, { cause })
  }
  const release = lock(path)
  try {
    let registry: StatusRegistry
    try {
      registry = createStatusRegistry({ signer: issuer.signer, ...parameters })
    } catch (cause) {
      throw new CliError(CliErrorCode.BadInput, 'the status registry cannot be created', {
        cause,
        details: cause instanceof Error ? cause.message : String(cause),
      })
    }
    save(path, issuer.did, registry, replace)
    return registry
  } finally {
    release()
  }
}

function damaged(path: string, problem: string, cause?: unknown): CliError {
  return new CliError(CliErrorCode.BadInput, `the status registry ${path} is not valid: ${problem}`, {
    ...(cause === undefined ? {} : { cause }),
    hint: 'restore it from a backup; never start a new one for credentials already issued',
  })
}

/**
 * Opens and locks the registry file of `issuer`.
 * @throws CliError `CLI_NOT_FOUND` (no file), `CLI_BAD_INPUT` (damaged, or another
 *   issuer's), `CLI_FILE_EXISTS` (locked).
 */
export function openRegistry(path: string, issuer: Issuer): OpenRegistry {
  if (!existsSync(path)) {
    throw new CliError(CliErrorCode.NotFound, `there is no status registry at ${path}`, {
      hint: 'create one with `marque vc status-list init`, or name it with --registry (or statusRegistry in the configuration)',
    })
  }
  const release = lock(path)
  try {
    let file: Partial<StatusRegistryFile>
    try {
      file = JSON.parse(readTextFile(path)) as Partial<StatusRegistryFile>
    } catch (cause) {
      if (cause instanceof CliError) throw cause
      throw damaged(path, 'it is not JSON', cause)
    }
    if (
      file?.format !== REGISTRY_FORMAT ||
      file.version !== 1 ||
      typeof file.issuer !== 'string' ||
      file.state === undefined
    ) {
      throw damaged(path, 'it is not a marque status registry (version 1)')
    }
    if (file.issuer !== issuer.did) {
      throw new CliError(CliErrorCode.BadInput, `the status registry ${path} belongs to ${file.issuer}`, {
        details: `this command's issuer is ${issuer.did}`,
        hint: "pass --registry with this issuer's registry file",
      })
    }
    let registry: StatusRegistry
    try {
      // The list URLs and length come from the state.
      registry = createStatusRegistry({ signer: issuer.signer, state: file.state })
    } catch (cause) {
      throw damaged(path, cause instanceof Error ? cause.message : 'its state does not load', cause)
    }
    return {
      path,
      issuer: issuer.did,
      registry,
      save: () => save(path, issuer.did, registry, true),
      close: release,
    }
  } catch (error) {
    release()
    throw error
  }
}

/** Runs `work` on the open registry and always releases its lock. */
export async function withRegistry<T>(
  path: string,
  issuer: Issuer,
  work: (open: OpenRegistry) => Promise<T>,
): Promise<T> {
  const open = openRegistry(path, issuer)
  try {
    return await work(open)
  } finally {
    open.close()
  }
}
