// Bundled for the browser by test/browser.test.ts and run in Chromium: the automatic
// backend choice, then the same vectors on each backend the page has. Returns plain data.
import {
  aeadSeal,
  CryptoError,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  fromHex,
  getBackend,
  hkdfSha256,
  jwkThumbprint,
  toHex,
  useBackend,
  x25519SharedSecret,
} from '../src/index.js'
import { RFC5869_SHA256 } from './vectors/rfc5869.js'
import { RFC7748_DH } from './vectors/rfc7748.js'
import { RFC8032_ED25519 } from './vectors/rfc8032.js'
import { A2_PUBLIC_JWK } from './vectors/rfc8037.js'
import { RFC8439_2_8_2 } from './vectors/rfc8439.js'
import { X25519_LOW_ORDER } from './vectors/small-order.js'
import { TAMING_EDDSA } from './vectors/taming-eddsa.js'

async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn()
    return 'no error'
  } catch (error) {
    return error instanceof CryptoError ? error.code : String(error)
  }
}

export interface VectorResults {
  rfc8032: { publicKey: string; signature: string; verified: boolean }[]
  taming: boolean[]
  x25519: string
  lowOrder: string[]
  hkdf: string
  aead: string
  thumbprint: string
}

async function vectors(): Promise<VectorResults> {
  const rfc8032 = []
  for (const v of RFC8032_ED25519) {
    const seed = fromHex(v.secretKey)
    const message = fromHex(v.message)
    rfc8032.push({
      publicKey: toHex(await ed25519PublicKey(seed)),
      signature: toHex(await ed25519Sign(message, seed)),
      verified: await ed25519Verify(fromHex(v.signature), message, fromHex(v.publicKey)),
    })
  }
  const taming = []
  for (const t of TAMING_EDDSA) {
    taming.push(await ed25519Verify(fromHex(t.signature), fromHex(t.message), fromHex(t.publicKey)))
  }
  const dh = RFC7748_DH
  const h = RFC5869_SHA256[0]
  const a = RFC8439_2_8_2
  return {
    rfc8032,
    taming,
    x25519: toHex(await x25519SharedSecret(fromHex(dh.alicePrivate), fromHex(dh.bobPublic))),
    lowOrder: await Promise.all(
      X25519_LOW_ORDER.map((u) => codeOf(() => x25519SharedSecret(fromHex(dh.alicePrivate), fromHex(u)))),
    ),
    hkdf: toHex(hkdfSha256(fromHex(h.ikm), fromHex(h.salt), fromHex(h.info), h.length)),
    aead: toHex(
      aeadSeal(fromHex(a.key), fromHex(a.nonce), new TextEncoder().encode(a.plaintext), fromHex(a.aad)),
    ),
    thumbprint: jwkThumbprint(A2_PUBLIC_JWK),
  }
}

async function marqueChecks() {
  const initial = getBackend().name
  const first = await vectors() // the first signature makes the automatic choice
  const automatic = getBackend().name
  useBackend('noble')
  const noble = await vectors()
  return { secure: globalThis.isSecureContext, initial, automatic, results: { [automatic]: first, noble } }
}

;(globalThis as unknown as { marqueChecks: typeof marqueChecks }).marqueChecks = marqueChecks
