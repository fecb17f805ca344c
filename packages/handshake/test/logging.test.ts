// The specific reason for a failure is logged locally, and no log ever carries a secret.
import { toHex } from '@marque/crypto'
import { describe, expect, it } from 'vitest'
import { createInitiator, createResponder, HandshakeErrorCode, type Logger } from '../src/index.js'
import { party, resolver, seededRandom } from './helpers.js'

describe('logging', () => {
  it('logs the reason of a failure with public values only', async () => {
    const lines: string[] = []
    const logger: Logger = {
      debug: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      warn: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
    }
    const device = await party(1)
    const gateway = await party(2)
    const other = await party(3)
    const x = seededRandom('log/i')(32)
    const { message1, next } = await createInitiator({
      identity: device.identity,
      policy: { resolver },
      expectedPeer: other.did,
      random: seededRandom('log/i'),
      logger,
    }).start()
    const { message2 } = await createResponder({
      identity: gateway.identity,
      policy: { resolver },
      logger,
    }).receive1(message1)
    await expect(next.receive2(message2)).rejects.toThrow(
      expect.objectContaining({ code: HandshakeErrorCode.PeerMismatch }),
    )
    const text = lines.join('\n')
    expect(text).toContain(HandshakeErrorCode.PeerMismatch)
    expect(text).toContain(gateway.did)
    // Neither seed (0x01…, 0x02…) nor the ephemeral secret appears in any form.
    for (const secret of [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), x]) {
      expect(text).not.toContain(toHex(secret))
      expect(text).not.toContain(Buffer.from(secret).toString('base64url'))
    }
  })
})
