import { fromHex, generateX25519KeyPair, toHex } from '@marque/crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { encodeDeterministic } from '../src/cbor.js'
import {
  DidError,
  DidErrorCode,
  decodeOperation,
  encodeOperation,
  encodeUnsignedOperation,
  MAX_OPERATION_SIZE,
  recoveryCommitment,
  type Service,
  type UnsignedOperation,
} from '../src/index.js'
import { fixedSigner } from './fixtures.js'

const SIG = new Uint8Array(64).fill(7)
const device = await fixedSigner(1)
const update = await fixedSigner(2)
const recovery = await fixedSigner(3)
const x25519 = (await generateX25519KeyPair()).publicKey
const PREV = new Uint8Array(32).fill(9)
const ACCOUNT = fromHex('7e5f4552091a69125d5dfcb7b8c2659029395bdf')

const genesis: UnsignedOperation = {
  type: 'create',
  locator: fromHex('0a0b0c0d0e0f'),
  keys: [device.publicKey],
  updateKey: update.publicKey,
  recoveryCommitment: recoveryCommitment(recovery.publicKey),
}

/** A raw operation map with the given entries, encoded deterministically, then signed with SIG. */
function raw(entries: [number | string, unknown][], signature: unknown = SIG): Uint8Array {
  return encodeDeterministic([new Map(entries), signature])
}
const genesisEntries = (): [number, unknown][] => [
  [0, 1],
  [1, 0],
  [3, fromHex('0a0b0c0d0e0f')],
  [4, [device.publicKey]],
  [7, update.publicKey],
  [8, recoveryCommitment(recovery.publicKey)],
]
/** An update carrying field 10, which only a create may carry. */
const updateWithAccount = () =>
  raw([
    [0, 1],
    [1, 1],
    [2, PREV],
    [7, update.publicKey],
    [10, ACCOUNT],
  ])

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof DidError) return error.code
    throw error
  }
  throw new Error('did not throw')
}

describe('operation sizes (bytes, signature included)', () => {
  it('keeps each type compact', () => {
    const sizes = {
      create: encodeOperation(genesis, SIG).length,
      createWithKeyAgreement: encodeOperation({ ...genesis, agreementKeys: [x25519] }, SIG).length,
      createWithAnchorAccount: encodeOperation({ ...genesis, anchorAccount: ACCOUNT }, SIG).length,
      updateOneKey: encodeOperation({ type: 'update', prev: PREV, keys: [update.publicKey] }, SIG).length,
      transfer: encodeOperation(
        {
          type: 'transfer',
          prev: PREV,
          recoveryKey: recovery.publicKey,
          updateKey: update.publicKey,
          recoveryCommitment: PREV,
        },
        SIG,
      ).length,
      deactivate: encodeOperation({ type: 'deactivate', prev: PREV, recoveryKey: recovery.publicKey }, SIG)
        .length,
    }
    // docs/did-method.md, "Sizes": these are the figures it states.
    expect(sizes).toEqual({
      create: 186,
      createWithKeyAgreement: 222,
      createWithAnchorAccount: 208,
      updateOneKey: 143,
      transfer: 212,
      deactivate: 142,
    })
  })
})

