// examples/anvil-anchoring.ts, run as its own process against the anvil node it starts:
// the lifecycle is anchored on chain and resolves in two round trips, now and as it was.
import { expect, it } from 'vitest'
import { runExample } from './lib/child.js'

it('examples/anvil-anchoring.ts anchors a DID lifecycle on anvil and resolves it in 2 round trips', async () => {
  const { code, stdout, stderr } = await runExample('anvil-anchoring.ts')
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const lines = stdout.trimEnd().split('\n')
  expect(lines).toHaveLength(6)
  expect(lines[0]).toMatch(
    /^anvil on http:\/\/127\.0\.0\.1:\d+ \(chain 31337\), registry deployed at 0x[0-9a-f]{40}$/,
  )
  const gas = Number(
    /^50 devices registered in one transaction: (\d+) gas a device \(0x[0-9a-f]{8}…\)$/.exec(lines[1]!)?.[1],
  )
  // docs/ledger-evm.md, "Gas": under 10,000 a device in factory batches.
  expect(gas).toBeGreaterThan(1000)
  expect(gas).toBeLessThan(10_000)
  expect(lines[2]).toMatch(
    /^device did:marque:\w+: created, updated, rotated, transferred, deactivated \(5 operations\)$/,
  )
  expect(lines[3]).toBe('resolved now: version 5, deactivated, in 2 round trips (eth_call, eth_getLogs)')
  expect(lines[4]).toBe('resolved at version 2: the first device key and the service, in 2 round trips')
  expect(lines[5]).toBe('the rest of the batch resolves unchanged, at version 1')
})
