// Ownership transfer: a device is sold. The manufacturer's recovery key hands control of the
// device's DID to the buyer's keys on the ledger, and the manufacturer records the sale in a
// DeviceOwnershipCredential. Anyone can check that record against the ledger
// (`checkOwnership`); the manufacturer's keys stop working, the owner's work; the device's
// own key does not change. A resale then supersedes the first record.
//
// Run, from the repository root:
//   pnpm --filter @marque/examples run ownership-transfer
//   node --conditions=@marque/source --import tsx examples/ownership-transfer.ts
// It prints one line per step and exits 0, or prints the reason on stderr and exits 1.
import { checkOwnership, createVerifier, issueDeviceOwnershipCredential } from '@marque/credentials'
import { createDidResolver } from '@marque/credentials/resolvers'
import { generateSigner, toDidKey } from '@marque/crypto'
import { createDidClient, createResolver, getResolver } from '@marque/did'
import { createMemoryLedger } from '@marque/ledger'
import { registerManufacturer } from './lib/manufacturer.js'
import { check, refusal, run } from './lib/run.js'

await run('ownership-transfer', async () => {
  const ledger = createMemoryLedger()
  const marque = createResolver({ ledgers: { [ledger.network]: ledger } })
  const dids = createDidClient({ ledger, resolver: marque })
  // Issuers and devices are did:marque; owners are did:key (the did:key of their update key).
  const resolver = createDidResolver({ methods: getResolver(marque), ttl: 0 })

  // The manufacturer, and a device it controls until the sale.
  const maker = await registerManufacturer(dids)
  const deviceKey = await generateSigner()
  const device = await dids.create({ deviceKey, updateKey: maker.update, recoveryKey: maker.recovery })
  console.log(`device ${device.did} registered, controlled by its manufacturer`)

  // The sale. The buyer makes an update key and a recovery key and gives the seller their
  // public halves; the seller's recovery key signs the transfer. Only the SHA-256 of the
  // buyer's recovery key goes on the ledger (pre-rotation).
  const buyer = { update: await generateSigner(), recovery: await generateSigner() }
  const buyerDid = toDidKey(buyer.update.publicKey)
  const sale = await dids.transfer({
    did: device.did,
    recoveryKey: maker.recovery,
    updateKey: buyer.update,
    nextRecoveryKey: buyer.recovery,
  })
  const record = await issueDeviceOwnershipCredential({
    signer: maker.issuer,
    device: device.did,
    owner: buyerDid,
    ledgerVersionId: sale.versionId,
  })
  console.log(`sold to ${buyerDid} at version ${sale.versionId}; DeviceOwnershipCredential issued`)

  // Anyone checks the record: the credential verifies (trusted issuer for the type), and the
  // ledger shows the buyer as the device's controller, then and now.
  const verifier = createVerifier({
    resolver,
    documentTtl: 0,
    policy: { credentialTypes: { DeviceOwnershipCredential: { issuers: [maker.did] } } },
  })
  const verified = await verifier.verifyCredential(record, { expectedSubject: buyerDid })
  const owned = await checkOwnership({ credential: verified, resolver })
  check(owned.owner === buyerDid && owned.device === device.did, 'checkOwnership names the buyer')
  console.log(`checkOwnership: ${owned.owner} owns ${owned.device}`)

  // The manufacturer's keys no longer control the device; the buyer's do.
  const oldUpdate = await refusal(dids.update({ did: device.did, updateKey: maker.update, services: [] }))
  const oldRecovery = await refusal(
    dids.transfer({
      did: device.did,
      recoveryKey: maker.recovery,
      updateKey: maker.update,
      nextRecoveryKey: maker.recovery,
    }),
  )
  console.log(
    `the manufacturer's update key is refused (${oldUpdate}), and its recovery key (${oldRecovery})`,
  )
  const updated = await dids.update({
    did: device.did,
    updateKey: buyer.update,
    services: [{ id: 0, type: 'LinkedDomains', endpoint: 'https://home.example' }],
  })
  const keyId = device.verificationMethodIds.authentication[0]!
  check(updated.document.authentication?.includes(keyId) === true, "the device's own key is unchanged")
  console.log(
    `the owner's update key works: service ${updated.document.service?.[0]?.serviceEndpoint} added; the device key is unchanged`,
  )

  // Resale: the owner's recovery key moves control on. The first record stays a true record
  // of history, but no longer shows who owns the device now.
  const second = { update: await generateSigner(), recovery: await generateSigner() }
  await dids.transfer({
    did: device.did,
    recoveryKey: buyer.recovery,
    updateKey: second.update,
    nextRecoveryKey: second.recovery,
  })
  const superseded = await refusal(checkOwnership({ credential: verified, resolver }))
  const history = await checkOwnership({ credential: verified, resolver, current: false })
  check(history.owner === buyerDid, 'the first sale still checks out as history')
  console.log(
    `resold to ${toDidKey(second.update.publicKey)}: the first record is refused as current (${superseded}), holds as history`,
  )
})
