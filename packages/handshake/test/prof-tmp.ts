import { Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'
import { createInitiator, createResponder } from '../src/index.js'
import { issue, party, testVerifier } from './helpers.js'

const resolver = new Resolver(getResolver(), { cache: true })
const maker = await party(9)
const d = await party(1)
const g = await party(2)
d.identity.credentials = [await issue(maker, d.did)]
g.identity.credentials = [await issue(maker, g.did)]
const verifyCredentials = testVerifier({ trusted: [maker.did] })
const I = createInitiator({ identity: d.identity, policy: { resolver, verifyCredentials } })
const R = createResponder({ identity: g.identity, policy: { resolver, verifyCredentials } })
const hs = async () => {
  const { message1, next } = await I.start()
  const { message2, next: n3 } = await R.receive1(message1)
  const { message3, session } = await next.receive2(message2)
  const { ready } = await n3.receive3(message3)
  session.channel.open(ready)
}
let end = performance.now() + 3000
while (performance.now() < end) await hs()
end = performance.now() + 10000
let n = 0
const cpu = process.cpuUsage()
while (performance.now() < end) {
  await hs()
  n++
}
const u = process.cpuUsage(cpu)
console.log(n / ((u.user + u.system) / 1e6), 'handshakes per cpu-s')
