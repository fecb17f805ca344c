import { constantTimeEqual, decodeMultikey, importJwk, toHex } from '@marque/crypto'
import type { DIDDocument, DIDResolutionResult, Resolvable, VerificationMethod } from 'did-resolver'
import { base58btc } from 'multiformats/bases/base58'
import { HandshakeError, HandshakeErrorCode } from './errors.js'
import { ed25519Multikey, matchesKeyHint, type NamedIdentity } from './identity.js'

/** The peer's key, found in its resolved DID document. */
export interface ResolvedPeerKey {
  readonly document: DIDDocument
  /** The DID URL of the key. */
  readonly keyId: string
  readonly publicKey: Uint8Array
}

/**
 * Resolves the peer's DID and finds the key it named under `authentication` (did-core §5.3.1).
 * The checklist, in order: the DID resolves without error (did-core §7.1.2); it is not
 * deactivated (did-core §7.1.3, `deactivated`); the document is for this DID; the key id, or
 * exactly one key matching the key hint, is listed under `authentication`; its verification
 * method is an Ed25519 key.
 * @throws HandshakeError `HANDSHAKE_DID_UNRESOLVABLE`, `HANDSHAKE_DID_DEACTIVATED`,
 *   `HANDSHAKE_KEY_NOT_AUTHORIZED`.
 */
export async function resolvePeerKey(
  resolver: Resolvable,
  identity: NamedIdentity,
): Promise<ResolvedPeerKey> {
  const { did } = identity
  let result: DIDResolutionResult
  try {
    result = await resolver.resolve(did)
  } catch (cause) {
    throw new HandshakeError(HandshakeErrorCode.DidUnresolvable, 'the peer’s DID could not be resolved', {
      details: `did ${did}`,
      hint: 'check that the resolver knows this DID method and can reach its ledger',
      cause,
    })
  }
  const error = result?.didResolutionMetadata?.error
  if (error !== undefined) {
    throw new HandshakeError(HandshakeErrorCode.DidUnresolvable, 'the peer’s DID could not be resolved', {
      details: `did ${did}: ${String(error)}`,
      hint: 'check that the DID is registered and that the resolver knows its method',
    })
  }
  if (result.didDocumentMetadata?.deactivated === true) {
    throw new HandshakeError(HandshakeErrorCode.DidDeactivated, 'the peer’s DID is deactivated', {
      details: `did ${did}`,
      hint: 'a deactivated DID can never authenticate again; the device must be re-provisioned',
    })
  }
  const document = result.didDocument
  if (document === null || document === undefined || document.id !== did) {
    throw new HandshakeError(
      HandshakeErrorCode.DidUnresolvable,
      'the resolver returned no document for the peer’s DID',
      {
        details: `did ${did}, document id ${String(document?.id)}`,
      },
    )
  }
  if (identity.keyHint !== undefined) return keyByHint(document, identity.keyHint)
  const keyId = identity.keyId
  const method = findAuthenticationMethod(document, keyId)
  if (method === undefined) {
    throw new HandshakeError(
      HandshakeErrorCode.KeyNotAuthorized,
      'the key the peer signed with is not listed under authentication in its DID document',
      {
        details: `key ${keyId}`,
        hint: 'the key may have been rotated out; the peer must sign with a current key',
      },
    )
  }
  const publicKey = ed25519KeyOf(method)
  if (publicKey === undefined) {
    throw new HandshakeError(
      HandshakeErrorCode.KeyNotAuthorized,
      'the peer’s authentication key is not an Ed25519 key',
      {
        details: `key ${keyId}, type ${String(method.type)}`,
      },
    )
  }
  return { document, keyId, publicKey }
}

const absoluteId = (document: DIDDocument, id: string) => (id.startsWith('#') ? `${document.id}${id}` : id)

/** The verification methods referenced or embedded under `authentication`, in order. */
function* authenticationMethods(document: DIDDocument): Generator<VerificationMethod> {
  for (const entry of document.authentication ?? []) {
    if (typeof entry === 'string') {
      const id = absoluteId(document, entry)
      const method = (document.verificationMethod ?? []).find((m) => absoluteId(document, m.id) === id)
      if (method !== undefined) yield method
    } else if (typeof entry === 'object' && entry !== null) {
      yield entry
    }
  }
}

/** The verification method `keyId` if it is referenced or embedded under `authentication`. */
function findAuthenticationMethod(document: DIDDocument, keyId: string): VerificationMethod | undefined {
  for (const method of authenticationMethods(document)) {
    if (absoluteId(document, method.id) === keyId) return method
  }
  return undefined
}

/**
 * The one authentication key whose fragment is the multikey of an Ed25519 key beginning with
 * `hint`, and whose key material is that key (docs/handshake.md §5, step 5).
 */
function keyByHint(document: DIDDocument, hint: Uint8Array): ResolvedPeerKey {
  const prefix = `${document.id}#`
  const found = new Map<string, Uint8Array>()
  for (const method of authenticationMethods(document)) {
    const keyId = absoluteId(document, method.id)
    const named = keyId.startsWith(prefix) ? ed25519Multikey(keyId.slice(prefix.length)) : undefined
    if (named === undefined || !matchesKeyHint(named, hint)) continue
    const publicKey = ed25519KeyOf(method)
    if (publicKey === undefined || !constantTimeEqual(publicKey, named)) {
      throw new HandshakeError(
        HandshakeErrorCode.KeyNotAuthorized,
        'the peer’s authentication key is not the Ed25519 key its id names',
        { details: `key ${keyId}, type ${String(method.type)}` },
      )
    }
    found.set(keyId, publicKey)
  }
  if (found.size !== 1) {
    throw new HandshakeError(
      HandshakeErrorCode.KeyNotAuthorized,
      found.size === 0
        ? 'no key listed under authentication in the peer’s DID document matches its key hint'
        : 'more than one authentication key of the peer matches its key hint',
      {
        details: `did ${document.id}, key hint ${toHex(hint)}`,
        hint:
          found.size === 0
            ? 'the key may have been rotated out; the peer must sign with a current key'
            : 'the DID document lists two keys that share their first 8 bytes; remove one',
      },
    )
  }
  const [keyId, publicKey] = found.entries().next().value as [string, Uint8Array]
  return { document, keyId, publicKey }
}

/**
 * The raw Ed25519 key of a verification method in any of the forms DID documents use:
 * Multikey / Ed25519VerificationKey2020 (`publicKeyMultibase`, Controlled Identifiers v1.0
 * §2.2.2), Ed25519VerificationKey2018 (`publicKeyBase58`), JsonWebKey(2020) (`publicKeyJwk`,
 * RFC 8037). Undefined for anything else.
 */
function ed25519KeyOf(method: VerificationMethod): Uint8Array | undefined {
  try {
    if (
      (method.type === 'Multikey' || method.type === 'Ed25519VerificationKey2020') &&
      typeof method.publicKeyMultibase === 'string'
    ) {
      return decodeMultikey(method.publicKeyMultibase, 'Ed25519').publicKey
    }
    if (method.type === 'Ed25519VerificationKey2018' && typeof method.publicKeyBase58 === 'string') {
      const key = base58btc.baseDecode(method.publicKeyBase58)
      return key.length === 32 ? key : undefined
    }
    if (
      (method.type === 'JsonWebKey2020' || method.type === 'JsonWebKey') &&
      method.publicKeyJwk !== undefined
    ) {
      const imported = importJwk(method.publicKeyJwk, 'Ed25519')
      return imported.secretKey === undefined ? imported.publicKey : undefined
    }
  } catch {
    return undefined
  }
  return undefined
}
