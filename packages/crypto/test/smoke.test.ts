// RFC 8032 §7.1 TEST 1 and RFC 7748 §6.1, run on every backend this platform has.
import { describe, expect, it } from 'vitest'
import {
  availableBackends,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  encodeMultikey,
  fromHex,
  toHex,
  useBackend,
  x25519PublicKey,
  x25519SharedSecret,
} from '../src/index.js'

for (const name of availableBackends().keys()) {
  describe(`backend ${name}`, () => {
    it('RFC 8032 §7.1 TEST 1', async () => {
      useBackend(name)
      const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
      const pub = await ed25519PublicKey(seed)
      expect(toHex(pub)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
      const sig = await ed25519Sign(new Uint8Array(), seed)
      expect(toHex(sig)).toBe(
        'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      )
      expect(await ed25519Verify(sig, new Uint8Array(), pub)).toBe(true)
      expect(encodeMultikey(pub, 'Ed25519').startsWith('z6Mk')).toBe(true)
    })
    it('RFC 7748 §6.1', async () => {
      useBackend(name)
      const a = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
      const b = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
      expect(toHex(await x25519PublicKey(a))).toBe(
        '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
      )
      expect(toHex(await x25519SharedSecret(a, await x25519PublicKey(b)))).toBe(
        '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
      )
    })
  })
}
