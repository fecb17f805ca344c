// Shared test fixtures: did:key identities, a did:key resolver, and a small credential issuer
// and verifier (compact JWS, EdDSA, RFC 7515 / RFC 8037) standing in for a trust policy.
import {
  base64urlDecode,
  base64urlEncode,
  createSigner,
  decodeMultikey,
  ed25519Verify,
  encodeMultikey,
  MarqueError,
  type Signer,
  sha256,
  toDidKey,
  utf8,
} from '@marque/crypto'
import { type DIDDocument, type DIDResolutionResult, type Resolvable, Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'
import type { CredentialVerifier, HandshakeIdentity, VerifiedCredential } from '../src/index.js'

export const resolver = new Resolver(getResolver())

export interface TestParty {
  did: string
  signer: Signer
  identity: HandshakeIdentity
}

/** A did:key party from a fixed one-byte seed pattern (tests only). */
export async function party(
  seedByte: number,
  credentials: HandshakeIdentity['credentials'] = [],
): Promise<TestParty> {
  const signer = await createSigner({ secretKey: new Uint8Array(32).fill(seedByte) })
  const did = toDidKey(signer.publicKey)
  return { did, signer, identity: { did, signer, credentials } }
}

/** Issues a compact JWS credential (VC-JWT 1.1 shape) from `issuer` to `subject`. */
export async function issue(
  issuer: TestParty,
  subject: string,
  options: { type?: string; exp?: number; model?: string } = {},
): Promise<string> {
  const header = base64urlEncode(
    utf8(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: `${issuer.did}#${issuer.did.slice(8)}` })),
  )
  const payload = base64urlEncode(
    utf8(
      JSON.stringify({
        iss: issuer.did,
        sub: subject,
        nbf: 1_700_000_000,
        ...(options.exp === undefined ? {} : { exp: options.exp }),
        vc: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiableCredential', options.type ?? 'DeviceIdentityCredential'],
          credentialSubject: { model: options.model ?? 'M1' },
        },
      }),
    ),
  )
  const signature = await issuer.signer(utf8(`${header}.${payload}`))
  return `${header}.${payload}.${base64urlEncode(signature)}`
}

export class TestPolicyError extends MarqueError {}

/**
 * A credential verifier for tests: requires `required` credentials of type
 * DeviceIdentityCredential, each signed by a trusted issuer's did:key, not expired, not revoked.
 */
export function testVerifier(options: {
  trusted: readonly string[]
  revoked?: Set<string>
  now?: () => number
  required?: number
}): CredentialVerifier {
  return async (peerDid, credentials) => {
    if (credentials.length < (options.required ?? 0))
      throw new TestPolicyError('POLICY_MISSING', 'credential missing')
    const out: VerifiedCredential[] = []
    for (const jwt of credentials) {
      const [h, p, s] = jwt.split('.') as [string, string, string]
      const payload = JSON.parse(new TextDecoder().decode(base64urlDecode(p))) as {
        iss: string
        sub: string
        exp?: number
        vc: { type: string[]; credentialSubject: Record<string, unknown> }
      }
      if (!options.trusted.includes(payload.iss))
        throw new TestPolicyError('POLICY_UNTRUSTED', 'untrusted issuer')
      const { publicKey } = decodeMultikey(payload.iss.slice('did:key:'.length), 'Ed25519')
      if (!(await ed25519Verify(base64urlDecode(s), utf8(`${h}.${p}`), publicKey))) {
        throw new TestPolicyError('POLICY_SIGNATURE', 'bad credential signature')
      }
      if (payload.exp !== undefined && payload.exp * 1000 < (options.now ?? Date.now)()) {
        throw new TestPolicyError('POLICY_EXPIRED', 'expired')
      }
      if (options.revoked?.has(jwt)) throw new TestPolicyError('POLICY_REVOKED', 'revoked')
      out.push({
        issuer: payload.iss,
        subject: payload.sub,
        types: payload.vc.type,
        claims: payload.vc.credentialSubject,
      })
    }
    void peerDid // the handshake itself checks that every subject is the peer
    return out
  }
}

/** Deterministic "randomness" for reproducible handshakes: SHA-256(label ‖ counter), tests only. */
export function seededRandom(label: string): (length: number) => Uint8Array {
  let counter = 0
  return (length) => {
    const out = new Uint8Array(length)
    for (let off = 0; off < length; off += 32) {
      out.set(sha256(utf8(`${label}/${counter++}`)).subarray(0, Math.min(32, length - off)), off)
    }
    return out
  }
}

/** A resolver over DID documents held in memory, with metadata, for DIDs other than did:key. */
export function memoryResolver(
  entries: Map<string, { document?: DIDDocument; deactivated?: boolean; error?: string }>,
): Resolvable {
  const keys = new Resolver(getResolver())
  return {
    async resolve(did: string): Promise<DIDResolutionResult> {
      if (did.startsWith('did:key:')) return keys.resolve(did)
      const entry = entries.get(did)
      if (entry === undefined || entry.error !== undefined) {
        return {
          didResolutionMetadata: { error: entry?.error ?? 'notFound' },
          didDocument: null,
          didDocumentMetadata: {},
        }
      }
      return {
        didResolutionMetadata: {},
        didDocument: entry.document ?? null,
        didDocumentMetadata: entry.deactivated === true ? { deactivated: true } : {},
      }
    },
  }
}

/**
 * A DID document with Multikey authentication keys, `did#key-N` for each, or with
 * `fragments: 'multikey'` `did#z6Mk…` (each key's own multikey, as did:marque names them).
 */
export function documentOf(
  did: string,
  keys: readonly Uint8Array[],
  relationships = ['authentication'],
  fragments: 'numbered' | 'multikey' = 'numbered',
): DIDDocument {
  const methods = keys.map((k, i) => ({
    id: `${did}#${fragments === 'multikey' ? encodeMultikey(k, 'Ed25519') : `key-${i + 1}`}`,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: encodeMultikey(k, 'Ed25519'),
  }))
  const doc: Record<string, unknown> = { id: did, verificationMethod: methods }
  for (const r of relationships) doc[r] = methods.map((m) => m.id)
  return doc as unknown as DIDDocument
}
