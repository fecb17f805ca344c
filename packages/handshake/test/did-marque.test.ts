// Peers with did:marque DIDs on a ledger: resolution through @marque/did, a rotated-out key,
// a deactivated DID, an unregistered one, and the compact encoding on the wire.
import { generateSigner, type Signer, withKeyId } from '@marque/crypto'
import { createDidClient, createResolver, getResolver } from '@marque/did'
import { createMemoryLedger } from '@marque/ledger'
import { Resolver } from 'did-resolver'
import { describe, expect, it } from 'vitest'
import { createInitiator, createResponder, HandshakeErrorCode, type HandshakeIdentity } from '../src/index.js'

const code = (c: string) => expect.objectContaining({ code: c })

async function setup() {
  const ledger = createMemoryLedger()
  const marque = createResolver({ ledgers: { default: ledger } })
  const client = createDidClient({ ledger, resolver: marque })
  const resolver = new Resolver(getResolver(marque))
  const register = async () => {
    const deviceKey = await generateSigner()
    const updateKey = await generateSigner()
    const recoveryKey = await generateSigner()
    const { did, verificationMethodIds } = await client.create({ deviceKey, updateKey, recoveryKey })
    const signer = withKeyId(deviceKey, verificationMethodIds.authentication[0]!)
    return { did, signer, updateKey, recoveryKey, identity: { did, signer } as HandshakeIdentity }
  }
  return { client, resolver, register }
}

async function handshake(resolver: Resolver, device: HandshakeIdentity, gateway: HandshakeIdentity) {
  const { message1, next } = await createInitiator({ identity: device, policy: { resolver } }).start()
  const { message2, next: next3 } = await createResponder({
    identity: gateway,
    policy: { resolver },
  }).receive1(message1)
  const { message3, session } = await next.receive2(message2)
  const finished = await next3.receive3(message3)
  return {
    sizes: [message1.length, message2.length, message3.length],
    initiator: session,
    responder: finished.session,
  }
}

describe('did:marque peers', () => {
  it('authenticate both ways, each identity sent in 33 bytes (22-byte id, 8-byte key hint)', async () => {
    const { resolver, register } = await setup()
    const device = await register()
    const gateway = await register()
    const { sizes, initiator, responder } = await handshake(resolver, device.identity, gateway.identity)
    expect(initiator.peer.did).toBe(gateway.did)
    expect(responder.peer.did).toBe(device.did)
    expect(responder.peer.keyId).toBe(device.signer.keyId)
    expect(initiator.peer.keyId).toBe(gateway.signer.keyId)
    // did:key both sides is 37/135/119 (docs/handshake.md §10); a did:marque ID is 33 bytes
    // against a did:key's 34, so each of messages 2 and 3 is one byte shorter.
    expect(sizes).toEqual([37, 134, 118])
  })

  it('refuses a key rotated out of the DID document, and accepts the new one', async () => {
    const { client, resolver, register } = await setup()
    const device = await register()
    const gateway = await register()
    const newKey = await generateSigner()
    const rotated = await client.rotate({ did: device.did, updateKey: device.updateKey, keys: [newKey] })
    await expect(handshake(resolver, device.identity, gateway.identity)).rejects.toThrow(
      code(HandshakeErrorCode.KeyNotAuthorized),
    )
    const current: Signer = withKeyId(newKey, rotated.verificationMethodIds.authentication[0]!)
    const { responder } = await handshake(resolver, { did: device.did, signer: current }, gateway.identity)
    expect(responder.peer.keyId).toBe(current.keyId)
  })

  it('refuses a deactivated DID', async () => {
    const { client, resolver, register } = await setup()
    const device = await register()
    const gateway = await register()
    await client.deactivate({ did: device.did, recoveryKey: device.recoveryKey })
    await expect(handshake(resolver, device.identity, gateway.identity)).rejects.toThrow(
      code(HandshakeErrorCode.DidDeactivated),
    )
  })

  it('refuses a did:marque that was never registered', async () => {
    const { resolver, register } = await setup()
    const gateway = await register()
    const other = await setup()
    const stranger = await other.register()
    await expect(handshake(resolver, stranger.identity, gateway.identity)).rejects.toThrow(
      code(HandshakeErrorCode.DidUnresolvable),
    )
  })
})
