// An attacker that controls the network: replay, reflection, misbinding, key-compromise
// impersonation, downgrade, truncation, man in the middle, bad credentials and DIDs.
import {
  aeadOpen,
  aeadSeal,
  defineSigner,
  ed25519Sign,
  encodeMultikey,
  toHex,
  x25519PublicKey,
} from '@marque/crypto'
import { describe, expect, it } from 'vitest'
import { agree } from '../src/agreement.js'
import { encodeCbor } from '../src/cbor.js'
import { encodeIdentity } from '../src/identity.js'
import {
  createInitiator,
  createResponder,
  ERROR_MESSAGE,
  HandshakeErrorCode,
  type HandshakeIdentity,
  type HandshakeParameters,
  runInitiator,
  runResponder,
  verifyCredentialsWith,
} from '../src/index.js'
import { stepKeys } from '../src/key-schedule.js'
import {
  decodeMessage2,
  decodeMessage3,
  encodeMessage1,
  encodeMessage2,
  encodeMessage3,
  nextTranscript,
  transcript2,
  xorKeystream2,
} from '../src/messages.js'
import { configure } from '../src/options.js'
import { decodePlaintext, encodePlaintext } from '../src/plaintext.js'
import { proveIdentity } from '../src/prove.js'
import {
  documentOf,
  issue,
  memoryResolver,
  party,
  resolver,
  seededRandom,
  type TestParty,
  testVerifier,
} from './helpers.js'
import { memoryNetwork } from './network.js'

const code = (c: string) => expect.objectContaining({ code: c })

interface World {
  maker: TestParty
  device: TestParty
  gateway: TestParty
  deviceParams: (extra?: Partial<HandshakeParameters>) => HandshakeParameters
  gatewayParams: (extra?: Partial<HandshakeParameters>) => HandshakeParameters
}

async function world(): Promise<World> {
  const maker = await party(9)
  const device = await party(1)
  const gateway = await party(2)
  device.identity.credentials = [await issue(maker, device.did)]
  gateway.identity.credentials = [await issue(maker, gateway.did)]
  const verifyCredentials = testVerifier({ trusted: [maker.did], required: 1 })
  return {
    maker,
    device,
    gateway,
    deviceParams: (extra = {}) => ({
      identity: device.identity,
      policy: { resolver, verifyCredentials },
      ...extra,
    }),
    gatewayParams: (extra = {}) => ({
      identity: gateway.identity,
      policy: { resolver, verifyCredentials },
      ...extra,
    }),
  }
}

/** Runs a full sans-IO handshake and returns every message. */
async function run(w: World, label = 'run') {
  const initiator = createInitiator(w.deviceParams({ random: seededRandom(`${label}/i`) }))
  const responder = createResponder(w.gatewayParams({ random: seededRandom(`${label}/r`) }))
  const { message1, next } = await initiator.start()
  const { message2, next: next3 } = await responder.receive1(message1)
  const { message3, session } = await next.receive2(message2)
  const finished = await next3.receive3(message3)
  return {
    message1,
    message2,
    message3,
    initiatorSession: session,
    responderSession: finished.session,
    ready: finished.ready,
  }
}

/** What an attacker who knows an ephemeral secret can read and rewrite of message 2. */
async function openMessage2(message1: Uint8Array, message2: Uint8Array, x: Uint8Array) {
  const { keyShare, ciphertext } = decodeMessage2(message2, 8192)
  const shared = await agree(x.slice(), keyShare)
  const th2 = transcript2(message1, keyShare)
  const plaintext = xorKeystream2(stepKeys(shared, th2, 2), ciphertext)
  return { keyShare, shared, th2, plaintext }
}

