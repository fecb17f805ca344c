import { describe, expect, it } from 'vitest'
import { createInitiator, createResponder, HandshakeErrorCode } from '../src/index.js'
import { issue, party, resolver, testVerifier } from './helpers.js'

describe('handshake', () => {
  it('completes between two did:key parties and opens a channel both ways', async () => {
    const maker = await party(9)
    const device = await party(1)
    const gateway = await party(2)
    device.identity.credentials = [await issue(maker, device.did)]
    gateway.identity.credentials = [await issue(maker, gateway.did, { type: 'GatewayCredential' })]
    const policy = { resolver, verifyCredentials: testVerifier({ trusted: [maker.did] }) }
    const initiator = createInitiator({ identity: device.identity, policy, expectedPeer: gateway.did })
    const responder = createResponder({ identity: gateway.identity, policy })
    const { message1, next } = await initiator.start()
    const { message2, next: next3 } = await responder.receive1(message1)
    const { message3, session: s1 } = await next.receive2(message2)
    const { session: s2, ready } = await next3.receive3(message3)
    expect(s1.peer.did).toBe(gateway.did)
    expect(s2.peer.did).toBe(device.did)
    expect(s2.peer.claims[0]?.types).toContain('DeviceIdentityCredential')
    expect(s1.transcriptHash).toEqual(s2.transcriptHash)
    expect(s1.channel.confirmed).toBe(false)
    expect(s1.channel.open(ready)).toEqual({ type: 'ready' })
    expect(s1.channel.confirmed).toBe(true)
    const f = s1.channel.seal(new TextEncoder().encode('hello'))
    const e = s2.channel.open(f)
    expect(e.type === 'data' && new TextDecoder().decode(e.data)).toBe('hello')
    expect(() => s2.channel.open(f)).toThrowError(
      expect.objectContaining({ code: HandshakeErrorCode.ChannelReplay }),
    )
    console.log(message1.length, message2.length, message3.length)
  })
})
