// Vectors. Sources:
// - RFC 8949 Appendix A (examples of encoded CBOR data items) and §4.2.1 (core deterministic
//   encoding): integers, byte strings, arrays, maps with integer keys.
// - The CID of the empty map: the DAG-CBOR encoding of {} is the single byte 0xa0, whose
//   CIDv1 (dag-cbor, sha2-256) is the well-known
//   bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua (IPLD, DAG-CBOR spec).
// - OUR regression vector for did:marque (docs/did-method.md, "Test vectors"): a genesis
//   operation made from fixed seeds, its exact bytes, signing input and DID. It is not from
//   any external specification: it pins this implementation so that a change in encoding
//   or derivation shows up here.
import { fromHex, toHex, utf8 } from '@marque/crypto'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { describe, expect, it } from 'vitest'
import { decodeStrict, encodeDeterministic } from '../src/cbor.js'
import {
  decodeOperation,
  encodeUnsignedOperation,
  formatDid,
  operationCid,
  operationDigest,
  parseDid,
  recoveryCommitment,
  signingInput,
  signOperation,
} from '../src/index.js'
import { fixedSigner } from './fixtures.js'
import { GENESIS_VECTOR } from './vector-data.js'

describe('RFC 8949 Appendix A, deterministic encoding (§4.2.1)', () => {
  const cases: [unknown, string][] = [
    [0, '00'],
    [1, '01'],
    [10, '0a'],
    [23, '17'],
    [24, '1818'],
    [25, '1819'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [new Uint8Array(0), '40'],
    [fromHex('01020304'), '4401020304'],
    ['', '60'],
    ['a', '6161'],
    ['IETF', '6449455446'],
    [[], '80'],
    [[1, 2, 3], '83010203'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [new Map(), 'a0'],
    [
      new Map([
        [1, 2],
        [3, 4],
      ]),
      'a201020304',
    ],
  ]
  for (const [value, hex] of cases) {
    it(`${hex}`, () => {
      expect(toHex(encodeDeterministic(value))).toBe(hex)
      expect(toHex(encodeDeterministic(decodeStrict(fromHex(hex))))).toBe(hex)
    })
  }
  it('sorts integer map keys by their encoded bytes', () => {
    const map = new Map<number, number>([
      [9, 0],
      [24, 0],
      [0, 0],
    ])
    expect(toHex(encodeDeterministic(map))).toBe('a3000009001818' + '00')
  })
})

describe('CID', () => {
  it('builds the known CID of the empty DAG-CBOR map (0xa0)', () => {
    const digest = operationDigest(fromHex('a0'))
    expect(CID.createV1(0x71, createDigest(0x12, digest)).toString()).toBe(
      'bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua',
    )
  })
  it('names an operation with codec cbor (0x51) and the same sha2-256 multihash', () => {
    const cid = operationCid(fromHex('a0'))
    expect(cid.version).toBe(1)
    expect(cid.code).toBe(0x51)
    expect(cid.multihash.code).toBe(0x12)
    const known = CID.parse('bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua')
    expect(toHex(cid.multihash.bytes)).toBe(toHex(known.multihash.bytes))
    expect(cid.toString()).toBe(CID.parse(cid.toString()).toString())
  })
})

describe('did:marque genesis regression vector (ours)', () => {
  it('gives the exact bytes, signing input and DID', async () => {
    const device = await fixedSigner(1)
    const update = await fixedSigner(2)
    const recovery = await fixedSigner(3)
    expect(toHex(device.publicKey)).toBe('8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c')
    const operation = {
      type: 'create' as const,
      locator: fromHex(GENESIS_VECTOR.locator),
      keys: [device.publicKey],
      updateKey: update.publicKey,
      recoveryCommitment: recoveryCommitment(recovery.publicKey),
    }
    const unsigned = encodeUnsignedOperation(operation)
    expect(toHex(unsigned)).toBe(GENESIS_VECTOR.unsigned)
    const input = signingInput(unsigned, GENESIS_VECTOR.domain)
    expect(toHex(input)).toBe(
      toHex(utf8('did:marque op')) +
        '000115' +
        toHex(utf8('marque:memory:default')) +
        GENESIS_VECTOR.unsigned,
    )
    const signed = await signOperation({ operation, domain: GENESIS_VECTOR.domain, signer: device })
    expect(toHex(signed.signature)).toBe(GENESIS_VECTOR.signature)
    expect(toHex(signed.bytes)).toBe(`82${GENESIS_VECTOR.unsigned}5840${GENESIS_VECTOR.signature}`)
    expect(signed.bytes.length).toBe(186)
    const did = formatDid({ locator: operation.locator, digest: signed.digest })
    expect(did).toBe(GENESIS_VECTOR.did)
    const parsed = parseDid(did)
    if ('error' in parsed) throw new Error(parsed.message)
    expect(toHex(parsed.locator)).toBe(GENESIS_VECTOR.locator)
    expect(toHex(parsed.digest)).toBe(toHex(signed.digest.subarray(0, 16)))
    const decoded = decodeOperation(signed.bytes)
    expect(toHex(decoded.unsignedBytes)).toBe(GENESIS_VECTOR.unsigned)
  })
})
