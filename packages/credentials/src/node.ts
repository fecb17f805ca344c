// @marque/credentials/node: what needs Node.js: status lists and registry state in files.
// Device-side code never imports this entry point.
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CredentialError, CredentialErrorCode } from './errors.js'
import {
  type CreateStatusListFetcherParameters,
  createStatusListFetcher,
  type FetchStatusList,
  StatusFetchError,
} from './status/fetch.js'
import type { StatusRegistry, StatusRegistryState } from './status/registry.js'

/**
 * Writes `data` to `path` so that a reader (or a crash) sees the old content or the new,
 * never a mix: write a temporary file beside it, flush it to disk, rename it over `path`,
 * flush the directory.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const file = await open(temporary, 'wx', 0o644)
  try {
    await file.writeFile(data)
    await file.sync()
  } catch (error) {
    await file.close()
    await unlink(temporary).catch(() => {})
    throw error
  }
  await file.close()
  try {
    await rename(temporary, path)
  } catch (error) {
    await unlink(temporary).catch(() => {})
    throw error
  }
  const directory = await open(dirname(path), 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
}

/**
 * A status list fetcher that also reads `file:` URLs (at most `maxBytes`), for gateways
 * that receive lists by file sync. Everything else goes to {@link createStatusListFetcher}.
 */
export function createNodeStatusListFetcher(
  parameters: CreateStatusListFetcherParameters = {},
): FetchStatusList {
  const maxBytes = parameters.maxBytes ?? 1024 * 1024
  const remote = createStatusListFetcher(parameters)
  return async (url) => {
    if (!url.startsWith('file:')) return remote(url)
    let path: string
    try {
      path = fileURLToPath(url)
    } catch (cause) {
      throw new StatusFetchError(`${url} is not a file URL`, { cause })
    }
    try {
      const info = await stat(path)
      if (info.size > maxBytes) throw new StatusFetchError(`${url} is larger than ${maxBytes} bytes`)
      return (await readFile(path, 'utf8')).trim()
    } catch (cause) {
      if (cause instanceof StatusFetchError) throw cause
      throw new StatusFetchError(`could not read ${url}`, { cause })
    }
  }
}

/**
 * Publishes a signed status list at a `file:` URL, atomically.
 * @throws CredentialError `STATUS_PUBLISH_FAILED` when it cannot be written.
 */
export async function publishStatusListFile(parameters: {
  /** The `file:` URL to write, as the credentials' `statusListCredential` names it. */
  url: string
  /** The signed status list credential (compact JWS), as `StatusRegistry.publish` gives it. */
  credential: string
}): Promise<void> {
  try {
    await writeFileAtomic(fileURLToPath(parameters.url), parameters.credential)
  } catch (cause) {
    throw new CredentialError(
      CredentialErrorCode.StatusPublishFailed,
      'the status list could not be published',
      {
        details: parameters.url,
        cause,
      },
    )
  }
}

/** Saves a registry's state atomically. Call it after allocating and before credentials leave. */
export async function saveStatusRegistry(path: string, registry: StatusRegistry): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(registry.snapshot())}\n`)
}

/**
 * Reads a registry state saved by {@link saveStatusRegistry}; pass it as `state` to
 * `createStatusRegistry`, which checks it.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` when the file is not JSON.
 */
export async function loadStatusRegistryState(path: string): Promise<StatusRegistryState> {
  const text = await readFile(path, 'utf8')
  try {
    return JSON.parse(text) as StatusRegistryState
  } catch (cause) {
    throw new CredentialError(CredentialErrorCode.InvalidArgument, 'the status registry state is not JSON', {
      details: path,
      cause,
    })
  }
}