describe('replay', () => {
  it('message 1 replayed to a responder starts a new handshake that the attacker cannot finish', async () => {
    const w = await world()
    const { message1, message3 } = await run(w)
    const responder = createResponder(w.gatewayParams())
    const replayed = await responder.receive1(message1)
    await expect(replayed.next.receive3(message3)).rejects.toThrow(code(HandshakeErrorCode.DecryptFailed))
  })

  it('message 2 replayed into another session does not decrypt to anything valid', async () => {
    const w = await world()
    const { message2 } = await run(w, 'a')
    const { next } = await createInitiator(w.deviceParams()).start()
    await expect(next.receive2(message2)).rejects.toThrow(code(HandshakeErrorCode.Malformed))
  })

  it('message 3 replayed across sessions fails to decrypt', async () => {
    const w = await world()
    const { message3 } = await run(w, 'a')
    const { message1 } = await createInitiator(w.deviceParams()).start()
    const { next } = await createResponder(w.gatewayParams()).receive1(message1)
    await expect(next.receive3(message3)).rejects.toThrow(code(HandshakeErrorCode.DecryptFailed))
  })

  it('a message replayed within its session is refused by the step itself', async () => {
    const w = await world()
    const initiator = createInitiator(w.deviceParams())
    const responder = createResponder(w.gatewayParams())
    const { message1, next } = await initiator.start()
    const { message2, next: next3 } = await responder.receive1(message1)
    const { message3 } = await next.receive2(message2)
    await expect(next.receive2(message2)).rejects.toThrow(code(HandshakeErrorCode.UnexpectedMessage))
    await next3.receive3(message3)
    await expect(next3.receive3(message3)).rejects.toThrow(code(HandshakeErrorCode.UnexpectedMessage))
  })

  it('channel frames replayed, reordered beyond the window, or forged are refused without moving the window', async () => {
    const w = await world()
    const { initiatorSession: i, responderSession: r } = await run(w)
    const frames = Array.from({ length: 70 }, (_, n) => i.channel.seal(Uint8Array.of(n)))
    const forged = frames[69]!.slice()
    forged[forged.length - 1]! ^= 1
    expect(() => r.channel.open(forged)).toThrow(code(HandshakeErrorCode.ChannelDecryptFailed))
    // The forged frame did not commit counter 69: the genuine one still opens.
    expect(r.channel.open(frames[69]!)).toEqual({ type: 'data', data: Uint8Array.of(69) })
    expect(() => r.channel.open(frames[69]!)).toThrow(code(HandshakeErrorCode.ChannelReplay))
    expect(r.channel.open(frames[10]!)).toEqual({ type: 'data', data: Uint8Array.of(10) })
    expect(() => r.channel.open(frames[5]!)).toThrow(code(HandshakeErrorCode.ChannelReplay))
  })
})

describe('reflection', () => {
  it('a party’s own message 2, reflected to its own initiator, is refused as our own DID', async () => {
    const w = await world()
    const self = w.device
    const params = { identity: self.identity, policy: { resolver } }
    const { message1, next } = await createInitiator(params).start()
    const { message2 } = await createResponder(params).receive1(message1)
    await expect(next.receive2(message2)).rejects.toThrow(code(HandshakeErrorCode.SelfDid))
  })

  it('a responder’s own message 2 reflected back as message 3 fails to decrypt', async () => {
    const w = await world()
    const { message1 } = await createInitiator(w.deviceParams()).start()
    const { message2, next } = await createResponder(w.gatewayParams()).receive1(message1)
    await expect(next.receive3(message2)).rejects.toThrow(code(HandshakeErrorCode.DecryptFailed))
  })

  it('a channel frame reflected to its sender does not authenticate', async () => {
    const w = await world()
    const { initiatorSession: i, ready } = await run(w)
    i.channel.open(ready)
    i.channel.seal(Uint8Array.of(0))
    // Sequence 1 is ahead of the responder's ready frame (0): only authentication can refuse it.
    const frame = i.channel.seal(Uint8Array.of(1))
    expect(() => i.channel.open(frame)).toThrow(code(HandshakeErrorCode.ChannelDecryptFailed))
  })
})

