// Anchoring on an EVM chain: the did:marque lifecycle (a factory batch, then update, key
// rotation, transfer and deactivation of one device) anchored through `@marque/ledger-evm`
// on a real anvil node that `@marque/ledger-evm/testing` starts on 127.0.0.1 with the
// registry contract deployed. A gateway's read-only ledger then resolves the device, now and
// as it was, in two JSON-RPC round trips each, however long its history.
// On a real chain only the ledger's parameters change (docs/ledger-evm.md, "Connecting").
//
// Run, from the repository root (anvil comes with the @foundry-rs/anvil package):
//   pnpm --filter @marque/examples run anvil-anchoring
//   node --conditions=@marque/source --import tsx examples/anvil-anchoring.ts
// It prints one line per step and exits 0, or prints the reason on stderr and exits 1.
import { generateSigner, randomBytes } from '@marque/crypto'
import { createDidClient, createResolver } from '@marque/did'
import { createEvmLedger } from '@marque/ledger-evm'
import { countRoundTrips, startRegistryNode } from '@marque/ledger-evm/testing'
import { check, run } from './lib/run.js'

await run('anvil-anchoring', async (defer) => {
  const node = await startRegistryNode()
  defer(() => node.stop())
  console.log(`anvil on ${node.rpcUrl} (chain ${node.chainId}), registry deployed at ${node.registry}`)

  // The factory's ledger: it signs anchor transactions with a funded account and waits for
  // one confirmation (anvil mines each transaction at once).
  const ledger = await createEvmLedger({
    rpcUrl: node.rpcUrl,
    address: node.registry,
    account: node.account,
    batch: { waitMs: 0 },
  })
  defer(() => ledger.close())
  const dids = createDidClient({ ledger })

  const maker = { update: await generateSigner(), recovery: await generateSigner() }
  const deviceKeys = await Promise.all(Array.from({ length: 50 }, () => generateSigner()))
  const batch = await dids.createBatch({
    devices: deviceKeys.map((deviceKey) => ({
      deviceKey,
      updateKey: maker.update,
      recoveryKey: maker.recovery,
    })),
    locator: randomBytes(6),
  })
  const gas = await node.gasUsed(batch.anchorId)
  console.log(
    `50 devices registered in one transaction: ${Math.round(gas / 50)} gas a device (${batch.anchorId.slice(0, 10)}…)`,
  )

  // One device's life: a service added, its key rotated, sold, then deactivated for good.
  const device = batch.dids[0]!
  await dids.update({
    did: device.did,
    updateKey: maker.update,
    services: [{ id: 0, type: 'LinkedDomains', endpoint: 'https://acme.example' }],
  })
  const newKey = await generateSigner()
  const rotated = await dids.rotate({ did: device.did, updateKey: maker.update, keys: [newKey] })
  const owner = { update: await generateSigner(), recovery: await generateSigner() }
  await dids.transfer({
    did: device.did,
    recoveryKey: maker.recovery,
    updateKey: owner.update,
    nextRecoveryKey: owner.recovery,
  })
  await dids.deactivate({ did: device.did, recoveryKey: owner.recovery })
  console.log(`device ${device.did}: created, updated, rotated, transferred, deactivated (5 operations)`)

  // A gateway reads the chain with a ledger of its own, without an account. The round-trip
  // counter wraps its transport; createEvmLedger's own check of the registry comes first.
  const counter = countRoundTrips(node.rpcUrl)
  const reader = await createEvmLedger({ transport: counter.transport, address: node.registry })
  defer(() => reader.close())
  const resolver = createResolver({ ledgers: { [reader.network]: reader }, cache: false })

  counter.reset()
  const now = await resolver.resolve(device.did)
  check(now.didDocumentMetadata.deactivated === true, 'the device resolves as deactivated')
  console.log(
    `resolved now: version ${now.didDocumentMetadata.versionId}, deactivated, ` +
      `in ${counter.rounds()} round trips (${counter.methods().join(', ')})`,
  )

  // As it was before the rotation: an old signature by the first key stays verifiable.
  counter.reset()
  const before = await resolver.resolve(`${device.did}?versionId=2`)
  const firstKey = device.verificationMethodIds.authentication[0]!
  check(rotated.versionId === '3', 'the rotation made version 3')
  check(before.didDocument?.authentication?.includes(firstKey) === true, 'version 2 has the first key')
  check(before.didDocument?.service?.length === 1, 'version 2 has the service')
  console.log(
    `resolved at version 2: the first device key and the service, in ${counter.rounds()} round trips`,
  )

  const other = await resolver.resolve(batch.dids[49]!.did)
  check(other.didDocumentMetadata.versionId === '1', 'the last device of the batch resolves')
  console.log('the rest of the batch resolves unchanged, at version 1')
})
