// The secure channel (docs/handshake.md §7): key updates every 2^32 frames, the replay
// window across an epoch change, exhaustion, authenticated close, limits, exporters.
import { aeadOpen, concatBytes, fromHex, toHex } from '@marque/crypto'
import { describe, expect, it } from 'vitest'
import { createChannel, EPOCH_LENGTH, FRAME_OVERHEAD, MAX_SEQUENCE } from '../src/channel.js'
import { createInitiator, createResponder, HandshakeErrorCode } from '../src/index.js'
import { party, resolver } from './helpers.js'
import file from './vectors/handshake-v1.json' with { type: 'json' }

const code = (c: string) => expect.objectContaining({ code: c })
const out = file.vectors[0]!.output
const keys = {
  initiatorKey: fromHex(out.K_I2R!),
  initiatorIv: fromHex(out.IV_I2R!),
  responderKey: fromHex(out.K_R2I!),
  responderIv: fromHex(out.IV_R2I!),
}

describe('key updates', () => {
  it('moves to the next key at 2^32 frames, as the vector’s K_I2R_epoch_1 says', () => {
    const sender = createChannel({ role: 'initiator', keys, firstSequence: EPOCH_LENGTH })
    const frame = sender.seal(Uint8Array.of(42))
    expect(toHex(frame.subarray(1, 9))).toBe('0000000100000000')
    // nonce = IV ⊕ (0^4 ‖ sequence), the key is epoch 1's (§7.3)
    const nonce = keys.initiatorIv.slice()
    nonce[7]! ^= 1
    expect(aeadOpen(fromHex(out.K_I2R_epoch_1!), nonce, frame.subarray(9), frame.subarray(0, 9))).toEqual(
      Uint8Array.of(42),
    )
  })

  it('opens frames across an epoch change in any order within the window, once each', () => {
    const sender = createChannel({ role: 'initiator', keys, firstSequence: EPOCH_LENGTH - 3 })
    const receiver = createChannel({ role: 'responder', keys })
    const frames = Array.from({ length: 6 }, (_, i) => sender.seal(Uint8Array.of(i)))
    for (const i of [1, 4, 0, 3, 2, 5])
      expect(receiver.open(frames[i]!)).toEqual({ type: 'data', data: Uint8Array.of(i) })
    for (const f of frames) expect(() => receiver.open(f)).toThrow(code(HandshakeErrorCode.ChannelReplay))
  })

  it('refuses a frame that claims a later epoch than the next, without moving the window', () => {
    const sender = createChannel({ role: 'initiator', keys, firstSequence: 2 * EPOCH_LENGTH })
    const receiver = createChannel({ role: 'responder', keys })
    const far = sender.seal(Uint8Array.of(1))
    expect(() => receiver.open(far)).toThrow(code(HandshakeErrorCode.ChannelDecryptFailed))
    const near = createChannel({ role: 'initiator', keys }).seal(Uint8Array.of(2))
    expect(receiver.open(near)).toEqual({ type: 'data', data: Uint8Array.of(2) })
  })

  it('refuses to send past the last sequence number', () => {
    const sender = createChannel({ role: 'initiator', keys, firstSequence: 7, lastSequence: 7 })
    sender.seal(Uint8Array.of(1))
    expect(() => sender.seal(Uint8Array.of(2))).toThrow(code(HandshakeErrorCode.ChannelExhausted))
    // By default the last is 2^53 − 1: sequence numbers stay exact JavaScript integers.
    expect(MAX_SEQUENCE).toBe(2 ** 53 - 1)
  })
})

describe('close and limits', () => {
  it('an authenticated close ends the channel on both sides', () => {
    const a = createChannel({ role: 'initiator', keys })
    const b = createChannel({ role: 'responder', keys })
    const data = a.seal(Uint8Array.of(1))
    expect(b.open(a.close())).toEqual({ type: 'close' })
    expect(() => a.seal(Uint8Array.of(2))).toThrow(code(HandshakeErrorCode.ChannelClosed))
    expect(() => b.open(data)).toThrow(code(HandshakeErrorCode.ChannelClosed))
  })

  it('a forged close does not close anything', () => {
    const a = createChannel({ role: 'initiator', keys })
    const b = createChannel({ role: 'responder', keys })
    const close = a.close()
    const forged = concatBytes(close.subarray(0, 9), new Uint8Array(16))
    expect(() => b.open(forged)).toThrow(code(HandshakeErrorCode.ChannelDecryptFailed))
    expect(b.closed).toBe(false)
  })

  it('refuses payloads and frames above the limits', () => {
    const a = createChannel({ role: 'initiator', keys, maxFrameLength: 100 })
    const b = createChannel({ role: 'responder', keys, maxFrameLength: 100 })
    expect(a.maxPayloadLength).toBe(100 - FRAME_OVERHEAD)
    expect(() => a.seal(new Uint8Array(a.maxPayloadLength + 1))).toThrow(
      code(HandshakeErrorCode.InvalidArgument),
    )
    expect(() => b.open(new Uint8Array(101))).toThrow(code(HandshakeErrorCode.MessageTooLarge))
    expect(b.open(a.seal(new Uint8Array(a.maxPayloadLength)))).toMatchObject({ type: 'data' })
  })
})

describe('sessions', () => {
  it('export the same keying material on both sides, different per label', async () => {
    const device = await party(1)
    const gateway = await party(2)
    const { message1, next } = await createInitiator({
      identity: device.identity,
      policy: { resolver },
    }).start()
    const { message2, next: next3 } = await createResponder({
      identity: gateway.identity,
      policy: { resolver },
    }).receive1(message1)
    const { message3, session: i } = await next.receive2(message2)
    const { session: r } = await next3.receive3(message3)
    expect(i.exportKeyingMaterial('app', 32)).toEqual(r.exportKeyingMaterial('app', 32))
    expect(i.exportKeyingMaterial('app', 32)).not.toEqual(i.exportKeyingMaterial('other', 32))
    expect(() => i.exportKeyingMaterial('', 32)).toThrow(code(HandshakeErrorCode.InvalidArgument))
  })
})
