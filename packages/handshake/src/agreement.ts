import { CryptoError, x25519PublicKey, x25519SharedSecret } from '@marque/crypto'
import { KEY_SHARE_LENGTH } from './constants.js'
import { HandshakeError, HandshakeErrorCode } from './errors.js'

/** A fresh ephemeral X25519 key pair from `random` (RFC 7748 §6.1). */
export async function ephemeralKeyPair(
  random: (length: number) => Uint8Array,
): Promise<{ secretKey: Uint8Array; publicKey: Uint8Array }> {
  const secretKey = random(KEY_SHARE_LENGTH)
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== KEY_SHARE_LENGTH) {
    throw new HandshakeError(
      HandshakeErrorCode.InvalidArgument,
      'random must return the number of bytes asked for',
    )
  }
  return { secretKey, publicKey: await x25519PublicKey(secretKey) }
}

/**
 * The X25519 shared secret with the peer's key share. The ephemeral secret key is erased
 * once used: it exists for one agreement only, which is what gives forward secrecy.
 * @throws HandshakeError `HANDSHAKE_INVALID_KEY_SHARE` for a low-order peer key or an
 *   all-zero result (RFC 7748 §6.1).
 */
export async function agree(secretKey: Uint8Array, peerKeyShare: Uint8Array): Promise<Uint8Array> {
  try {
    return await x25519SharedSecret(secretKey, peerKeyShare)
  } catch (cause) {
    if (!(cause instanceof CryptoError)) throw cause
    throw new HandshakeError(
      HandshakeErrorCode.InvalidKeyShare,
      'the peer’s ephemeral key is not acceptable',
      {
        hint: 'the peer sent a low-order X25519 key; the handshake was aborted',
        cause,
      },
    )
  } finally {
    secretKey.fill(0)
  }
}