describe('identity misbinding', () => {
  it('swapping the identity in message 2 but keeping the signature fails', async () => {
    const w = await world()
    const eve = await party(66)
    const initiator = createInitiator(w.deviceParams({ random: seededRandom('mis/i') }))
    const x = seededRandom('mis/i')(32)
    const { message1, next } = await initiator.start()
    const { message2 } = await createResponder(w.gatewayParams()).receive1(message1)
    const o = await openMessage2(message1, message2, x)
    const pt = decodePlaintext(o.plaintext, 'message 2')
    const swapped = encodePlaintext(
      encodeIdentity({ did: eve.did, keyId: `${eve.did}#${eve.did.slice(8)}` }),
      pt.signature,
      pt.credentials,
    )
    const forged = encodeMessage2(o.keyShare, xorKeystream2(stepKeys(o.shared, o.th2, 2), swapped))
    await expect(next.receive2(forged)).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
  })

  it('swapping the identity in message 3 but keeping the signature fails', async () => {
    const w = await world()
    const eve = await party(66)
    const { message1, next } = await createInitiator(w.deviceParams()).start()
    const responder = createResponder(w.gatewayParams({ random: seededRandom('mis3/r') }))
    const y = seededRandom('mis3/r')(32)
    const { message2, next: next3 } = await responder.receive1(message1)
    const { message3 } = await next.receive2(message2)
    // The attacker holding the responder's ephemeral secret reads message 3 ...
    const shared = await agree(y.slice(), message1.subarray(message1.length - 32))
    const th2 = transcript2(message1, decodeMessage2(message2, 8192).keyShare)
    const pt2 = xorKeystream2(stepKeys(shared, th2, 2), decodeMessage2(message2, 8192).ciphertext)
    const th3 = nextTranscript(th2, pt2)
    const k3 = stepKeys(shared, th3, 3)
    const pt3 = decodePlaintext(aeadOpen(k3.key, k3.nonce, decodeMessage3(message3, 8192), th3), 'message 3')
    // ... and claims the device's signature for its own identity.
    const swapped = encodePlaintext(
      encodeIdentity({ did: eve.did, keyId: `${eve.did}#${eve.did.slice(8)}` }),
      pt3.signature,
      pt3.credentials,
    )
    const forged = encodeMessage3(aeadSeal(k3.key, k3.nonce, swapped, th3))
    await expect(next3.receive3(forged)).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
  })
})

describe('identity misbinding with key hints', () => {
  it('an attacker whose DID document lists the responder’s key cannot claim its signature', async () => {
    // Eve publishes a DID document that lists the gateway's public key (anyone can list any
    // public key), then rewrites message 2's identity to her DID with the same key hint. The
    // key resolves and matches, but the signature covers the gateway's ID, not Eve's.
    const w = await world()
    const key = w.gateway.signer.publicKey
    const multikey = encodeMultikey(key, 'Ed25519')
    const [gatewayDid, eveDid] = ['did:example:gateway7', 'did:example:eve']
    const res = memoryResolver(
      new Map([
        [gatewayDid, { document: documentOf(gatewayDid, [key], undefined, 'multikey') }],
        [eveDid, { document: documentOf(eveDid, [key], undefined, 'multikey') }],
      ]),
    )
    const signer = defineSigner({
      publicKey: key,
      keyId: `${gatewayDid}#${multikey}`,
      sign: (d) => w.gateway.signer(d),
    })
    const initiator = createInitiator({
      identity: w.device.identity,
      policy: { resolver: res },
      random: seededRandom('hint/i'),
    })
    const { message1, next } = await initiator.start()
    const { message2 } = await createResponder({
      identity: { did: gatewayDid, signer },
      policy: { resolver: res },
    }).receive1(message1)
    const o = await openMessage2(message1, message2, seededRandom('hint/i')(32))
    const pt = decodePlaintext(o.plaintext, 'message 2')
    expect(pt.identity).toEqual({ did: gatewayDid, keyHint: key.subarray(0, 8) })
    const swapped = encodePlaintext(
      encodeIdentity({ did: eveDid, keyId: `${eveDid}#${multikey}` }),
      pt.signature,
      pt.credentials,
    )
    const forged = encodeMessage2(o.keyShare, xorKeystream2(stepKeys(o.shared, o.th2, 2), swapped))
    await expect(next.receive2(forged)).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
  })
})

