import { constantTimeEqual, decodeMultikey, importJwk, type KeyType } from '@marque/crypto'
import type { DIDDocument, VerificationMethod } from 'did-resolver'
import { base58btc } from 'multiformats/bases/base58'

/** The verification relationships the CLI looks keys up in (DID Core §5.3). */
export type Relationship = 'assertionMethod' | 'authentication' | 'keyAgreement'

// A 32-byte key is at most 44 base58 characters; bounding the input first keeps base58
// decoding (quadratic in the length) cheap on hostile documents.
const MAX_BASE58 = 64

function raw58(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length > MAX_BASE58) return undefined
  try {
    const bytes = base58btc.baseDecode(text)
    return bytes.length === 32 ? bytes : undefined
  } catch {
    return undefined
  }
}

/**
 * The public key of `type` a verification method holds, in any representation DID documents
 * use: `publicKeyMultibase` (Multikey, Controlled Identifiers v1.0 §2.2.2, as the 2020 suites
 * also write it), the raw base58 `publicKeyBase58` of the 2018/2019 suites, or a JWK
 * (RFC 8037 §2). Undefined when it holds none.
 */
export function publicKeyOf(method: VerificationMethod, type: KeyType): Uint8Array | undefined {
  if (method.publicKeyMultibase !== undefined) {
    try {
      return decodeMultikey(method.publicKeyMultibase, type).publicKey
    } catch {
      return undefined
    }
  }
  if (method.publicKeyBase58 !== undefined) return raw58(method.publicKeyBase58)
  if (method.publicKeyJwk !== undefined) {
    try {
      return importJwk(method.publicKeyJwk, type).publicKey
    } catch {
      return undefined
    }
  }
  return undefined
}

const absolute = (id: string, did: string): string => (id.startsWith('#') ? `${did}${id}` : id)

/** The verification methods `relationship` lists (by reference or embedded), with absolute ids. */
export function methodsOf(
  document: DIDDocument,
  relationship: Relationship,
): { id: string; method: VerificationMethod }[] {
  const methods = new Map<string, VerificationMethod>()
  for (const m of document.verificationMethod ?? []) methods.set(absolute(m.id, document.id), m)
  const found: { id: string; method: VerificationMethod }[] = []
  for (const entry of document[relationship] ?? []) {
    const id = absolute(typeof entry === 'string' ? entry : entry.id, document.id)
    const method = typeof entry === 'string' ? methods.get(id) : entry
    // A method controlled by another DID does not speak for this one.
    if (method !== undefined && (method.controller ?? document.id) === document.id) found.push({ id, method })
  }
  return found
}

/** The ids of the methods under `relationship` that hold `publicKey` of `type`. */
export function methodsHolding(
  document: DIDDocument,
  relationship: Relationship,
  publicKey: Uint8Array,
  type: KeyType,
): string[] {
  return methodsOf(document, relationship)
    .filter(({ method }) => {
      const key = publicKeyOf(method, type)
      return key !== undefined && constantTimeEqual(key, publicKey)
    })
    .map(({ id }) => id)
}
