// The usage example of docs/handshake.md §1, verbatim (docs.test.ts checks and runs it).
import { createSigner, toDidKey } from '@marque/crypto'
import type { HandshakeError } from '@marque/handshake'
import { connect, listen } from '@marque/handshake/gateway'
import { Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'

const resolver = new Resolver(getResolver())
const party = async () => {
  const signer = await createSigner({ secretKey: crypto.getRandomValues(new Uint8Array(32)) })
  return { did: toDidKey(signer.publicKey), signer }
}

// The gateway: accepts devices on 127.0.0.1, learns each peer's DID and verified claims.
const gatewayIdentity = await party()
const gateway = await listen({ host: '127.0.0.1', port: 0, identity: gatewayIdentity, policy: { resolver } })
gateway.on('session', async ({ peer, channel }) => {
  try {
    for await (const message of channel) channel.send(message) // echo
    console.log('session with', peer.did, 'closed')
  } catch (error) {
    console.log('session with', peer.did, 'failed:', (error as HandshakeError).code)
  }
})

// The device: reaches the gateway, checks that it is the one expected, talks.
const device = await connect({
  host: '127.0.0.1',
  port: gateway.port,
  identity: await party(),
  policy: { resolver },
  expectedPeer: gatewayIdentity.did,
})
device.channel.send(new TextEncoder().encode('hello'))
console.log(new TextDecoder().decode(await device.channel.receive())) // hello
device.channel.close()
await gateway.close()
