// A second, straight-line implementation of the handshake written from docs/handshake.md
// alone (CBOR via cborg, primitives via @marque/crypto), used to produce and check the test
// vectors independently of the state machines in src/.
import {
  aeadSeal,
  concatBytes,
  createSigner,
  hkdfSha256,
  hmacSha256,
  sha256,
  toDidKey,
  toHex,
  utf8,
  x25519PublicKey,
  x25519SharedSecret,
} from '@marque/crypto'
import { encode } from 'cborg'
import { base58btc } from 'multiformats/bases/base58'

export interface VectorInput {
  name: string
  initiatorSeed: string
  responderSeed: string
  initiatorEphemeral: string
  responderEphemeral: string
  /** A did:marque instead of a did:key: the 22 bytes of its id (hex; opaque to the handshake). */
  initiatorMarqueId?: string
  responderMarqueId?: string
  /** Credentials: the JWT and whether it is sent by reference. */
  initiatorCredentials: { jwt: string; byReference: boolean }[]
  responderCredentials: { jwt: string; byReference: boolean }[]
  /** Sent by the initiator over the channel after the ready frame. */
  applicationData: string
}

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)))
const info = (label: string) => utf8(`marque-handshake 1.1 ${label}`)

export async function computeVector(input: VectorInput): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const put = (k: string, v: Uint8Array | string) => {
    out[k] = typeof v === 'string' ? v : toHex(v)
    return v
  }
  const sI = await createSigner({ secretKey: hex(input.initiatorSeed) })
  const sR = await createSigner({ secretKey: hex(input.responderSeed) })
  // ID_I and ID_R below are the CBOR encodings of ID. §3.2: a did:key travels as its 32-byte Ed25519 key; a did:marque on the default network as
  // [its 22 id bytes, the first 8 bytes of its key], its key's fragment being the key's multikey.
  const identity = (role: 'initiator' | 'responder', publicKey: Uint8Array, marqueId?: string) => {
    if (marqueId === undefined) {
      put(`${role}_did`, toDidKey(publicKey))
      return encode(publicKey)
    }
    const id = hex(marqueId)
    const did = `did:marque:${base58btc.baseEncode(id)}`
    put(`${role}_did`, did)
    put(`${role}_key_id`, `${did}#${base58btc.encode(concatBytes(Uint8Array.of(0xed, 0x01), publicKey))}`)
    return encode([id, publicKey.subarray(0, 8)])
  }
  const idI = put('ID_I', identity('initiator', sI.publicKey, input.initiatorMarqueId)) as Uint8Array
  const idR = put('ID_R', identity('responder', sR.publicKey, input.responderMarqueId)) as Uint8Array
  const x = hex(input.initiatorEphemeral)
  const y = hex(input.responderEphemeral)
  const gX = put('G_X', await x25519PublicKey(x)) as Uint8Array
  const gY = put('G_Y', await x25519PublicKey(y)) as Uint8Array
  const gXY = put('G_XY', await x25519SharedSecret(x, gY)) as Uint8Array
  const m1 = put('message_1', encode([1, 1, gX])) as Uint8Array
  const th2 = put('TH_2', sha256(concatBytes(m1, gY))) as Uint8Array

  // A CBOR array whose items are given already encoded (RFC 8949 §3.1: major type 4).
  const array = (...items: Uint8Array[]) => concatBytes(Uint8Array.of(0x80 + items.length), ...items)
  const half = async (
    n: 2 | 3,
    th: Uint8Array,
    id: Uint8Array,
    signer: typeof sI,
    creds: VectorInput['initiatorCredentials'],
  ) => {
    // §4: K_Mn ‖ K_n ‖ N_n = HKDF(G_XY, TH_n, LABEL("step n"), 76)
    const okm = hkdfSha256(gXY, th, info(`step ${n}`), 76)
    const kM = put(`K_M${n}`, okm.subarray(0, 32)) as Uint8Array
    put(`K_${n}`, okm.subarray(32, 64))
    put(`N_${n}`, okm.subarray(64, 76))
    const digests = creds.map((c) => sha256(utf8(c.jwt)))
    const head = ['marque-handshake', 1, 1, n, th].map((v) => encode(v))
    // §3.3: MAC_STRUCTURE_n = ["marque-handshake", 1, 1, n, TH_n, ID, PK, [*digest]]
    const macStructure = put(
      `MAC_STRUCTURE_${n}`,
      array(...head, id, encode(signer.publicKey), encode(digests)),
    ) as Uint8Array
    const mac = put(`MAC_${n}`, hmacSha256(kM, macStructure)) as Uint8Array
    const sigStructure = put(`SIGNATURE_STRUCTURE_${n}`, array(...head, id, encode(mac))) as Uint8Array
    const signature = put(`SIGNATURE_${n}`, await signer(sigStructure)) as Uint8Array
    const wire = creds.map((c, i) => (c.byReference ? digests[i]! : c.jwt))
    const plaintext = put(
      `PLAINTEXT_${n}`,
      array(id, encode(signature), ...wire.map((w) => encode(w))),
    ) as Uint8Array
    return { plaintext, key: okm.subarray(32, 64), nonce: okm.subarray(64, 76) }
  }

  const s2 = await half(2, th2, idR, sR, input.responderCredentials)
  // §3.3: ChaCha20 keystream from block counter 1 = ChaCha20-Poly1305's ciphertext without tag.
  const ct2 = put(
    'CIPHERTEXT_2',
    aeadSeal(s2.key, s2.nonce, s2.plaintext).subarray(0, s2.plaintext.length),
  ) as Uint8Array
  put('message_2', encode(concatBytes(gY, ct2)))
  const th3 = put('TH_3', sha256(concatBytes(th2, s2.plaintext))) as Uint8Array
  const s3 = await half(3, th3, idI, sI, input.initiatorCredentials)
  const ct3 = put('CIPHERTEXT_3', aeadSeal(s3.key, s3.nonce, s3.plaintext, th3)) as Uint8Array
  put('message_3', encode(ct3))
  const th4 = put('TH_4', sha256(concatBytes(th3, s3.plaintext))) as Uint8Array
  const okm4 = hkdfSha256(gXY, th4, info('session'), 120)
  put('PRK_out', okm4.subarray(0, 32))
  const [kI, ivI, kR, ivR] = [
    okm4.slice(32, 64),
    okm4.slice(64, 76),
    okm4.slice(76, 108),
    okm4.slice(108, 120),
  ]
  put('K_I2R', kI)
  put('IV_I2R', ivI)
  put('K_R2I', kR)
  put('IV_R2I', ivR)
  // §7.1: frame = type ‖ sequence (8 bytes) ‖ AEAD(payload), aad = header, nonce = IV ⊕ (0^4 ‖ seq).
  const frame = (type: number, seq: number, key: Uint8Array, iv: Uint8Array, payload: Uint8Array) => {
    const header = new Uint8Array(9)
    header[0] = type
    new DataView(header.buffer).setUint32(5, seq)
    const nonce = iv.slice()
    for (let i = 0; i < 8; i++) nonce[4 + i]! ^= header[1 + i]!
    return concatBytes(header, aeadSeal(key, nonce, payload, header))
  }
  put('ready_frame', frame(1, 0, kR, ivR, new Uint8Array(0)))
  put('data_frame', frame(2, 0, kI, ivI, utf8(input.applicationData)))
  put('K_I2R_epoch_1', hkdfSha256(kI, new Uint8Array(0), info('key update'), 32))
  out.total_bytes = String((out.message_1!.length + out.message_2!.length + out.message_3!.length) / 2)
  return out
}
