// The genesis signer's key gets the encoding check at decode time and the on-curve check from
// the verification of its signature, which decodes the point: a key off the curve is never
// accepted, the operation is ignored as badly signed, and junk can never make a DID.
import { fromHex, randomBytes, sha256 } from '@marque/crypto'
import { describe, expect, it } from 'vitest'
import {
  type DidError,
  DidErrorCode,
  decodeOperation,
  encodeOperation,
  formatDid,
  replayOperations,
} from '../src/index.js'

// y = 2 has no x on the curve (checked by assertEd25519PublicKey in @marque/crypto's tests).
const OFF_CURVE = fromHex('0200000000000000000000000000000000000000000000000000000000000000')
const SMALL_ORDER = fromHex('0100000000000000000000000000000000000000000000000000000000000000')

function genesis(key: Uint8Array, second?: Uint8Array): Uint8Array {
  return encodeOperation(
    {
      type: 'create',
      locator: randomBytes(6),
      keys: second === undefined ? [key] : [key, second],
      updateKey: fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
      recoveryCommitment: randomBytes(32),
    },
    randomBytes(64),
  )
}

describe('the genesis signer key', () => {
  it('decodes with a key off the curve, and validation ignores it as badly signed', async () => {
    const bytes = genesis(OFF_CURVE)
    const decoded = decodeOperation(bytes).operation
    expect(decoded.type).toBe('create')
    const locator = (decoded as { locator: Uint8Array }).locator
    const did = formatDid({ locator, digest: sha256(bytes) })
    const history = await replayOperations({
      did,
      domain: 'marque:memory:default',
      operations: [{ did, bytes, position: 1, time: 1_700_000_000, anchorId: 'a' }],
    })
    expect(history.versions).toEqual([])
    expect(history.ignored.map((i) => i.code)).toContain(DidErrorCode.BadSignature)
  })

  it('still refuses a small-order signer, and an off-curve key that signs nothing', () => {
    const code = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return (e as DidError).code
      }
      return 'none'
    }
    expect(code(() => decodeOperation(genesis(SMALL_ORDER)))).toBe(DidErrorCode.InvalidKey)
    const valid = fromHex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c')
    expect(code(() => decodeOperation(genesis(valid, OFF_CURVE)))).toBe(DidErrorCode.InvalidKey)
  })
})
