// Vectors. Sources:
// - RFC 8949 Appendix A (examples of encoded CBOR data items) and §4.2.1 (core deterministic
//   encoding): integers, byte strings, arrays, maps with integer keys.
// - The CID of the empty map: the DAG-CBOR encoding of {} is the single byte 0xa0, whose
//   CIDv1 (dag-cbor, sha2-256) is the well-known
//   bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua (IPLD, DAG-CBOR spec).
// - OUR regression vector for did:marque (docs/did-method.md, "Test vectors"): a genesis
//   operation made from fixed seeds, its exact bytes, signing input and DID. It is not from
//   any external specification: it pins this implementation so that a change in encoding
//   or derivation shows up here. A second one is the same genesis naming an anchor account
//   (field 10).
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
import { ANCHORED_GENESIS_VECTOR, GENESIS_VECTOR } from './vector-data.js'

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

interface GenesisVector {
  domain: string
  locator: string
  anchorAccount?: string
  unsigned: string
  signature: string
  did: string
}

/** Builds the vector's genesis from its seeds and checks every byte of it. */
async function checkGenesisVector(vector: GenesisVector, size: number) {
  const device = await fixedSigner(1)
  const update = await fixedSigner(2)
  const recovery = await fixedSigner(3)
  expect(toHex(device.publicKey)).toBe('8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c')
  const operation = {
    type: 'create' as const,
    locator: fromHex(vector.locator),
    keys: [device.publicKey],
    updateKey: update.publicKey,
    recoveryCommitment: recoveryCommitment(recovery.publicKey),
    ...(vector.anchorAccount !== undefined && { anchorAccount: fromHex(vector.anchorAccount) }),
  }
  const unsigned = encodeUnsignedOperation(operation)
  expect(toHex(unsigned)).toBe(vector.unsigned)
  const input = signingInput(unsigned, vector.domain)
  expect(toHex(input)).toBe(
    toHex(utf8('did:marque op')) + '000115' + toHex(utf8('marque:memory:default')) + vector.unsigned,
  )
  const signed = await signOperation({ operation, domain: vector.domain, signer: device })
  expect(toHex(signed.signature)).toBe(vector.signature)
  expect(toHex(signed.bytes)).toBe(`82${vector.unsigned}5840${vector.signature}`)
  expect(signed.bytes.length).toBe(size)
  const did = formatDid({ locator: operation.locator, digest: signed.digest })
  expect(did).toBe(vector.did)
  const parsed = parseDid(did)
  if ('error' in parsed) throw new Error(parsed.message)
  expect(toHex(parsed.locator)).toBe(vector.locator)
  expect(toHex(parsed.digest)).toBe(toHex(signed.digest.subarray(0, 16)))
  const decoded = decodeOperation(signed.bytes)
  expect(toHex(decoded.unsignedBytes)).toBe(vector.unsigned)
  expect(decoded.operation).toEqual(operation)
  return signed.bytes
}

describe('did:marque genesis regression vector (ours)', () => {
  it('gives the exact bytes, signing input and DID', async () => {
    await checkGenesisVector(GENESIS_VECTOR, 186)
  })
})

describe('did:marque genesis vector with an anchor account (ours)', () => {
  it('gives the exact bytes, signing input and DID', async () => {
    const bytes = await checkGenesisVector(ANCHORED_GENESIS_VECTOR, 208)
    // Field 10 is the highest key of a create: it sits right before the signature, where an
    // EVM registry reads it (docs/ledger-evm.md, "Deactivation on chain").
    expect(toHex(bytes.subarray(bytes.length - 88, bytes.length - 66))).toBe(
      `0a54${ANCHORED_GENESIS_VECTOR.anchorAccount}`,
    )
    // The same genesis as the first vector but for those 22 bytes (and the map's size).
    expect(ANCHORED_GENESIS_VECTOR.unsigned).toBe(
      `a7${GENESIS_VECTOR.unsigned.slice(2)}0a54${ANCHORED_GENESIS_VECTOR.anchorAccount}`,
    )
  })
})
