// A short self-check of the crypto suite on this machine, run by `pnpm demo` until the
// end-to-end scenario lands. It signs, verifies, agrees on a key and encrypts with every
// backend this platform has, and prints one line per step.
import {
  aeadOpen,
  aeadSeal,
  availableBackends,
  encodeMultikey,
  generateSigner,
  generateX25519KeyPair,
  hkdfSha256,
  randomBytes,
  useBackend,
  utf8,
  x25519SharedSecret,
} from '@marque/crypto'

for (const name of availableBackends().keys()) {
  useBackend(name)
  const signer = await generateSigner()
  const message = utf8('marque self-check')
  const signature = await signer(message)
  const { ed25519Verify } = await import('@marque/crypto')
  const ok = await ed25519Verify(signature, message, signer.publicKey)
  const a = await generateX25519KeyPair()
  const b = await generateX25519KeyPair()
  const s1 = await x25519SharedSecret(a.secretKey, b.publicKey)
  const s2 = await x25519SharedSecret(b.secretKey, a.publicKey)
  const key = hkdfSha256(s1, new Uint8Array(), utf8('self-check'), 32)
  const nonce = randomBytes(12)
  const opened = aeadOpen(
    hkdfSha256(s2, new Uint8Array(), utf8('self-check'), 32),
    nonce,
    aeadSeal(key, nonce, message),
  )
  const agreed = opened.length === message.length && opened.every((v, i) => v === message[i])
  console.log(
    `${name.padEnd(9)} key ${encodeMultikey(signer.publicKey, 'Ed25519').slice(0, 16)}…  sign+verify ${ok ? 'ok' : 'FAILED'}  x25519+hkdf+aead ${agreed ? 'ok' : 'FAILED'}`,
  )
  if (!ok || !agreed) process.exitCode = 1
}
