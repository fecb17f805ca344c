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

/** Connects to a listener that never completes the WebSocket opening; returns the error code. */
async function runUnanswered(url: string, stepTimeoutMs: number): Promise<string> {
  const signer = await createSigner({ secretKey: new Uint8Array(32).fill(8) })
  try {
    await connect({
      url,
      stepTimeoutMs,
      identity: { did: toDidKey(signer.publicKey), signer },
      policy: { resolver: new Resolver(getResolver()) },
    })
    return 'connected'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

;(globalThis as { runDevice?: typeof runDevice }).runDevice = runDevice
;(globalThis as { runUnanswered?: typeof runUnanswered }).runUnanswered = runUnanswered
