// The registry's batch parser and decodeBatch agree: every byte string the one refuses, the
// other refuses too (a differential property test against the contract on anvil).
import fc from 'fast-check'
import { type BaseError, bytesToHex, ContractFunctionRevertedError } from 'viem'
import { describe, expect, it } from 'vitest'
import { type BatchRecord, decodeBatch, encodeBatch, registryAbi } from '../src/index.js'
import type { RegistryNode } from '../src/testing/index.js'
import { useChain } from './fixture.js'

let node: RegistryNode
useChain((chain) => {
  node = chain.node
})

/** 'ok', or the name of the registry's revert. */
async function onChain(batch: Uint8Array): Promise<string> {
  try {
    await node.publicClient().simulateContract({
      address: node.registry,
      abi: registryAbi,
      functionName: 'anchor',
      args: [bytesToHex(batch)],
      account: node.account,
    })
    return 'ok'
  } catch (error) {
    const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError)
    return (revert as ContractFunctionRevertedError | null)?.data?.errorName ?? 'other'
  }
}

function offChain(batch: Uint8Array): string {
  try {
    decodeBatch(batch)
    return 'ok'
  } catch {
    return 'MalformedBatch'
  }
}

const record: fc.Arbitrary<BatchRecord> = fc.oneof(
  fc.record({
    kind: fc.constant('genesis' as const),
    locator: fc.uint8Array({ minLength: 6, maxLength: 6 }),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }),
  }),
  fc.record({
    kind: fc.constant('keyed' as const),
    key: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b)),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }),
  }),
)

// Valid batches, then the same with one byte changed, cut short or extended.
const batches = fc.oneof(
  fc.array(record, { minLength: 1, maxLength: 4 }).map(encodeBatch),
  fc
    .tuple(
      fc.array(record, { minLength: 1, maxLength: 3 }).map(encodeBatch),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
    )
    .map(([b, at, v]) => {
      const out = b.slice()
      out[at % out.length] = v
      return out
    }),
  fc
    .tuple(fc.array(record, { minLength: 1, maxLength: 3 }).map(encodeBatch), fc.nat())
    .map(([b, n]) => b.subarray(0, n % b.length)),
  fc.uint8Array({ maxLength: 80 }),
)

describe('the registry and decodeBatch', () => {
  it('accept and refuse the same batches', async () => {
    await fc.assert(
      fc.asyncProperty(batches, async (batch) => {
        expect(await onChain(batch)).toBe(offChain(batch))
      }),
      { numRuns: 60 },
    )
  })
})
