// `pnpm bench crypto`: Ed25519 sign and verify, X25519 agreement and ChaCha20-Poly1305
// seal of 1 KiB through @marque/crypto on each backend, beside the library underneath
// called directly in the same run: node:crypto with KeyObjects prepared once, @noble
// directly, and crypto.subtle with CryptoKeys prepared once.
//
// Targets: the native backend verifies at ≥ 0.8× raw node:crypto; the portable backend is
// within 1.2× of raw @noble (ratio ≥ 0.83) for every operation. Other rows show the ratio.
import {
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto'
import {
  aeadSeal,
  availableBackends,
  type CryptoBackend,
  createSigner,
  createWebCryptoBackend,
  ed25519Verify,
  fromHex,
  useBackend,
  x25519SharedSecret,
} from '@marque/crypto'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { x25519 } from '@noble/curves/ed25519.js'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { opsFmt, type Row, report } from '../harness.js'

ed.hashes.sha512 = sha512

// Fixed inputs (RFC 8032 §7.1 TEST 1 key, RFC 7748 §6.1 keys), so runs compare alike.
const SEED = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
const ALICE = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
const BOB_PUBLIC = fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
const MESSAGE = new Uint8Array(64).fill(0x5a) // a handshake transcript hash and some framing
const AEAD_KEY = new Uint8Array(32).fill(7)
const NONCE = new Uint8Array(12).fill(1)
const PLAINTEXT = new Uint8Array(1024).fill(0x42)

const pkcs8 = (prefix: string, raw: Uint8Array) => Buffer.concat([Buffer.from(prefix, 'hex'), raw])
const ED_PKCS8 = '302e020100300506032b657004220420'
const ED_SPKI = '302a300506032b6570032100'
const X_PKCS8 = '302e020100300506032b656e04220420'
const X_SPKI = '302a300506032b656e032100'

interface Pair {
  op: string
  backend: CryptoBackend
  ours: () => unknown
  peerName: string
  peer: () => unknown
  target?: number
}

/**
 * Ours and the peer, measured in alternating batches of a few milliseconds each for
 * `seconds`, so the load of a shared machine falls on both alike: the ratio is the figure
 * that matters, and interleaving keeps it steady where back-to-back runs swing by ±30%.
 */
async function measurePair(pair: Pair, seconds = 2.5): Promise<{ ours: number; peer: number }> {
  useBackend(pair.backend)
  const run = async (fn: () => unknown, n: number): Promise<number> => {
    const t0 = performance.now()
    for (let i = 0; i < n; i++) await fn()
    return performance.now() - t0
  }
  // Warm up both, and size a batch to about 5 ms of the slower side.
  let batch = 1
  while (Math.max(await run(pair.ours, batch), await run(pair.peer, batch)) < 5) batch *= 2
  const time = { ours: 0, peer: 0 }
  let calls = 0
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    time.ours += await run(pair.ours, batch)
    time.peer += await run(pair.peer, batch)
    calls += batch
  }
  return { ours: (calls * 1000) / time.ours, peer: (calls * 1000) / time.peer }
}

