import { ed25519Verify, toHex } from '@marque/crypto'
import { credentialDigest, type VerifiedCredential } from './credentials.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'
import { computeMac, type StepKeys } from './key-schedule.js'
import type { Config } from './options.js'
import { resolvePeerKey } from './peer-key.js'
import { decodePlaintext, macStructure, signatureStructure } from './plaintext.js'
import type { Peer } from './session.js'

/**
 * The peer's half of the authentication, checked as a linear checklist (docs/handshake.md
 * §5), each step with its own error:
 *  1. the plaintext decodes (`HANDSHAKE_MALFORMED`);
 *  2. the peer does not claim our own DID (`HANDSHAKE_SELF_DID`);
 *  3. the peer is the one we expected, if any (`HANDSHAKE_PEER_MISMATCH`);
 *  4. credentials sent by reference are known (`HANDSHAKE_CREDENTIAL_UNKNOWN`);
 *  5. the DID resolves, is active, and lists the named (or hinted) key under authentication
 *     (`HANDSHAKE_DID_UNRESOLVABLE`, `HANDSHAKE_DID_DEACTIVATED`, `HANDSHAKE_KEY_NOT_AUTHORIZED`);
 *  6. the signature over the transcript and our recomputed MAC verifies (`HANDSHAKE_BAD_SIGNATURE`);
 *  7. the credential policy accepts the credentials, each about the peer's DID
 *     (`HANDSHAKE_CREDENTIAL_REJECTED`, `HANDSHAKE_CREDENTIAL_SUBJECT`).
 */
export async function authenticatePeer(
  config: Config,
  n: 2 | 3,
  plaintext: Uint8Array,
  transcriptHash: Uint8Array,
  keys: StepKeys,
): Promise<Peer> {
  const what = n === 2 ? 'message 2' : 'message 3'
  const decoded = decodePlaintext(plaintext, what)
  const { did } = decoded.identity
  if (did === config.own.did) {
    throw new HandshakeError(HandshakeErrorCode.SelfDid, 'the peer claims our own DID', {
      details: `did ${did}`,
      hint: 'a message of ours was reflected back, or two devices share one identity',
    })
  }
  if (config.expectedPeer !== undefined && did !== config.expectedPeer) {
    throw new HandshakeError(HandshakeErrorCode.PeerMismatch, 'the peer is not the one expected', {
      details: `expected ${config.expectedPeer}, got ${did}`,
      hint: 'check the address: another party answered',
    })
  }
  const verify = config.policy.verifyCredentials
  const credentials: string[] = []
  if (verify !== undefined) {
    for (const c of decoded.credentials) {
      const jwt = typeof c === 'string' ? c : config.cache.get(c)
      if (jwt === undefined) {
        throw new HandshakeError(
          HandshakeErrorCode.CredentialUnknown,
          'the peer sent a credential by reference that this side has not seen',
          {
            details: `reference ${toHex(c as Uint8Array)}`,
            hint: 'the peer must send it in full; it is cached once verified',
          },
        )
      }
      credentials.push(jwt)
    }
  }
  const { document, keyId, publicKey } = await resolvePeerKey(config.policy.resolver, decoded.identity)
  const digests = decoded.credentials.map((c) => (typeof c === 'string' ? credentialDigest(c) : c))
  const id = decoded.encodedIdentity
  const mac = computeMac(keys, macStructure(n, transcriptHash, id, publicKey, digests))
  const valid = await ed25519Verify(
    decoded.signature,
    signatureStructure(n, transcriptHash, id, mac),
    publicKey,
  )
  if (!valid) {
    throw new HandshakeError(HandshakeErrorCode.BadSignature, 'the peer’s signature does not verify', {
      details: `key ${keyId}`,
      hint: 'the message was altered, relayed from another session, or signed with another key',
    })
  }
  let claims: readonly VerifiedCredential[] = []
  if (verify !== undefined) {
    const context = {
      role: n === 2 ? ('initiator' as const) : ('responder' as const),
      peerDocument: document,
      transcriptHash,
    }
    try {
      claims = await verify(did, credentials, context)
    } catch (cause) {
      throw new HandshakeError(
        HandshakeErrorCode.CredentialRejected,
        'the peer’s credentials do not satisfy the policy',
        {
          details: `did ${did}${cause instanceof Error ? `: ${cause.message}` : ''}`,
          cause,
        },
      )
    }
    if (!Array.isArray(claims) || claims.length !== credentials.length) {
      throw new HandshakeError(
        HandshakeErrorCode.CredentialRejected,
        'the credential policy did not report on every credential',
        {
          details: `${credentials.length} credentials, ${Array.isArray(claims) ? claims.length : 'no'} results`,
          hint: 'verifyCredentials must return one VerifiedCredential per credential, in order',
        },
      )
    }
    claims.forEach((claim, i) => {
      if (claim?.subject !== did) {
        throw new HandshakeError(
          HandshakeErrorCode.CredentialSubject,
          'a credential is about someone other than the peer',
          {
            details: `credential ${i}: subject ${String(claim?.subject)}, peer ${did}`,
            hint: 'a party may only present credentials issued to its own DID',
          },
        )
      }
    })
    decoded.credentials.forEach((c, i) => {
      if (typeof c === 'string') config.cache.add(c, digests[i])
    })
  }
  return Object.freeze({
    did,
    keyId,
    publicKey,
    document,
    claims: Object.freeze([...claims]),
    credentials: Object.freeze(credentials),
  })
}