describe('key-compromise impersonation', () => {
  it('with the device’s long-term key, an attacker cannot impersonate the gateway to the device', async () => {
    const w = await world()
    // The attacker has the device's seed (party(1) is seed 0x01…) and claims the gateway's DID.
    const deviceSeed = new Uint8Array(32).fill(1)
    const impostor = defineSigner({
      publicKey: w.gateway.signer.publicKey,
      sign: (d) => ed25519Sign(d, deviceSeed),
    })
    const fake = createResponder({ identity: { did: w.gateway.did, signer: impostor }, policy: { resolver } })
    const { message1, next } = await createInitiator(w.deviceParams()).start()
    const { message2 } = await fake.receive1(message1)
    await expect(next.receive2(message2)).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
  })

  it('with the gateway’s long-term key, an attacker cannot impersonate a device to the gateway', async () => {
    const w = await world()
    const gatewaySeed = new Uint8Array(32).fill(2)
    const impostor = defineSigner({
      publicKey: w.device.signer.publicKey,
      sign: (d) => ed25519Sign(d, gatewaySeed),
    })
    const fake = createInitiator({ identity: { did: w.device.did, signer: impostor }, policy: { resolver } })
    const { message1, next } = await fake.start()
    const { message2, next: next3 } = await createResponder(w.gatewayParams()).receive1(message1)
    const { message3 } = await next.receive2(message2)
    await expect(next3.receive3(message3)).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
  })
})

describe('downgrade', () => {
  it('a message 1 rewritten to another version or suite is refused, never answered', async () => {
    const w = await world()
    const { message1 } = await createInitiator(w.deviceParams()).start()
    const keyShare = message1.subarray(message1.length - 32)
    for (const [version, suite] of [
      [0, 1],
      [2, 1],
      [1, 0],
      [1, 2],
    ] as const) {
      const rewritten = encodeCbor([version, suite, keyShare])
      await expect(createResponder(w.gatewayParams()).receive1(rewritten)).rejects.toThrow(
        code(HandshakeErrorCode.Version),
      )
    }
  })

  it('version and suite are in the transcript: a responder that saw other values than the initiator sent is refused', async () => {
    const w = await world()
    const { message1, next } = await createInitiator(w.deviceParams()).start()
    // A responder (here: the genuine gateway's key) that was shown a message 1 rewritten to
    // version 2 signs a transcript that starts from it; the keys are otherwise genuine.
    const altered = encodeCbor([2, 1, message1.subarray(message1.length - 32)])
    const y = seededRandom('down/y')(32)
    const gY = await x25519PublicKey(y)
    const shared = await agree(y.slice(), message1.subarray(message1.length - 32))
    const gateway = configure(w.gatewayParams())
    const thAltered = transcript2(altered, gY)
    const plaintext = await proveIdentity(gateway, 2, thAltered, stepKeys(shared, thAltered, 2), undefined)
    const th2 = transcript2(message1, gY)
    const forged = encodeMessage2(gY, xorKeystream2(stepKeys(shared, th2, 2), plaintext))
    await expect(next.receive2(forged)).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
  })
})

describe('truncation', () => {
  it('a dropped message 3 leaves neither side with a confirmed session', async () => {
    const w = await world()
    const net = memoryNetwork(
      (direction, index, frame) => (direction === 'i2r' && index === 1 ? undefined : frame),
      {
        dropCloses: true,
      },
    )
    const [i, r] = await Promise.allSettled([
      runInitiator({
        transport: net.initiator,
        initiator: createInitiator(w.deviceParams()),
        stepTimeoutMs: 200,
      }),
      runResponder({
        transport: net.responder,
        responder: createResponder(w.gatewayParams()),
        stepTimeoutMs: 200,
      }),
    ])
    expect(i).toMatchObject({ status: 'rejected', reason: code(HandshakeErrorCode.Timeout) })
    expect(r).toMatchObject({ status: 'rejected', reason: code(HandshakeErrorCode.Timeout) })
  })

  it('the sans-IO initiator’s session stays unconfirmed until a responder frame opens', async () => {
    const w = await world()
    const { initiatorSession, ready } = await run(w)
    expect(initiatorSession.channel.confirmed).toBe(false)
    initiatorSession.channel.open(ready)
    expect(initiatorSession.channel.confirmed).toBe(true)
  })

  it('a channel cut without an authenticated close is reported as truncated', async () => {
    const w = await world()
    let cut = false
    const net = memoryNetwork((_d, _i, f) => (cut ? undefined : f))
    const [i, r] = await Promise.all([
      runInitiator({ transport: net.initiator, initiator: createInitiator(w.deviceParams()) }),
      runResponder({ transport: net.responder, responder: createResponder(w.gatewayParams()) }),
    ])
    i.channel.send(Uint8Array.of(1))
    expect(await r.channel.receive()).toEqual(Uint8Array.of(1))
    cut = true
    net.initiator.close()
    await expect(r.channel.receive()).rejects.toThrow(code(HandshakeErrorCode.ChannelTruncated))
  })
})

