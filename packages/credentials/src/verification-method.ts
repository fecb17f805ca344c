import { decodeMultikey, importJwk } from '@marque/crypto'
import type { DIDDocument, VerificationMethod } from 'did-resolver'
import { base58btc } from 'multiformats/bases/base58'

/** The verification relationships Marque checks (DID Core §5.3). */
export type Relationship = 'assertionMethod' | 'authentication'

/** What a DID document says about one verification method id. */
export type MethodLookup =
  | { found: true; referenced: boolean; publicKey: Uint8Array | undefined }
  | { found: false; referenced: false }

function absolute(id: string, documentId: string): string {
  return id.startsWith('#') ? `${documentId}${id}` : id
}

/**
 * Looks `id` (an absolute DID URL) up in `document`: whether a verification method has that
 * id, whether `relationship` references it (by id, or by embedding it), and its Ed25519
 * public key when it has one. A document without the relationship lists no method under it:
 * there is no fall-back to `verificationMethod` (DID Core §5.3).
 */
export function lookUpMethod(document: DIDDocument, id: string, relationship: Relationship): MethodLookup {
  let method: VerificationMethod | undefined
  let referenced = false
  const relation = document[relationship]
  if (Array.isArray(relation)) {
    for (const entry of relation) {
      if (typeof entry === 'string') {
        if (absolute(entry, document.id) === id) referenced = true
      } else if (isMethod(entry) && absolute(entry.id, document.id) === id) {
        referenced = true
        method = entry
      }
    }
  }
  method ??= findMethod(document, id)
  if (method === undefined) return { found: false, referenced: false }
  return { found: true, referenced, publicKey: ed25519KeyOf(method, document.id) }
}

function findMethod(document: DIDDocument, id: string): VerificationMethod | undefined {
  const lists: unknown[] = [document.verificationMethod, document.publicKey]
  for (const relationship of [
    'authentication',
    'assertionMethod',
    'keyAgreement',
    'capabilityInvocation',
    'capabilityDelegation',
  ] as const) {
    lists.push(document[relationship])
  }
  for (const list of lists) {
    if (!Array.isArray(list)) continue
    for (const entry of list) {
      if (isMethod(entry) && absolute(entry.id, document.id) === id) return entry
    }
  }
  return undefined
}

function isMethod(entry: unknown): entry is VerificationMethod {
  return typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string'
}

/**
 * The 32-byte Ed25519 public key of a verification method, or undefined when the method is
 * not an Ed25519 key or its key does not decode. Accepted representations:
 * `Multikey` / `Ed25519VerificationKey2020` with `publicKeyMultibase` (`z6Mk…`, Controlled
 * Identifiers v1.0 §2.2.2), `Ed25519VerificationKey2018` with `publicKeyBase58` (as
 * key-did-resolver writes it), and `JsonWebKey2020` / `JsonWebKey` with an OKP Ed25519
 * `publicKeyJwk` (RFC 8037 §2). The method's controller must be the document's subject.
 */
export function ed25519KeyOf(method: VerificationMethod, documentId: string): Uint8Array | undefined {
  if (method.controller !== undefined && method.controller !== documentId) return undefined
  try {
    switch (method.type) {
      case 'Multikey':
      case 'Ed25519VerificationKey2020':
        return typeof method.publicKeyMultibase === 'string'
          ? decodeMultikey(method.publicKeyMultibase, 'Ed25519').publicKey
          : undefined
      case 'Ed25519VerificationKey2018': {
        if (typeof method.publicKeyBase58 !== 'string') return undefined
        const key = base58btc.baseDecode(method.publicKeyBase58)
        return key.length === 32 ? key : undefined
      }
      case 'JsonWebKey2020':
      case 'JsonWebKey':
        return method.publicKeyJwk === undefined
          ? undefined
          : importJwk(method.publicKeyJwk, 'Ed25519').publicKey
      default:
        return undefined
    }
  } catch {
    return undefined
  }
}
