// Hostile bytes at every entry point (fast-check): a typed HandshakeError with an expected
// code, never a crash or an untyped exception; and every encode/decode pair round-trips.
import { fromHex, toDidKey } from '@marque/crypto'
import { encode } from 'cborg'
import fc from 'fast-check'
import { base58btc } from 'multiformats/bases/base58'
import { describe, expect, it } from 'vitest'
import { decodeCbor } from '../src/cbor.js'
import { createChannel, FRAME_OVERHEAD } from '../src/channel.js'
import { decodeIdentity, encodeIdentity } from '../src/identity.js'
import {
  HandshakeErrorCode as C,
  createInitiator,
  createResponder,
  type HandshakeError,
  isHandshakeError,
} from '../src/index.js'
import {
  decodeMessage1,
  decodeMessage2,
  decodeMessage3,
  encodeMessage1,
  encodeMessage2,
  encodeMessage3,
} from '../src/messages.js'
import { decodePlaintext, encodePlaintext } from '../src/plaintext.js'
import { ReplayWindow } from '../src/replay-window.js'
import { issue, party, resolver, testVerifier } from './helpers.js'

function expectCodes(run: () => unknown, codes: readonly string[]): void {
  try {
    run()
  } catch (error) {
    if (!isHandshakeError(error) || !codes.includes(error.code)) throw error
  }
}
async function expectCodesAsync(run: () => Promise<unknown>, codes: readonly string[]): Promise<void> {
  try {
    await run()
  } catch (error) {
    if (!isHandshakeError(error) || !codes.includes((error as HandshakeError).code)) throw error
  }
}

const bytes = (max = 300) => fc.uint8Array({ maxLength: max })

describe('decoders refuse hostile bytes with typed errors', () => {
  it('message 1', () => {
    fc.assert(
      fc.property(bytes(80), (b) =>
        expectCodes(() => decodeMessage1(b), [C.Malformed, C.MessageTooLarge, C.Version]),
      ),
    )
  })
  it('message 2 and 3', () => {
    fc.assert(
      fc.property(bytes(), (b) => {
        expectCodes(() => decodeMessage2(b, 256), [C.Malformed, C.MessageTooLarge])
        expectCodes(() => decodeMessage3(b, 256), [C.Malformed, C.MessageTooLarge])
      }),
    )
  })
  it('plaintexts', () => {
    fc.assert(fc.property(bytes(), (b) => expectCodes(() => decodePlaintext(b, 'message 2'), [C.Malformed])))
  })
  it('CBOR-shaped plaintexts', () => {
    const item = fc.oneof(
      fc.uint8Array({ maxLength: 70 }),
      fc.string({ maxLength: 80 }),
      fc.nat(),
      fc.constant('did:key:z6Mk'),
    )
    const value = fc.array(fc.oneof(item, fc.array(item, { maxLength: 3 })), { maxLength: 12 })
    fc.assert(
      fc.property(value, (v) =>
        expectCodes(() => decodePlaintext(new Uint8Array(encode(v)), 'message 3'), [C.Malformed]),
      ),
    )
  })
  it('non-deterministic CBOR (RFC 8949 §4.2.1 and Appendix A) is refused', () => {
    for (const hex of ['1817', '190017', '5f4101ff', 'c24101', 'f90000', '9fff', '8201', '820102ff']) {
      expect(() => decodeCbor(fromHex(hex), 'x')).toThrow(expect.objectContaining({ code: C.Malformed }))
    }
    expect(decodeCbor(fromHex('17'), 'x')).toBe(23)
  })
})