describe('man in the middle', () => {
  it('relaying faithfully yields a session the relay cannot read, and shows no identity on the wire', async () => {
    const w = await world()
    const net = memoryNetwork()
    const [i, r] = await Promise.all([
      runInitiator({ transport: net.initiator, initiator: createInitiator(w.deviceParams()) }),
      runResponder({ transport: net.responder, responder: createResponder(w.gatewayParams()) }),
    ])
    i.channel.send(new TextEncoder().encode('secret reading'))
    expect(new TextDecoder().decode(await r.channel.receive())).toBe('secret reading')
    const wire = net.log.map((e) => toHex(e.frame)).join('')
    for (const p of [w.device, w.gateway]) {
      expect(wire).not.toContain(toHex(p.signer.publicKey))
      expect(wire).not.toContain(toHex(new TextEncoder().encode(p.did)))
    }
    expect(wire).not.toContain(toHex(new TextEncoder().encode('secret reading')))
  })

  it('substituting its own ephemeral keys on both sides makes the initiator refuse the responder’s signature', async () => {
    const w = await world()
    const initiator = createInitiator(w.deviceParams())
    const responder = createResponder(w.gatewayParams())
    const { message1: m1I, next } = await initiator.start()
    // Towards the responder, the attacker is an initiator with its own key share ...
    const xE = seededRandom('mitm/x')(32)
    const m1E = encodeMessage1(await x25519PublicKey(xE))
    const { message2: m2R } = await responder.receive1(m1E)
    const fromR = await openMessage2(m1E, m2R, xE)
    // ... and towards the initiator a responder with another, passing on the responder's proof.
    const yE = seededRandom('mitm/y')(32)
    const gYE = await x25519PublicKey(yE)
    const shared = await agree(yE.slice(), m1I.subarray(m1I.length - 32))
    const th2 = transcript2(m1I, gYE)
    const forged = encodeMessage2(gYE, xorKeystream2(stepKeys(shared, th2, 2), fromR.plaintext))
    await expect(next.receive2(forged)).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
  })

  it('an active attacker answering as itself never sees the initiator’s identity', async () => {
    const w = await world()
    const eve = await party(66)
    const net = memoryNetwork()
    const [i] = await Promise.allSettled([
      runInitiator({
        transport: net.initiator,
        initiator: createInitiator(w.deviceParams({ expectedPeer: w.gateway.did })),
      }),
      runResponder({
        transport: net.responder,
        responder: createResponder({ identity: eve.identity, policy: { resolver } }),
      }),
    ])
    expect(i).toMatchObject({ status: 'rejected', reason: code(HandshakeErrorCode.PeerMismatch) })
    const sentByDevice = net.log.filter((e) => e.direction === 'i2r').map((e) => e.frame)
    expect(sentByDevice).toHaveLength(2)
    expect(sentByDevice[1]).toEqual(ERROR_MESSAGE)
  })
})

