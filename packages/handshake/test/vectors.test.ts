// The handshake-v1.json test vectors (docs/handshake.md §9): recomputed by the reference
// implementation written from the specification, and replayed byte for byte through the
// state machines with the same fixed keys and randomness.
import { createSigner, fromHex, toHex, withKeyId } from '@marque/crypto'
import { describe, expect, it } from 'vitest'
import {
  type CredentialVerifier,
  createCredentialCache,
  createInitiator,
  createResponder,
  type HandshakeParameters,
} from '../src/index.js'
import { documentOf, memoryResolver } from './helpers.js'
import file from './vectors/handshake-v1.json' with { type: 'json' }
import { VECTOR_INPUTS } from './vectors/inputs.js'
import { computeVector } from './vectors/reference.js'

// Accepts every credential as the peer's: the vectors exercise the protocol, not a policy.
const acceptAll: CredentialVerifier = async (peerDid, credentials) =>
  credentials.map(() => ({
    issuer: 'did:example:issuer',
    subject: peerDid,
    types: ['VerifiableCredential'],
    claims: {},
  }))

describe('test vectors', () => {
  it('the file holds the vectors of the fixed inputs', () => {
    expect(file.source).toMatch(/docs\/handshake\.md §9/)
    expect(file.vectors.map((v) => v.input)).toEqual(VECTOR_INPUTS)
  })

  for (const vector of file.vectors) {
    describe(vector.input.name, () => {
      it('the reference implementation reproduces every intermediate value', async () => {
        expect(await computeVector(vector.input)).toEqual(vector.output)
      })

      it('the state machines produce the same messages, transcript and frames', async () => {
        const { input, output } = vector
        // did:key resolves by itself; a did:marque of the vectors to a document listing its key.
        const documents = new Map()
        const party = async (
          role: 'initiator' | 'responder',
          seed: string,
          ephemeral: string,
          credentials: typeof input.initiatorCredentials,
        ) => {
          const did = output[`${role}_did`]!
          const keyId = output[`${role}_key_id`]
          let signer = await createSigner({ secretKey: fromHex(seed) })
          if (keyId !== undefined) {
            signer = withKeyId(signer, keyId)
            documents.set(did, { document: documentOf(did, [signer.publicKey], undefined, 'multikey') })
          }
          const cache = createCredentialCache()
          for (const c of [...input.initiatorCredentials, ...input.responderCredentials]) cache.add(c.jwt)
          return {
            identity: { did, signer, credentials },
            policy: { resolver: memoryResolver(documents), verifyCredentials: acceptAll },
            random: () => fromHex(ephemeral),
            credentialCache: cache,
          } satisfies HandshakeParameters
        }
        const initiator = createInitiator(
          await party('initiator', input.initiatorSeed, input.initiatorEphemeral, input.initiatorCredentials),
        )
        const responder = createResponder(
          await party('responder', input.responderSeed, input.responderEphemeral, input.responderCredentials),
        )
        const { message1, next } = await initiator.start()
        expect(toHex(message1)).toBe(output.message_1)
        const { message2, next: next3 } = await responder.receive1(message1)
        expect(toHex(message2)).toBe(output.message_2)
        const { message3, session } = await next.receive2(message2)
        expect(toHex(message3)).toBe(output.message_3)
        const { session: responderSession, ready } = await next3.receive3(message3)
        expect(toHex(session.transcriptHash)).toBe(output.TH_4)
        expect(toHex(responderSession.transcriptHash)).toBe(output.TH_4)
        expect(toHex(ready)).toBe(output.ready_frame)
        expect(toHex(session.channel.seal(new TextEncoder().encode(input.applicationData)))).toBe(
          output.data_frame,
        )
        expect(responderSession.peer.credentials).toEqual(input.initiatorCredentials.map((c) => c.jwt))
        expect(responderSession.peer.did).toBe(output.initiator_did)
        expect(session.peer.did).toBe(output.responder_did)
        if (output.initiator_key_id !== undefined) {
          expect(responderSession.peer.keyId).toBe(output.initiator_key_id)
          expect(session.peer.keyId).toBe(output.responder_key_id)
        }
      })
    })
  }
})
