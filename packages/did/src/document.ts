import { encodeMultikey, toDidKey } from '@marque/crypto'
import type { DIDDocument, Service as DidService, VerificationMethod } from 'did-resolver'
import type { DidState } from './state.js'

/** JSON-LD contexts of a did:marque document (DID Core §4.1; Multikey: Controlled Identifiers v1.0 §2.2.2). */
export const DID_CONTEXTS = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'] as const

/** The ids of a document's verification methods, by relationship. */
export interface VerificationMethodIds {
  /** The Ed25519 device keys, as `<did>#<Multikey>`; empty once the DID is deactivated. */
  readonly authentication: readonly string[]
  /** The same ids: the Ed25519 device keys are under `assertionMethod` too. */
  readonly assertionMethod: readonly string[]
  /** The X25519 keys, as `<did>#<Multikey>`; empty when there are none. */
  readonly keyAgreement: readonly string[]
}

/** Parameters of {@link buildDidDocument}. */
export interface BuildDidDocumentParameters {
  /** The DID the document describes: its `id`, and the base of every method and service id. */
  did: string
  /** The state to describe, as {@link readHistory} gives it for each version. */
  state: DidState
  /** Adds `@context` (the `application/did+ld+json` representation). Default true. */
  jsonLd?: boolean
}

/**
 * The DID document of a state (docs/did-method.md, "DID documents"). Each key is a Multikey
 * verification method whose fragment is the key's own Multikey, as in did:key, so an id never
 * names two keys across the DID's history. Ed25519 keys serve `authentication` and
 * `assertionMethod`, X25519 keys `keyAgreement`. `controller` is the did:key of the update
 * key. A deactivated DID has an empty document: its id alone.
 */
export function buildDidDocument(parameters: BuildDidDocumentParameters): DIDDocument {
  const { did, state } = parameters
  const context = parameters.jsonLd === false ? {} : { '@context': [...DID_CONTEXTS] }
  if (state.deactivated) return { ...context, id: did }
  const method = (key: Uint8Array, type: 'Ed25519' | 'X25519'): VerificationMethod => {
    const multikey = encodeMultikey(key, type)
    return { id: `${did}#${multikey}`, type: 'Multikey', controller: did, publicKeyMultibase: multikey }
  }
  const signing = state.keys.map((k) => method(k, 'Ed25519'))
  const agreement = state.agreementKeys.map((k) => method(k, 'X25519'))
  const document: DIDDocument = {
    ...context,
    id: did,
    controller: toDidKey(state.updateKey, 'Ed25519'),
    verificationMethod: [...signing, ...agreement],
    authentication: signing.map((m) => m.id),
    assertionMethod: signing.map((m) => m.id),
  }
  if (agreement.length > 0) document.keyAgreement = agreement.map((m) => m.id)
  if (state.services.length > 0) {
    document.service = state.services.map(
      (s): DidService => ({ id: `${did}#service-${s.id}`, type: s.type, serviceEndpoint: s.endpoint }),
    )
  }
  return document
}

/** The verification method ids a state gives, by relationship. */
export function verificationMethodIds(did: string, state: DidState): VerificationMethodIds {
  if (state.deactivated) return { authentication: [], assertionMethod: [], keyAgreement: [] }
  const signing = state.keys.map((k) => `${did}#${encodeMultikey(k, 'Ed25519')}`)
  return {
    authentication: signing,
    assertionMethod: signing,
    keyAgreement: state.agreementKeys.map((k) => `${did}#${encodeMultikey(k, 'X25519')}`),
  }
}