describe('credentials', () => {
  async function refuseWith(
    credential: (w: World) => Promise<string>,
    verifierOptions: Parameters<typeof testVerifier>[0] | undefined,
    expected: string,
  ) {
    const w = await world()
    w.device.identity.credentials = [await credential(w)]
    const verifyCredentials = testVerifier(verifierOptions ?? { trusted: [w.maker.did], required: 1 })
    const { message1, next } = await createInitiator(w.deviceParams()).start()
    const { message2, next: next3 } = await createResponder(
      w.gatewayParams({ policy: { resolver, verifyCredentials } }),
    ).receive1(message1)
    const { message3 } = await next.receive2(message2)
    await expect(next3.receive3(message3)).rejects.toThrow(code(expected))
  }

  it('an untrusted issuer is refused', async () => {
    await refuseWith(
      async (w) => issue(await party(66), w.device.did),
      undefined,
      HandshakeErrorCode.CredentialRejected,
    )
  })
  it('an expired credential is refused', async () => {
    await refuseWith(
      (w) => issue(w.maker, w.device.did, { exp: 1_700_000_100 }),
      undefined,
      HandshakeErrorCode.CredentialRejected,
    )
  })
  it('a revoked credential is refused', async () => {
    const w0 = await world()
    const revokedJwt = await issue(w0.maker, w0.device.did, { model: 'revoked' })
    await refuseWith(
      async () => revokedJwt,
      { trusted: [w0.maker.did], revoked: new Set([revokedJwt]), required: 1 },
      HandshakeErrorCode.CredentialRejected,
    )
  })
  it('a credential about another DID is refused even when the policy accepts it', async () => {
    await refuseWith(
      async (w) => issue(w.maker, w.gateway.did),
      undefined,
      HandshakeErrorCode.CredentialSubject,
    )
  })
  it('a missing credential is refused by the policy', async () => {
    const w = await world()
    w.device.identity.credentials = []
    const { message1, next } = await createInitiator(w.deviceParams()).start()
    const { message2, next: next3 } = await createResponder(w.gatewayParams()).receive1(message1)
    await expect(next3.receive3((await next.receive2(message2)).message3)).rejects.toThrow(
      code(HandshakeErrorCode.CredentialRejected),
    )
  })
  it('a credential sent by reference is refused when unseen, accepted once seen, and bound like one sent in full', async () => {
    const w = await world()
    const jwt = (w.device.identity.credentials as string[])[0]!
    const byRef = {
      ...w.device.identity,
      credentials: [{ jwt, byReference: (peer: string | undefined) => peer === w.gateway.did }],
    }
    const responder = createResponder(w.gatewayParams())
    const attempt = async (identity: HandshakeIdentity = byRef) => {
      const { message1, next } = await createInitiator(w.deviceParams({ identity })).start()
      const { message2, next: next3 } = await responder.receive1(message1)
      const { message3 } = await next.receive2(message2)
      return { message3, result: next3.receive3(message3) }
    }
    await expect((await attempt()).result).rejects.toThrow(code(HandshakeErrorCode.CredentialUnknown))
    const full = await attempt(w.device.identity)
    await full.result
    const ref = await attempt()
    expect((await ref.result).session.peer.credentials).toEqual([jwt])
    expect(ref.message3.length).toBeLessThan(full.message3.length - 500)
  })
})