describe('state machines refuse hostile messages with typed errors', async () => {
  const maker = await party(9)
  const device = await party(1)
  const gateway = await party(2)
  device.identity.credentials = [await issue(maker, device.did)]
  const policy = { resolver, verifyCredentials: testVerifier({ trusted: [maker.did], required: 1 }) }
  const responder = createResponder({ identity: gateway.identity, policy })
  const initiator = createInitiator({ identity: device.identity, policy })
  const receive2Codes = [
    C.Malformed,
    C.MessageTooLarge,
    C.InvalidKeyShare,
    C.BadSignature,
    C.DidUnresolvable,
    C.KeyNotAuthorized,
    C.CredentialRejected,
    C.CredentialUnknown,
  ]

  it('message 1: arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(80), (b) =>
        expectCodesAsync(
          () => responder.receive1(b),
          [C.Malformed, C.MessageTooLarge, C.Version, C.InvalidKeyShare],
        ),
      ),
      { numRuns: 200 },
    )
  })

  it('message 2: arbitrary bytes, and valid ones flipped, cut or extended', async () => {
    const mutate = fc.record({
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
      cut: fc.nat(),
      extra: bytes(4),
    })
    await fc.assert(
      fc.asyncProperty(fc.oneof(bytes(), mutate), async (m) => {
        const { message1, next } = await initiator.start()
        let message2: Uint8Array
        if (m instanceof Uint8Array) message2 = m
        else {
          const valid = (await responder.receive1(message1)).message2
          message2 = valid.slice()
          message2[m.at % message2.length]! ^= 1 << m.bit
          if (m.cut % 3 === 0) message2 = message2.subarray(0, m.cut % message2.length)
          if (m.cut % 3 === 1) message2 = new Uint8Array([...message2, ...m.extra])
        }
        await expectCodesAsync(() => next.receive2(message2), receive2Codes)
      }),
      { numRuns: 150 },
    )
  })

  it('message 3: arbitrary bytes, and valid ones flipped or cut', async () => {
    const device2 = createInitiator({ identity: device.identity, policy: { resolver } })
    await fc.assert(
      fc.asyncProperty(bytes(), fc.nat(), fc.boolean(), async (junk, at, useJunk) => {
        const { message1, next } = await device2.start()
        const { message2, next: next3 } = await responder.receive1(message1)
        let message3 = junk
        if (!useJunk) {
          message3 = (await next.receive2(message2)).message3.slice()
          message3[at % message3.length]! ^= 0x10
        }
        await expectCodesAsync(
          () => next3.receive3(message3),
          [C.Malformed, C.MessageTooLarge, C.DecryptFailed],
        )
      }),
      { numRuns: 100 },
    )
  })

  it('channel frames: arbitrary bytes', () => {
    const keys = {
      initiatorKey: new Uint8Array(32).fill(1),
      initiatorIv: new Uint8Array(12),
      responderKey: new Uint8Array(32).fill(2),
      responderIv: new Uint8Array(12),
    }
    const channel = createChannel({ role: 'responder', keys, maxFrameLength: 256 })
    fc.assert(
      fc.property(bytes(), (b) =>
        expectCodes(
          () => channel.open(b),
          [C.Malformed, C.MessageTooLarge, C.ChannelReplay, C.ChannelDecryptFailed],
        ),
      ),
    )
  })
})