describe('decodeOperation', () => {
  it('round-trips a genesis and hands back the signed part', () => {
    const bytes = encodeOperation(genesis, SIG)
    const decoded = decodeOperation(bytes)
    expect(decoded.operation).toEqual(genesis)
    expect(toHex(decoded.signature)).toBe(toHex(SIG))
    expect(toHex(decoded.unsignedBytes)).toBe(toHex(encodeUnsignedOperation(genesis)))
  })

  it('matches a hand-built map byte for byte', () => {
    expect(toHex(raw(genesisEntries()))).toBe(toHex(encodeOperation(genesis, SIG)))
    expect(toHex(raw([...genesisEntries(), [10, ACCOUNT]]))).toBe(
      toHex(encodeOperation({ ...genesis, anchorAccount: ACCOUNT }, SIG)),
    )
  })

  it('round-trips a genesis naming an anchor account, the field last before the signature', () => {
    const anchored = { ...genesis, anchorAccount: ACCOUNT }
    const bytes = encodeOperation(anchored, SIG)
    expect(decodeOperation(bytes).operation).toEqual(anchored)
    expect(toHex(bytes.subarray(-88, -66))).toBe(`0a54${toHex(ACCOUNT)}`)
  })

  const good = () => encodeOperation(genesis, SIG)
  const hostile: [string, () => Uint8Array, DidErrorCode][] = [
    [
      'more than MAX_OPERATION_SIZE bytes',
      () => new Uint8Array(MAX_OPERATION_SIZE + 1),
      DidErrorCode.OperationTooLarge,
    ],
    ['not CBOR (reserved additional information 28)', () => fromHex('1c'), DidErrorCode.Malformed],
    // A break (0xff) only ends an indefinite-length item (RFC 8949 §3.2.1).
    ['a lone break', () => fromHex('ff'), DidErrorCode.IndefiniteLength],
    ['empty', () => new Uint8Array(0), DidErrorCode.Malformed],
    ['truncated', () => good().subarray(0, 100), DidErrorCode.Malformed],
    ['a CBOR tag', () => fromHex(`c1${toHex(good())}`), DidErrorCode.Malformed],
    ['a map at the top', () => encodeDeterministic(new Map(genesisEntries())), DidErrorCode.Malformed],
    [
      'an indefinite-length outer array',
      () => fromHex(`9f${toHex(good().subarray(1))}ff`),
      DidErrorCode.IndefiniteLength,
    ],
    [
      'a non-minimal integer (version as 0x1801)',
      () => fromHex(`82a6001801${toHex(good().subarray(4))}`),
      DidErrorCode.NonCanonical,
    ],
    [
      'a float standing for an integer (version as 1.0)',
      () => fromHex(`82a600f93c00${toHex(good().subarray(4))}`),
      DidErrorCode.NonCanonical,
    ],
    [
      'map keys out of order',
      () => {
        // Swap the first two entries (0:1 and 1:0) by hand: 82 a6 | 00 01 | 01 00 | ...
        const b = good()
        return fromHex(`82a6010000 01${toHex(b.subarray(6))}`.replace(' ', ''))
      },
      DidErrorCode.NonCanonical,
    ],
    [
      'a repeated map key',
      () => fromHex(`82a7000100${toHex(good().subarray(4))}`),
      DidErrorCode.DuplicateKey,
    ],
    ['a trailing byte', () => fromHex(`${toHex(good())}00`), DidErrorCode.TrailingBytes],
    [
      'an unknown version',
      () => raw(genesisEntries().map(([k, v]) => [k, k === 0 ? 2 : v])),
      DidErrorCode.UnknownVersion,
    ],
    ['no version', () => raw(genesisEntries().slice(1)), DidErrorCode.MissingField],
    [
      'an unknown type',
      () => raw(genesisEntries().map(([k, v]) => [k, k === 1 ? 4 : v])),
      DidErrorCode.UnknownType,
    ],
    ['an unknown field', () => raw([...genesisEntries(), [11, 0]]), DidErrorCode.UnknownField],
    ['a text map key', () => raw([...genesisEntries(), ['x', 0]]), DidErrorCode.UnknownField],
    ['prev in a create', () => raw([...genesisEntries(), [2, PREV]]), DidErrorCode.UnknownField],
    [
      'an anchor account of 19 bytes',
      () => raw([...genesisEntries(), [10, ACCOUNT.subarray(1)]]),
      DidErrorCode.InvalidField,
    ],
    [
      'an anchor account of 21 bytes',
      () => raw([...genesisEntries(), [10, fromHex(`00${toHex(ACCOUNT)}`)]]),
      DidErrorCode.InvalidField,
    ],
    [
      'an anchor account of 32 bytes',
      () => raw([...genesisEntries(), [10, PREV]]),
      DidErrorCode.InvalidField,
    ],
    [
      'an anchor account as text',
      () => raw([...genesisEntries(), [10, `0x${toHex(ACCOUNT)}`]]),
      DidErrorCode.InvalidField,
    ],
    ['an anchor account as an integer', () => raw([...genesisEntries(), [10, 0]]), DidErrorCode.InvalidField],
    [
      'an anchor account of 20 zero bytes',
      () => raw([...genesisEntries(), [10, new Uint8Array(20)]]),
      DidErrorCode.InvalidField,
    ],
    ['an anchor account in an update', () => updateWithAccount(), DidErrorCode.UnknownField],
    [
      'an anchor account in a transfer',
      () =>
        raw([
          [0, 1],
          [1, 2],
          [2, PREV],
          [7, update.publicKey],
          [8, PREV],
          [9, recovery.publicKey],
          [10, ACCOUNT],
        ]),
      DidErrorCode.UnknownField,
    ],
    [
      'an anchor account in a deactivate',
      () =>
        raw([
          [0, 1],
          [1, 3],
          [2, PREV],
          [9, recovery.publicKey],
          [10, ACCOUNT],
        ]),
      DidErrorCode.UnknownField,
    ],
    [
      'an anchor account before the recovery commitment (keys out of order)',
      () => {
        // Swap the spellings of fields 8 and 10 by hand: ... 0a 54 <20> 08 58 20 <32> 58 40 ...
        const b = encodeOperation({ ...genesis, anchorAccount: ACCOUNT }, SIG)
        const tail = b.length - 66
        return fromHex(
          toHex(b.subarray(0, tail - 57)) +
            toHex(b.subarray(tail - 22, tail)) +
            toHex(b.subarray(tail - 57, tail - 22)) +
            toHex(b.subarray(tail)),
        )
      },
      DidErrorCode.NonCanonical,
    ],
    [
      'no recovery commitment',
      () => raw(genesisEntries().filter(([k]) => k !== 8)),
      DidErrorCode.MissingField,
    ],
    [
      'a 5-byte locator',
      () => raw(genesisEntries().map(([k, v]) => [k, k === 3 ? fromHex('0102030405') : v])),
      DidErrorCode.InvalidField,
    ],
    [
      'a key as text',
      () => raw(genesisEntries().map(([k, v]) => [k, k === 7 ? 'key' : v])),
      DidErrorCode.InvalidField,
    ],
    ['a 63-byte signature', () => raw(genesisEntries(), new Uint8Array(63)), DidErrorCode.InvalidField],
    [
      'a small-order Ed25519 key (the identity point)',
      () => raw(genesisEntries().map(([k, v]) => [k, k === 4 ? [fromHex(`01${'00'.repeat(31)}`)] : v])),
      DidErrorCode.InvalidKey,
    ],
    [
      'a low-order X25519 key',
      () => raw([...genesisEntries(), [5, [new Uint8Array(32)]]]),
      DidErrorCode.InvalidKey,
    ],
    [
      'no device key',
      () => raw(genesisEntries().map(([k, v]) => [k, k === 4 ? [] : v])),
      DidErrorCode.InvalidField,
    ],
    [
      'an empty key-agreement list in a create',
      () => raw([...genesisEntries(), [5, []]]),
      DidErrorCode.InvalidField,
    ],
    [
      'nine device keys',
      () =>
        raw(
          genesisEntries().map(([k, v]) => [
            k,
            k === 4 ? Array.from({ length: 9 }, (_, i) => distinctKey(i)) : v,
          ]),
        ),
      DidErrorCode.LimitExceeded,
    ],
    [
      'the same device key twice',
      () => raw(genesisEntries().map(([k, v]) => [k, k === 4 ? [device.publicKey, device.publicKey] : v])),
      DidErrorCode.DuplicateEntry,
    ],
    [
      'an unknown service type',
      () => raw([...genesisEntries(), [6, [[1, 99, 'https://a.example']]]]),
      DidErrorCode.InvalidService,
    ],
    [
      'a service endpoint with no scheme',
      () => raw([...genesisEntries(), [6, [[1, 1, 'a.example']]]]),
      DidErrorCode.InvalidService,
    ],
    [
      'a service endpoint with a space',
      () => raw([...genesisEntries(), [6, [[1, 1, 'https://a.example/a b']]]]),
      DidErrorCode.InvalidService,
    ],
    [
      'a service endpoint of 201 bytes',
      () => raw([...genesisEntries(), [6, [[1, 1, `https://${'a'.repeat(193)}`]]]]),
      DidErrorCode.InvalidService,
    ],
    [
      'two services with one id',
      () =>
        raw([
          ...genesisEntries(),
          [
            6,
            [
              [1, 1, 'https://a.example'],
              [1, 2, 'https://b.example'],
            ],
          ],
        ]),
      DidErrorCode.DuplicateEntry,
    ],
    ['a service of two items', () => raw([...genesisEntries(), [6, [[1, 1]]]]), DidErrorCode.InvalidField],
    [
      'nine services',
      () => raw([...genesisEntries(), [6, Array.from({ length: 9 }, (_, i) => [i, 1, 'https://a.example'])]]),
      DidErrorCode.LimitExceeded,
    ],
    [
      'an update that changes nothing',
      () =>
        raw([
          [0, 1],
          [1, 1],
          [2, PREV],
        ]),
      DidErrorCode.EmptyUpdate,
    ],
    [
      'a deactivate without the recovery key',
      () =>
        raw([
          [0, 1],
          [1, 3],
          [2, PREV],
        ]),
      DidErrorCode.MissingField,
    ],
    [
      'a deactivate carrying services',
      () =>
        raw([
          [0, 1],
          [1, 3],
          [2, PREV],
          [6, []],
          [9, recovery.publicKey],
        ]),
      DidErrorCode.UnknownField,
    ],
  ]
  for (const [name, make, code] of hostile) {
    it(`rejects ${name} with ${code}`, () => {
      expect(codeOf(() => decodeOperation(make()))).toBe(code)
    })
  }

  it('never throws anything but a DidError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Object.values(DidErrorCode)).toContain(codeOf(() => decodeOperation(bytes)))
      }),
      { numRuns: 500 },
    )
  })

  it('either rejects a flipped byte with a DidError or decodes different bytes to a different operation', () => {
    const bytes = encodeOperation({ ...genesis, agreementKeys: [x25519], anchorAccount: ACCOUNT }, SIG)
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const mutated = bytes.slice()
        mutated[at]! ^= xor
        try {
          const decoded = decodeOperation(mutated)
          expect(toHex(encodeOperation(decoded.operation, decoded.signature))).toBe(toHex(mutated))
        } catch (error) {
          expect(error).toBeInstanceOf(DidError)
        }
      }),
      { numRuns: 500 },
    )
  })
})