describe('DIDs', () => {
  async function againstDid(
    entry: { document?: object; deactivated?: boolean; error?: string },
    keyId = 'key-1',
  ) {
    const w = await world()
    const did = 'did:example:gateway7'
    const signer = defineSigner({
      publicKey: w.gateway.signer.publicKey,
      keyId: `${did}#${keyId}`,
      sign: (d) => w.gateway.signer(d),
    })
    const res = memoryResolver(new Map([[did, entry as never]]))
    const { message1, next } = await createInitiator({
      identity: w.device.identity,
      policy: { resolver: res },
    }).start()
    const { message2 } = await createResponder({
      identity: { did, signer },
      policy: { resolver: res },
    }).receive1(message1)
    return { result: next.receive2(message2), w, did }
  }

  it('a DID with the key under authentication is accepted', async () => {
    const w = await world()
    const { result } = await againstDid({
      document: documentOf('did:example:gateway7', [w.gateway.signer.publicKey]),
    })
    expect((await result).session.peer.did).toBe('did:example:gateway7')
  })
  it('a deactivated DID is refused', async () => {
    const w = await world()
    const { result } = await againstDid({
      document: documentOf('did:example:gateway7', [w.gateway.signer.publicKey]),
      deactivated: true,
    })
    await expect(result).rejects.toThrow(code(HandshakeErrorCode.DidDeactivated))
  })
  it('a key rotated out of the document is refused', async () => {
    const other = await party(77)
    const { result } = await againstDid(
      { document: documentOf('did:example:gateway7', [other.signer.publicKey]) },
      'key-2',
    )
    await expect(result).rejects.toThrow(code(HandshakeErrorCode.KeyNotAuthorized))
  })
  it('a key listed under the same name but replaced by rotation fails its signature check', async () => {
    const other = await party(77)
    const { result } = await againstDid({
      document: documentOf('did:example:gateway7', [other.signer.publicKey]),
    })
    await expect(result).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
  })
  it('a key listed only for assertion is not an authentication key', async () => {
    const w = await world()
    const { result } = await againstDid({
      document: documentOf('did:example:gateway7', [w.gateway.signer.publicKey], ['assertionMethod']),
    })
    await expect(result).rejects.toThrow(code(HandshakeErrorCode.KeyNotAuthorized))
  })
  it('an unresolvable DID is refused', async () => {
    const { result } = await againstDid({ error: 'notFound' })
    await expect(result).rejects.toThrow(code(HandshakeErrorCode.DidUnresolvable))
  })

  describe('a key named by its 8-byte hint (a multikey fragment, as did:marque keys are)', () => {
    const did = 'did:example:gateway7'
    const multikey = (key: Uint8Array) => encodeMultikey(key, 'Ed25519')
    const method = (id: string, key: Uint8Array) => ({
      id: `${did}#${id}`,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase: multikey(key),
    })
    /** A valid Ed25519 key other than `key` whose first 8 bytes are `key`'s. */
    function sharingHint(key: Uint8Array): Uint8Array {
      for (let i = 0; i < 256; i++) {
        const candidate = key.slice()
        candidate[20] = (candidate[20]! + 1 + i) % 256
        try {
          multikey(candidate)
          return candidate
        } catch {}
      }
      throw new Error('no curve point found')
    }

    it('is found among several authentication keys, and reported by its DID URL', async () => {
      const w = await world()
      const key = w.gateway.signer.publicKey
      const others = [(await party(77)).signer.publicKey, (await party(78)).signer.publicKey]
      const document = documentOf(did, [others[0]!, key, others[1]!], undefined, 'multikey')
      const { result } = await againstDid({ document }, multikey(key))
      expect((await result).session.peer.keyId).toBe(`${did}#${multikey(key)}`)
    })

    it('is refused when no authentication key matches it', async () => {
      const w = await world()
      const other = await party(77)
      const document = documentOf(did, [other.signer.publicKey], undefined, 'multikey')
      const { result } = await againstDid({ document }, multikey(w.gateway.signer.publicKey))
      await expect(result).rejects.toThrow(
        expect.objectContaining({
          code: HandshakeErrorCode.KeyNotAuthorized,
          message: expect.stringMatching(/no key listed under authentication .* matches its key hint/),
        }),
      )
    })

    it('is refused when two authentication keys share it', async () => {
      const w = await world()
      const key = w.gateway.signer.publicKey
      const twin = sharingHint(key)
      const document = documentOf(did, [key, twin], undefined, 'multikey')
      const { result } = await againstDid({ document }, multikey(key))
      await expect(result).rejects.toThrow(
        expect.objectContaining({
          code: HandshakeErrorCode.KeyNotAuthorized,
          message: expect.stringMatching(/more than one authentication key/),
        }),
      )
    })

    it('is refused when the key material is not the key its fragment names', async () => {
      const w = await world()
      const key = w.gateway.signer.publicKey
      const other = await party(77)
      const document = {
        id: did,
        verificationMethod: [{ ...method(multikey(key), other.signer.publicKey) }],
        authentication: [`${did}#${multikey(key)}`],
      }
      const { result } = await againstDid({ document }, multikey(key))
      await expect(result).rejects.toThrow(
        expect.objectContaining({
          code: HandshakeErrorCode.KeyNotAuthorized,
          message: expect.stringMatching(/not the Ed25519 key its id names/),
        }),
      )
    })

    it('binds the whole key: a document naming another key with the same hint fails the signature', async () => {
      const w = await world()
      const key = w.gateway.signer.publicKey
      const twin = sharingHint(key)
      const document = documentOf(did, [twin], undefined, 'multikey')
      const { result } = await againstDid({ document }, multikey(key))
      await expect(result).rejects.toThrow(code(HandshakeErrorCode.BadSignature))
    })
  })
})

