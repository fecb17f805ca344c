// The device side as a web page runs it: bundled for the browser (no Node.js built-in),
// it connects to a gateway over the page's WebSocket and echoes one message.
import { createSigner, fromHex, toDidKey } from '@marque/crypto'
import { connect } from '@marque/handshake/device'
import { Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'

async function runDevice(url: string, gatewayDid: string, seedHex: string) {
  const signer = await createSigner({ secretKey: fromHex(seedHex) })
  const did = toDidKey(signer.publicKey)
  const resolver = new Resolver(getResolver())
  const { peer, channel } = await connect({
    url,
    identity: { did, signer },
    policy: { resolver },
    expectedPeer: gatewayDid,
  })
  channel.send(new TextEncoder().encode(`hello from ${did}`))
  const echo = new TextDecoder().decode(await channel.receive())
  channel.close()
  return { did, peer: peer.did, echo }
}

;(globalThis as { runDevice?: typeof runDevice }).runDevice = runDevice
