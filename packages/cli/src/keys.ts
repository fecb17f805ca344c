import {
  constantTimeEqual,
  createSigner,
  ed25519PublicKey,
  encodeMultikey,
  generateX25519KeyPair,
  importJwk,
  jwkThumbprint,
  type KeyType,
  type OkpJwk,
  privateKeyToJwk,
  publicKeyToJwk,
  randomBytes,
  type Signer,
  toDidKey,
  x25519PublicKey,
} from '@marque/crypto'
import { CliError, CliErrorCode } from './errors.js'
import { readPrivateFile, writePrivateFile } from './files.js'

/** A key file: a private OKP JWK (RFC 8037) in a file readable by its owner only. */
export interface KeyFile {
  crv: KeyType
  publicKey: Uint8Array
  secretKey: Uint8Array
}

/** Makes a new key of the given type. */
export async function generateKey(type: KeyType): Promise<KeyFile> {
  if (type === 'X25519') {
    const { publicKey, secretKey } = await generateX25519KeyPair()
    return { crv: type, publicKey, secretKey }
  }
  const secretKey = randomBytes(32)
  return { crv: type, publicKey: await ed25519PublicKey(secretKey), secretKey }
}

export function saveKeyFile(path: string, key: KeyFile, options: { force?: boolean } = {}): void {
  writePrivateFile(
    path,
    `${JSON.stringify(privateKeyToJwk(key.secretKey, key.publicKey, key.crv), null, 2)}\n`,
    options,
  )
}

/**
 * Reads a key file, checking its permissions, its JSON, and that `d` matches `x`.
 * @throws CliError `CLI_BAD_KEY_FILE` (never quoting the file's content), or the errors of
 *   {@link readPrivateFile}.
 */
export async function loadKeyFile(path: string): Promise<KeyFile> {
  const text = readPrivateFile(path)
  let jwk: unknown
  try {
    jwk = JSON.parse(text)
  } catch {
    throw new CliError(CliErrorCode.BadKeyFile, `${path} is not a JSON key file`, {
      hint: 'key files hold a private JWK, as written by `marque keys generate`',
    })
  }
  let imported: ReturnType<typeof importJwk>
  try {
    imported = importJwk(jwk)
  } catch (cause) {
    throw new CliError(CliErrorCode.BadKeyFile, `${path} does not hold a valid OKP key`, { cause })
  }
  if (imported.secretKey === undefined) {
    throw new CliError(CliErrorCode.BadKeyFile, `${path} holds a public key only`, {
      hint: 'this command needs the private key file',
    })
  }
  const publicKey =
    imported.crv === 'Ed25519'
      ? await ed25519PublicKey(imported.secretKey)
      : await x25519PublicKey(imported.secretKey)
  if (!constantTimeEqual(publicKey, imported.publicKey)) {
    throw new CliError(CliErrorCode.BadKeyFile, `${path}: the private key does not match its public key "x"`)
  }
  return { crv: imported.crv, publicKey, secretKey: imported.secretKey }
}

/** An Ed25519 signer from a key file. @throws CliError `CLI_BAD_KEY_FILE` for an X25519 key. */
export async function loadSigner(path: string, keyId?: string): Promise<Signer> {
  const key = await loadKeyFile(path)
  if (key.crv !== 'Ed25519') {
    throw new CliError(CliErrorCode.BadKeyFile, `${path} holds an X25519 key; signing needs an Ed25519 key`)
  }
  return createSigner({ secretKey: key.secretKey, ...(keyId === undefined ? {} : { keyId }) })
}

/** The public parts of a key, as `keys show` prints them. */
export function describeKey(key: Pick<KeyFile, 'crv' | 'publicKey'>): {
  type: KeyType
  multikey: string
  didKey: string
  jwk: OkpJwk
  thumbprint: string
} {
  const jwk = publicKeyToJwk(key.publicKey, key.crv)
  return {
    type: key.crv,
    multikey: encodeMultikey(key.publicKey, key.crv),
    didKey: toDidKey(key.publicKey, key.crv),
    jwk,
    thumbprint: jwkThumbprint(jwk),
  }
}