describe('forward secrecy', () => {
  it('erases each ephemeral secret once it has been used', async () => {
    const w = await world()
    const kept: Uint8Array[] = []
    const keep = (n: number) => {
      const b = seededRandom(`fs${kept.length}`)(n)
      kept.push(b)
      return b
    }
    const { message1, next } = await createInitiator(w.deviceParams({ random: keep })).start()
    const { message2 } = await createResponder(w.gatewayParams({ random: keep })).receive1(message1)
    await next.receive2(message2)
    expect(kept).toHaveLength(2)
    for (const k of kept) expect(k.every((b) => b === 0)).toBe(true)
  })
})

describe('timeouts', () => {
  it('a step called after its deadline fails with HANDSHAKE_TIMEOUT', async () => {
    const w = await world()
    let now = 1_000
    const clock = () => now
    const { message1, next } = await createInitiator(w.deviceParams({ clock, stepTimeoutMs: 50 })).start()
    const { message2 } = await createResponder(w.gatewayParams()).receive1(message1)
    now += 51
    await expect(next.receive2(message2)).rejects.toThrow(code(HandshakeErrorCode.Timeout))
  })

  it('a resolver that takes too long makes the step fail with HANDSHAKE_TIMEOUT', async () => {
    const w = await world()
    let now = 0
    const slow = {
      resolve: async (did: string) => {
        now += 1000
        return resolver.resolve(did)
      },
    }
    const { message1, next } = await createInitiator({
      identity: w.device.identity,
      policy: { resolver: slow },
      clock: () => now,
      stepTimeoutMs: 500,
    }).start()
    const { message2 } = await createResponder(w.gatewayParams()).receive1(message1)
    await expect(next.receive2(message2)).rejects.toThrow(code(HandshakeErrorCode.Timeout))
  })
})

describe('the ready-made credential hook', () => {
  const service = (maker: string, revoked = new Set<string>()) => {
    const inner = testVerifier({ trusted: [maker], revoked })
    return {
      verifyCredential: async (jwt: string, options?: { expectedSubject?: string }) => {
        const [c] = await inner(options?.expectedSubject ?? '', [jwt], undefined as never)
        if (c === undefined || c.subject !== options?.expectedSubject) throw new Error('subject mismatch')
        return c
      },
    }
  }

  it('accepts a device with a trusted, unrevoked DeviceIdentityCredential', async () => {
    const w = await world()
    const verifyCredentials = verifyCredentialsWith({
      verifier: service(w.maker.did),
      requiredTypes: ['DeviceIdentityCredential'],
    })
    const { message1, next } = await createInitiator(w.deviceParams()).start()
    const { message2, next: next3 } = await createResponder(
      w.gatewayParams({ policy: { resolver, verifyCredentials } }),
    ).receive1(message1)
    const { session } = await next3.receive3((await next.receive2(message2)).message3)
    expect(session.peer.claims.map((c) => c.types)).toEqual([
      ['VerifiableCredential', 'DeviceIdentityCredential'],
    ])
  })

  it('refuses a device without the required type, and one whose credential is revoked', async () => {
    for (const [types, revoke] of [
      [['DeviceOwnershipCredential'], false],
      [['DeviceIdentityCredential'], true],
    ] as const) {
      const w = await world()
      const jwt = (w.device.identity.credentials as string[])[0]!
      const verifyCredentials = verifyCredentialsWith({
        verifier: service(w.maker.did, new Set(revoke ? [jwt] : [])),
        requiredTypes: types,
      })
      const { message1, next } = await createInitiator(w.deviceParams()).start()
      const { message2, next: next3 } = await createResponder(
        w.gatewayParams({ policy: { resolver, verifyCredentials } }),
      ).receive1(message1)
      await expect(next3.receive3((await next.receive2(message2)).message3)).rejects.toThrow(
        code(HandshakeErrorCode.CredentialRejected),
      )
    }
  })
})
