import type { VectorInput } from './reference.js'

// Fixed inputs of the test vectors (docs/handshake.md §9). Seeds and ephemeral secrets are
// arbitrary fixed values; the credentials are fixed compact JWS strings (their signatures are
// not checked by the handshake itself, only by the credential policy).
const credentialI =
  'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTptYWtlciIsInN1YiI6ImRldmljZSJ9.c2lnbmF0dXJlLW9mLXRoZS1tYW51ZmFjdHVyZXI'
const credentialR =
  'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTpvcGVyYXRvciIsInN1YiI6ImdhdGV3YXkifQ.c2lnbmF0dXJlLW9mLXRoZS1vcGVyYXRvcg'

const base = {
  initiatorSeed: '11'.repeat(32),
  responderSeed: '22'.repeat(32),
  initiatorEphemeral: `a8${'ab'.repeat(30)}6b`,
  responderEphemeral: `c8${'cd'.repeat(30)}4d`,
  applicationData: 'hello, gateway',
}

export const VECTOR_INPUTS: VectorInput[] = [
  { name: 'did:key both sides, no credentials', ...base, initiatorCredentials: [], responderCredentials: [] },
  {
    name: 'one credential each, by value',
    ...base,
    initiatorCredentials: [{ jwt: credentialI, byReference: false }],
    responderCredentials: [{ jwt: credentialR, byReference: false }],
  },
  {
    name: 'one credential each, by reference',
    ...base,
    initiatorCredentials: [{ jwt: credentialI, byReference: true }],
    responderCredentials: [{ jwt: credentialR, byReference: true }],
  },
  {
    // The 22 id bytes are a 6-byte locator and a 16-byte digest (docs/did-method.md); the
    // handshake treats them as opaque, so they are fixed values here.
    name: 'did:marque both sides, no credentials',
    ...base,
    initiatorMarqueId: `000000000001${'5a'.repeat(16)}`,
    responderMarqueId: `000000000002${'a5'.repeat(16)}`,
    initiatorCredentials: [],
    responderCredentials: [],
  },
]