describe('encode/decode round trips', () => {
  it('identities: did:key in compact form, any other DID in text', () => {
    const generic = fc
      .tuple(
        fc.stringMatching(/^[a-z0-9]{1,8}$/),
        fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/),
      )
      .filter(([m]) => m !== 'key')
      .map(([m, id, frag]) => ({ did: `did:${m}:${id}`, keyId: `did:${m}:${id}#${frag}` }))
    fc.assert(
      fc.property(generic, (identity) => {
        expect(decodeIdentity(encodeIdentity(identity))).toEqual(identity)
      }),
    )
    const key = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a') // RFC 8032 §7.1 TEST 1
    const did = toDidKey(key)
    const compact = encodeIdentity({ did, keyId: `${did}#${did.slice(8)}` })
    expect(compact).toEqual(key)
    expect(decodeIdentity(compact)).toEqual({ did, keyId: `${did}#${did.slice(8)}` })
    expect(() => decodeIdentity([did, did.slice(8)])).toThrow(expect.objectContaining({ code: C.Malformed }))
    // A did:marque on the default network travels as its 22 id bytes, a multikey fragment as
    // the first 8 bytes of its key (a key hint), which resolution turns back into the key id.
    const marque = fc.uint8Array({ minLength: 22, maxLength: 22 })
    fc.assert(
      fc.property(marque, (id) => {
        const marqueDid = `did:marque:${base58btc.baseEncode(id)}`
        const keyDid = toDidKey(key)
        const identity = { did: marqueDid, keyId: `${marqueDid}#${keyDid.slice(8)}` }
        const encoded = encodeIdentity(identity)
        expect(encoded).toEqual([id, key.subarray(0, 8)])
        expect(decodeIdentity(encoded)).toEqual({ did: marqueDid, keyHint: key.subarray(0, 8) })
        const malformed = expect.objectContaining({ code: C.Malformed })
        expect(() => decodeIdentity([marqueDid, key.subarray(0, 8)])).toThrow(malformed)
        expect(() => decodeIdentity([id, keyDid.slice(8)])).toThrow(malformed)
        expect(() => decodeIdentity([id, key])).toThrow(malformed)
      }),
    )
    // A did:key signing with its own key has one form, the 32-byte key, not [DID, hint].
    expect(() => decodeIdentity([did, key.subarray(0, 8)])).toThrow(
      expect.objectContaining({ code: C.Malformed, message: expect.stringMatching(/32-byte key/) }),
    )
  })

  it('plaintexts and messages', () => {
    const jwt = fc
      .tuple(...[1, 2, 3].map(() => fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/)))
      .map((p) => p.join('.'))
    const credential = fc.oneof(jwt, fc.uint8Array({ minLength: 32, maxLength: 32 }))
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.array(credential, { maxLength: 8 }),
        (sig, creds) => {
          const id: [string, string] = ['did:example:abc', 'key-1']
          const decoded = decodePlaintext(encodePlaintext(id, sig, creds), 'message 2')
          expect(decoded.signature).toEqual(sig)
          expect(decoded.credentials).toEqual(creds)
          expect(decoded.identity).toEqual({ did: 'did:example:abc', keyId: 'did:example:abc#key-1' })
        },
      ),
    )
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 17, maxLength: 500 }),
        (k, c) => {
          expect(decodeMessage1(encodeMessage1(k))).toEqual(k)
          expect(decodeMessage2(encodeMessage2(k, c), 8192)).toEqual({ keyShare: k, ciphertext: c })
          expect(decodeMessage3(encodeMessage3(c), 8192)).toEqual(c)
        },
      ),
    )
  })

  it('channel frames in any order within the window open exactly once', () => {
    const keys = {
      initiatorKey: new Uint8Array(32).fill(3),
      initiatorIv: new Uint8Array(12).fill(4),
      responderKey: new Uint8Array(32).fill(5),
      responderIv: new Uint8Array(12).fill(6),
    }
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 39 }), { maxLength: 80 }), (order) => {
        const sender = createChannel({ role: 'initiator', keys })
        const receiver = createChannel({ role: 'responder', keys, replayWindow: 64 })
        const frames = Array.from({ length: 40 }, (_, i) => sender.seal(Uint8Array.of(i)))
        const seen = new Set<number>()
        for (const i of order) {
          if (seen.has(i)) {
            expect(() => receiver.open(frames[i]!)).toThrow(
              expect.objectContaining({ code: C.ChannelReplay }),
            )
          } else {
            expect(receiver.open(frames[i]!)).toEqual({ type: 'data', data: Uint8Array.of(i) })
            seen.add(i)
          }
        }
        expect(frames[0]!.length).toBe(FRAME_OVERHEAD + 1)
      }),
    )
  })

  it('the replay window agrees with a model that remembers everything within its reach', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 70 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 200 }),
        (size, counters) => {
          const window = new ReplayWindow(size)
          const accepted = new Set<number>()
          let highest = -1
          for (const n of counters) {
            const fresh = n > highest || (n > highest - size && !accepted.has(n))
            expect(window.check(n)).toBe(fresh)
            if (fresh) {
              window.commit(n)
              accepted.add(n)
              highest = Math.max(highest, n)
            }
          }
        },
      ),
    )
  })
})
