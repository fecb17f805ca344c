// The registry's genesis parser (`genesisSealer`, which sealing relies on) and @marque/did's
// decoder agree: on every genesis the TypeScript encoder makes, the registry reads exactly
// the anchor account (field 10) that decodeOperation reads, and refuses one that names none
// with InvalidGenesis. A differential property test against the contract on anvil.
import { generateSigner, generateX25519KeyPair, toHex } from '@marque/crypto'
import {
  type CreateOperation,
  decodeOperation,
  encodeOperation,
  formatDid,
  operationDigest,
  type Service,
} from '@marque/did'
import fc from 'fast-check'
import type { Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { didKey } from '../src/index.js'
import type { RegistryNode } from '../src/testing/index.js'
import { useChain } from './fixture.js'
import { genesisSealerOf } from './helpers.js'

let node: RegistryNode
useChain((chain) => {
  node = chain.node
})

const onChain = (key: Hex, genesis: Uint8Array) => genesisSealerOf(node, key, genesis)

/** What @marque/did reads: the anchor account, InvalidGenesis when there is none. */
function offChain(genesis: Uint8Array): string {
  const op = decodeOperation(genesis).operation
  if (op.type !== 'create') throw new Error('not a genesis')
  return op.anchorAccount === undefined ? 'InvalidGenesis' : `0x${toHex(op.anchorAccount)}`
}

function keyOf(genesis: Uint8Array, locator: Uint8Array): Hex {
  return didKey(formatDid({ locator, digest: operationDigest(genesis) }), 'default').key
}

// Real keys (the encoder checks every one), picked from pools so the property stays fast.
const ed25519 = await Promise.all(Array.from({ length: 12 }, async () => (await generateSigner()).publicKey))
const x25519 = await Promise.all(
  Array.from({ length: 6 }, async () => (await generateX25519KeyPair()).publicKey),
)

const pick = (pool: Uint8Array[], min: number, max: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: pool.length - 1 }), { minLength: min, maxLength: max })
    .map((is) => is.map((i) => pool[i]!))
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n })
// Endpoints of every length up to the limit, so their CBOR length takes one byte or two.
const services = fc.uniqueArray(
  fc.record({
    id: fc.integer({ min: 0, max: 255 }),
    type: fc.constantFrom('LinkedDomains', 'DIDCommMessaging', 'MarqueHandshake') as fc.Arbitrary<
      Service['type']
    >,
    endpoint: fc.stringMatching(/^[a-z0-9./-]{0,180}$/).map((rest) => `https://${rest}`),
  }),
  { minLength: 1, maxLength: 8, selector: (s) => s.id },
)
// A recovery commitment is 32 bytes of the creator's choosing (a hash the registry cannot
// check): sometimes with `0a 54` where a field 10 would start if it were read by position.
const commitment = fc.oneof(
  bytes(32),
  bytes(32).map((c) => {
    const out = c.slice()
    out[10] = 0x0a
    out[11] = 0x54
    return out
  }),
)
const account = bytes(20).filter((a) => a.some((b) => b !== 0))

const genesis: fc.Arbitrary<CreateOperation> = fc
  .record(
    {
      locator: bytes(6),
      keys: pick(ed25519, 1, 8),
      agreementKeys: pick(x25519, 1, 4),
      services,
      updateKey: pick(ed25519, 1, 1).map(([k]) => k!),
      recoveryCommitment: commitment,
      anchorAccount: account,
    },
    { requiredKeys: ['locator', 'keys', 'updateKey', 'recoveryCommitment'] },
  )
  .map((o) => ({ type: 'create' as const, ...o }))

describe("the registry's genesis parser and @marque/did's decoder", () => {
  it('read the same anchor account from every genesis the encoder makes', async () => {
    await fc.assert(
      fc.asyncProperty(genesis, bytes(64), async (op, signature) => {
        const signed = encodeOperation(op, signature)
        expect(await onChain(keyOf(signed, op.locator), signed)).toBe(offChain(signed))
      }),
      { numRuns: 120 },
    )
  })

  it('refuse a genesis that puts the anchor account in a recovery commitment', async () => {
    // No field 10, but bytes 10 and 11 of the commitment spell its header: read by position
    // from the end, this genesis would name commitment bytes 12..31 as its anchor account.
    const commitment = new Uint8Array(32).fill(0x11)
    commitment.set([0x0a, 0x54], 10)
    const op: CreateOperation = {
      type: 'create',
      locator: new Uint8Array(6).fill(1),
      keys: [ed25519[0]!],
      updateKey: ed25519[1]!,
      recoveryCommitment: commitment,
    }
    const signed = encodeOperation(op, new Uint8Array(64).fill(7))
    expect(toHex(signed.subarray(-88, -86))).toBe('0a54')
    expect(offChain(signed)).toBe('InvalidGenesis')
    expect(await onChain(keyOf(signed, op.locator), signed)).toBe('InvalidGenesis')
  })

  it('never fail any other way on a mutated genesis, and agree wherever the decoder accepts it', async () => {
    const base = encodeOperation(
      {
        type: 'create',
        locator: new Uint8Array(6).fill(2),
        keys: [ed25519[0]!, ed25519[1]!],
        agreementKeys: [x25519[0]!],
        services: [{ id: 3, type: 'MarqueHandshake', endpoint: `https://gw.example/${'a'.repeat(40)}` }],
        updateKey: ed25519[2]!,
        recoveryCommitment: new Uint8Array(32).fill(3),
        anchorAccount: new Uint8Array(20).fill(4),
      },
      new Uint8Array(64).fill(5),
    )
    await fc.assert(
      fc.asyncProperty(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const mutated = base.slice()
        mutated[at]! ^= xor
        // Filed under the DID the mutated bytes hash to, so the hash check passes and the
        // parser itself decides.
        const result = await onChain(keyOf(mutated, mutated.subarray(8, 14)), mutated)
        let expected: string | undefined
        try {
          expected = offChain(mutated)
        } catch {
          // Not a valid genesis: the DID does not exist for resolvers. The registry may read
          // an account from it or refuse it, but never fails any other way.
        }
        if (expected === undefined) expect(result === 'InvalidGenesis' || result.startsWith('0x')).toBe(true)
        else expect(result).toBe(expected)
      }),
      { numRuns: 150 },
    )
  })
})
