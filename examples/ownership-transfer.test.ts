// examples/ownership-transfer.ts, run as its own process: the sale moves control on the
// ledger, the record checks out, the old keys are refused, and a resale supersedes it.
import { expect, it } from 'vitest'
import { runExample } from './lib/child.js'

it('examples/ownership-transfer.ts transfers a device and checks the sale against the ledger', async () => {
  const { code, stdout, stderr } = await runExample('ownership-transfer.ts')
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const lines = stdout.trimEnd().split('\n')
  expect(lines).toHaveLength(6)
  const device = /^device (did:marque:\w+) registered, controlled by its manufacturer$/.exec(lines[0]!)?.[1]
  const buyer = /^sold to (did:key:z6Mk\w+) at version 2; DeviceOwnershipCredential issued$/.exec(
    lines[1]!,
  )?.[1]
  expect(device).toBeDefined()
  expect(buyer).toBeDefined()
  expect(lines[2]).toBe(`checkOwnership: ${buyer} owns ${device}`)
  expect(lines[3]).toBe(
    "the manufacturer's update key is refused (DID_WRONG_KEY), and its recovery key (DID_WRONG_KEY)",
  )
  expect(lines[4]).toBe(
    "the owner's update key works: service https://home.example added; the device key is unchanged",
  )
  expect(lines[5]).toMatch(
    /^resold to did:key:z6Mk\w+: the first record is refused as current \(CREDENTIAL_OWNERSHIP_MISMATCH\), holds as history$/,
  )
  expect(lines[5]).not.toContain(buyer)
})