export default async function cryptoSuite(): Promise<void> {
  const node = availableBackends().get('node')!
  const noble = availableBackends().get('noble')!
  const webcrypto = await createWebCryptoBackend()
  const subtle = globalThis.crypto.subtle

  const signature = new Uint8Array(
    nodeSign(null, MESSAGE, createPrivateKey({ key: pkcs8(ED_PKCS8, SEED), format: 'der', type: 'pkcs8' })),
  )
  const publicKey = ed.getPublicKey(SEED)

  // Raw node:crypto: KeyObjects prepared once.
  const edPrivate: KeyObject = createPrivateKey({ key: pkcs8(ED_PKCS8, SEED), format: 'der', type: 'pkcs8' })
  const edPublic: KeyObject = createPublicKey({ key: pkcs8(ED_SPKI, publicKey), format: 'der', type: 'spki' })
  const xPrivate: KeyObject = createPrivateKey({ key: pkcs8(X_PKCS8, ALICE), format: 'der', type: 'pkcs8' })
  const xPeer: KeyObject = createPublicKey({ key: pkcs8(X_SPKI, BOB_PUBLIC), format: 'der', type: 'spki' })
  // Raw WebCrypto: CryptoKeys prepared once.
  const wEdPrivate = await subtle.importKey('pkcs8', pkcs8(ED_PKCS8, SEED), 'Ed25519', false, ['sign'])
  const wEdPublic = await subtle.importKey('raw', new Uint8Array(publicKey), 'Ed25519', false, ['verify'])
  const wxPrivate = await subtle.importKey('pkcs8', pkcs8(X_PKCS8, ALICE), 'X25519', false, ['deriveBits'])
  const wxPeer = await subtle.importKey('raw', new Uint8Array(BOB_PUBLIC), 'X25519', false, [])

  // Our signers, made once per backend as an application would.
  useBackend(node)
  const nodeSigner = await createSigner({ secretKey: SEED })
  useBackend(noble)
  const nobleSigner = await createSigner({ secretKey: SEED })
  useBackend(webcrypto)
  const webSigner = await createSigner({ secretKey: SEED })

  const verify = () => ed25519Verify(signature, MESSAGE, publicKey)
  const agree = () => x25519SharedSecret(ALICE, BOB_PUBLIC)
  // A new array each call defeats the per-array key cache: the cost of a one-off key.
  const agreeFresh = () => x25519SharedSecret(ALICE.slice(), BOB_PUBLIC)
  const seal = () => aeadSeal(AEAD_KEY, NONCE, PLAINTEXT)
  const nodeSeal = () => {
    const cipher = createCipheriv('chacha20-poly1305', AEAD_KEY, NONCE, { authTagLength: 16 })
    const body = cipher.update(PLAINTEXT)
    cipher.final()
    return [body, cipher.getAuthTag()]
  }
  const nobleSeal = () => chacha20poly1305(AEAD_KEY, NONCE).encrypt(PLAINTEXT)
  const NATIVE_VERIFY = 0.8
  const PORTABLE = 0.83

  const nodeDh = () => diffieHellman({ privateKey: xPrivate, publicKey: xPeer })
  const pair = (
    op: string,
    backend: CryptoBackend,
    ours: () => unknown,
    peerName: string,
    peer: () => unknown,
    target?: number,
  ): Pair => ({ op, backend, ours, peerName, peer, ...(target === undefined ? {} : { target }) })
  const pairs: Pair[] = [
    pair(
      'Ed25519 sign',
      node,
      () => nodeSigner(MESSAGE),
      'node:crypto',
      () => nodeSign(null, MESSAGE, edPrivate),
    ),
    pair(
      'Ed25519 verify',
      node,
      verify,
      'node:crypto',
      () => nodeVerify(null, MESSAGE, edPublic, signature),
      NATIVE_VERIFY,
    ),
    pair('X25519 agreement', node, agree, 'node:crypto', nodeDh),
    pair('X25519 agreement, fresh key array', node, agreeFresh, 'node:crypto', nodeDh),
    pair('ChaCha20-Poly1305 seal 1 KiB', node, seal, 'node:crypto', nodeSeal),
    pair(
      'Ed25519 sign',
      noble,
      () => nobleSigner(MESSAGE),
      '@noble/ed25519',
      () => ed.sign(MESSAGE, SEED),
      PORTABLE,
    ),
    pair(
      'Ed25519 verify',
      noble,
      verify,
      '@noble/ed25519',
      () => ed.verify(signature, MESSAGE, publicKey, { zip215: false }),
      PORTABLE,
    ),
    pair(
      'X25519 agreement',
      noble,
      agree,
      '@noble/curves',
      () => x25519.getSharedSecret(ALICE, BOB_PUBLIC),
      PORTABLE,
    ),
    pair('ChaCha20-Poly1305 seal 1 KiB', noble, seal, '@noble/ciphers', nobleSeal, PORTABLE),
    pair(
      'Ed25519 sign',
      webcrypto,
      () => webSigner(MESSAGE),
      'crypto.subtle',
      () => subtle.sign('Ed25519', wEdPrivate, MESSAGE),
    ),
    pair('Ed25519 verify', webcrypto, verify, 'crypto.subtle', () =>
      subtle.verify('Ed25519', wEdPublic, signature, MESSAGE),
    ),
    pair('X25519 agreement', webcrypto, agree, 'crypto.subtle', () =>
      subtle.deriveBits({ name: 'X25519', public: wxPeer }, wxPrivate, 256),
    ),
    pair('X25519 agreement, fresh key array', webcrypto, agreeFresh, 'crypto.subtle', () =>
      subtle.deriveBits({ name: 'X25519', public: wxPeer }, wxPrivate, 256),
    ),
    pair('ChaCha20-Poly1305 seal 1 KiB', webcrypto, seal, '@noble/ciphers', nobleSeal),
  ]

  const rows: Row[] = []
  for (const p of pairs) {
    const { ours, peer } = await measurePair(p)
    const ratio = ours / peer
    rows.push({
      name: `${p.op} · ${p.backend.name} backend vs ${p.peerName}`,
      ours: opsFmt(ours),
      peer: opsFmt(peer),
      ratio,
      ...(p.target === undefined ? {} : { target: `≥ ${p.target.toFixed(2)}×`, met: ratio >= p.target }),
    })
  }
  useBackend('auto')
  report(
    '@marque/crypto: ours beside the library underneath, same run (interleaved batches, 2.5 s a row)',
    rows,
  )
}
