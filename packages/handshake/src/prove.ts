import { HandshakeError, HandshakeErrorCode } from './errors.js'
import { computeMac, type StepKeys } from './key-schedule.js'
import type { Config } from './options.js'
import { encodePlaintext, macStructure, signatureStructure, type WireCredential } from './plaintext.js'

/**
 * Our half of the authentication (docs/handshake.md §3.3): MAC our identity and credentials
 * under a key only the two parties hold, sign the transcript and the MAC with our DID key,
 * and return PLAINTEXT_n = [ID, signature, *credential].
 * @throws HandshakeError `HANDSHAKE_SIGNER_FAILED` when the signer fails.
 */
export async function proveIdentity(
  config: Config,
  n: 2 | 3,
  transcriptHash: Uint8Array,
  keys: StepKeys,
  peerDid: string | undefined,
): Promise<Uint8Array> {
  const id = config.encodedIdentity
  const digests = config.credentials.map((c) => c.digest)
  const mac = computeMac(keys, macStructure(n, transcriptHash, id, config.signer.publicKey, digests))
  let signature: Uint8Array
  try {
    signature = await config.signer(signatureStructure(n, transcriptHash, id, mac))
  } catch (cause) {
    throw new HandshakeError(HandshakeErrorCode.SignerFailed, 'our signer failed to sign the handshake', {
      details: `key ${config.own.keyId}`,
      hint: 'check the secure element or key service behind the signer',
      cause,
    })
  }
  const wire = config.credentials.map((c): WireCredential => {
    const byReference = typeof c.byReference === 'function' ? c.byReference(peerDid) : c.byReference === true
    return byReference ? c.digest : c.jwt
  })
  return encodePlaintext(id, signature, wire)
}