function distinctKey(i: number): Uint8Array {
  const k = device.publicKey.slice()
  k[0] = i
  return k
}

// --- Property tests: every operation type round-trips through its bytes. ---
const ed25519Key = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => {
  try {
    encodeUnsignedOperation({ type: 'deactivate', prev: PREV, recoveryKey: k })
    return true
  } catch {
    return false
  }
})
const x25519Key = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => {
  try {
    encodeUnsignedOperation({ type: 'update', prev: PREV, agreementKeys: [k] })
    return true
  } catch {
    return false
  }
})
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 })
const account = fc.uint8Array({ minLength: 20, maxLength: 20 }).filter((a) => a.some((b) => b !== 0))
const uniqueKeys = (arb: fc.Arbitrary<Uint8Array>, min: number, max: number) =>
  fc.uniqueArray(arb, { minLength: min, maxLength: max, selector: (k) => toHex(k) })
const endpoint = fc
  .tuple(
    fc.constantFrom('https', 'wss', 'tcp', 'urn'),
    fc.stringMatching(/^[A-Za-z0-9._~/?#@!$&'()*+,;=:%-]{1,150}$/),
  )
  .map(([scheme, rest]) => `${scheme}:${rest}`)
const services = (min: number) =>
  fc.uniqueArray(
    fc.record({
      id: fc.integer({ min: 0, max: 255 }),
      type: fc.constantFrom('LinkedDomains', 'DIDCommMessaging', 'MarqueHandshake') as fc.Arbitrary<
        Service['type']
      >,
      endpoint,
    }),
    { minLength: min, maxLength: 8, selector: (s) => s.id },
  )
const operations: Record<string, fc.Arbitrary<UnsignedOperation>> = {
  create: fc
    .record(
      {
        locator: fc.uint8Array({ minLength: 6, maxLength: 6 }),
        keys: uniqueKeys(ed25519Key, 1, 8),
        agreementKeys: uniqueKeys(x25519Key, 1, 4),
        services: services(1),
        updateKey: ed25519Key,
        recoveryCommitment: bytes32,
        anchorAccount: account,
      },
      { requiredKeys: ['locator', 'keys', 'updateKey', 'recoveryCommitment'] },
    )
    .map((o) => ({ type: 'create' as const, ...o })),
  update: fc
    .record(
      {
        prev: bytes32,
        keys: uniqueKeys(ed25519Key, 1, 8),
        agreementKeys: uniqueKeys(x25519Key, 0, 4),
        services: services(0),
        updateKey: ed25519Key,
      },
      { requiredKeys: ['prev'] },
    )
    .map((o) => ({ type: 'update' as const, ...o }))
    .filter((o) => Object.keys(o).length > 2),
  transfer: fc
    .record(
      {
        prev: bytes32,
        recoveryKey: ed25519Key,
        updateKey: ed25519Key,
        recoveryCommitment: bytes32,
        keys: uniqueKeys(ed25519Key, 1, 8),
        agreementKeys: uniqueKeys(x25519Key, 0, 4),
        services: services(0),
      },
      { requiredKeys: ['prev', 'recoveryKey', 'updateKey', 'recoveryCommitment'] },
    )
    .map((o) => ({ type: 'transfer' as const, ...o })),
  deactivate: fc
    .record({ prev: bytes32, recoveryKey: ed25519Key })
    .map((o) => ({ type: 'deactivate' as const, ...o })),
}

describe('property: encode then decode gives the operation back, byte for byte', () => {
  for (const [type, arb] of Object.entries(operations)) {
    it(type, () => {
      fc.assert(
        fc.property(arb, fc.uint8Array({ minLength: 64, maxLength: 64 }), (op, signature) => {
          const bytes = encodeOperation(op, signature)
          expect(bytes.length).toBeLessThanOrEqual(MAX_OPERATION_SIZE)
          const decoded = decodeOperation(bytes)
          expect(decoded.operation).toEqual(op)
          expect(toHex(decoded.signature)).toBe(toHex(signature))
          expect(toHex(encodeOperation(decoded.operation, decoded.signature))).toBe(toHex(bytes))
          expect(toHex(decoded.unsignedBytes)).toBe(toHex(encodeUnsignedOperation(op)))
        }),
        { numRuns: 150 },
      )
    })
  }
})

describe('error text', () => {
  it('names the problem and the fix', () => {
    let error: DidError | undefined
    try {
      decodeOperation(
        fromHex(`82a6010000 01${toHex(encodeOperation(genesis, SIG).subarray(6))}`.replace(' ', '')),
      )
    } catch (e) {
      error = e as DidError
    }
    expect({
      code: error?.code,
      message: error?.message,
      details: error?.details,
      hint: error?.hint,
    }).toMatchInlineSnapshot(`
      {
        "code": "DID_OP_NON_CANONICAL",
        "details": "the bytes differ from the core deterministic encoding of the same operation",
        "hint": "encode with RFC 8949 §4.2.1 core deterministic encoding (map keys in bytewise order)",
        "message": "the operation is not in deterministic CBOR",
      }
    `)
  })
})

describe('error text of a misplaced anchor account', () => {
  it('names the field and the operation type', () => {
    let error: DidError | undefined
    try {
      decodeOperation(updateWithAccount())
    } catch (e) {
      error = e as DidError
    }
    expect({ code: error?.code, message: error?.message }).toMatchInlineSnapshot(`
      {
        "code": "DID_OP_UNKNOWN_FIELD",
        "message": "field 10 (anchorAccount) is not part of an update operation",
      }
    `)
  })
})

describe('encodeOperation', () => {
  it('refuses what a resolver would refuse, with the same code', () => {
    expect(codeOf(() => encodeOperation({ ...genesis, keys: [] }, SIG))).toBe(DidErrorCode.InvalidField)
    expect(codeOf(() => encodeOperation(genesis, new Uint8Array(10)))).toBe(DidErrorCode.InvalidField)
    expect(
      codeOf(() => encodeOperation({ ...genesis, prev: PREV } as unknown as UnsignedOperation, SIG)),
    ).toBe(DidErrorCode.UnknownField)
    const misplaced = { type: 'update', prev: PREV, updateKey: update.publicKey, anchorAccount: ACCOUNT }
    expect(codeOf(() => encodeOperation(misplaced as unknown as UnsignedOperation, SIG))).toBe(
      DidErrorCode.UnknownField,
    )
    for (const bad of [ACCOUNT.subarray(1), new Uint8Array(20), `0x${toHex(ACCOUNT)}`]) {
      const op = { ...genesis, anchorAccount: bad } as unknown as UnsignedOperation
      expect(codeOf(() => encodeOperation(op, SIG))).toBe(DidErrorCode.InvalidField)
    }
    expect(codeOf(() => encodeOperation({ type: 'nope' } as unknown as UnsignedOperation, SIG))).toBe(
      DidErrorCode.UnknownType,
    )
    expect(
      codeOf(() =>
        encodeOperation(
          { ...genesis, services: [{ id: 256, type: 'LinkedDomains', endpoint: 'https://a' }] },
          SIG,
        ),
      ),
    ).toBe(DidErrorCode.InvalidService)
  })
})
