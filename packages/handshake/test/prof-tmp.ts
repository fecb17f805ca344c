import { createSigner, randomBytes, toDidKey } from '@marque/crypto'
import { Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'
import { createInitiator, createResponder } from '../src/index.js'

const resolver = new Resolver(getResolver(), { cache: true })
const mk = async () => {
  const signer = await createSigner({ secretKey: randomBytes(32) })
  return { did: toDidKey(signer.publicKey), signer }
}
const d = await mk()
const g = await mk()
const I = createInitiator({ identity: d, policy: { resolver } })
const R = createResponder({ identity: g, policy: { resolver } })
const end = performance.now() + 6000
let n = 0
while (performance.now() < end) {
  const { message1, next } = await I.start()
  const { message2, next: n3 } = await R.receive1(message1)
  const { message3, session } = await next.receive2(message2)
  const { ready } = await n3.receive3(message3)
  session.channel.open(ready)
  n++
}
console.log(n / 6, 'handshakes/s')
