import { getBit } from '@marque/credentials'
import { base64urlDecode } from '@marque/crypto'
import { CliError, CliErrorCode } from '../errors.js'
import { readTextFile } from '../files.js'
import { REGISTRY_FORMAT, type StatusRegistryFile } from './registry.js'

/** What `vc status-list show` prints: read from the registry file alone, no key needed. */
export interface RegistryInfo {
  path: string
  issuer: string
  revocationUrl: string
  suspensionUrl: string | undefined
  length: number
  allocated: number
  revoked: number
  suspended: number
}

function bits(encoded: unknown, length: number, path: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = base64urlDecode(String(encoded), 'bitstring')
  } catch (cause) {
    throw new CliError(CliErrorCode.BadInput, `the status registry ${path} is not valid`, { cause })
  }
  if (bytes.length * 8 !== length)
    throw new CliError(CliErrorCode.BadInput, `the status registry ${path} is not valid`)
  return bytes
}

const popcount = (bytes: Uint8Array): number => {
  let n = 0
  for (const byte of bytes) for (let b = byte; b !== 0; b &= b - 1) n++
  return n
}

/**
 * Reads a registry file's counts, and optionally one index's status.
 * @throws CliError `CLI_FILE_NOT_FOUND`, `CLI_BAD_INPUT`.
 */
export function readRegistryInfo(
  path: string,
  index?: number,
): RegistryInfo & { index?: { index: number; allocated: boolean; revoked: boolean; suspended: boolean } } {
  let file: StatusRegistryFile
  try {
    file = JSON.parse(readTextFile(path)) as StatusRegistryFile
  } catch (cause) {
    if (cause instanceof CliError) throw cause
    throw new CliError(CliErrorCode.BadInput, `the status registry ${path} is not JSON`, { cause })
  }
  if (file?.format !== REGISTRY_FORMAT || !Number.isSafeInteger(file.state?.length)) {
    throw new CliError(CliErrorCode.BadInput, `${path} is not a marque status registry`)
  }
  const { state } = file
  if (
    typeof file.issuer !== 'string' ||
    typeof state.revocationUrl !== 'string' ||
    !(state.suspensionUrl === undefined || typeof state.suspensionUrl === 'string')
  ) {
    throw new CliError(CliErrorCode.BadInput, `the status registry ${path} is not valid`, {
      details: 'its issuer or list URLs are missing',
      hint: 'restore it from a backup',
    })
  }
  const allocated = bits(state.allocated, state.length, path)
  const revoked = bits(state.revoked, state.length, path)
  const suspended = bits(state.suspended, state.length, path)
  const info = {
    path,
    issuer: file.issuer,
    revocationUrl: state.revocationUrl,
    suspensionUrl: state.suspensionUrl,
    length: state.length,
    allocated: popcount(allocated),
    revoked: popcount(revoked),
    suspended: popcount(suspended),
  }
  if (index === undefined) return info
  if (index >= state.length) {
    throw new CliError(CliErrorCode.Usage, `index ${index} is beyond the list length ${state.length}`)
  }
  return {
    ...info,
    index: {
      index,
      allocated: getBit(allocated, index),
      revoked: getBit(revoked, index),
      suspended: getBit(suspended, index),
    },
  }
}
