// docs-sample:start
import { defineSigner, generateSigner } from '@marque/crypto'
import { createDidClient, createResolver, getResolver } from '@marque/did'
import { createMemoryLedger } from '@marque/ledger'
import { Resolver } from 'did-resolver'

// One ledger per network. The SQLite ledger (@marque/ledger/sqlite) is the embedded default.
const ledger = createMemoryLedger()
const marque = createResolver({ ledgers: { default: ledger } })
const client = createDidClient({ ledger, resolver: marque })

// The manufacturer's controller keys. Only the SHA-256 of the recovery key goes on the
// ledger: keep the recovery key itself offline.
const updateKey = await generateSigner()
const recoveryKey = await generateSigner()

// A key made on the device: only its public key and its signature over the genesis leave it.
const secureElement = await generateSigner() // stands for the device
const deviceKey = defineSigner({ publicKey: secureElement.publicKey, sign: (data) => secureElement(data) })

const device = await client.create({ deviceKey, updateKey, recoveryKey })
console.log(device.did, device.verificationMethodIds.authentication)

// Any verifier resolves it with did-resolver.
const resolver = new Resolver(getResolver(marque))
const { didDocument } = await resolver.resolve(device.did)

// Rotate the device key. The first version stays resolvable, by versionId or versionTime.
const newKey = await generateSigner()
await client.rotate({ did: device.did, updateKey, keys: [newKey] })
const first = await resolver.resolve(`${device.did}?versionId=1`)

// The device is sold: the owner's keys take control.
const owner = { updateKey: await generateSigner(), recoveryKey: await generateSigner() }
await client.transfer({
  did: device.did,
  recoveryKey,
  updateKey: owner.updateKey,
  nextRecoveryKey: owner.recoveryKey,
})

// The owner deactivates it for good when it is stolen.
await client.deactivate({ did: device.did, recoveryKey: owner.recoveryKey })
const last = await resolver.resolve(device.did)
console.log(last.didDocumentMetadata) // { …, deactivated: true }

// docs-sample:end

import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'

it('runs the sample of docs/did-method.md as written there', () => {
  expect(didDocument?.authentication).toEqual(device.verificationMethodIds.authentication)
  expect(first.didDocument?.verificationMethod?.[0]?.publicKeyMultibase).toBe(secureElement.keyId)
  expect(last.didDocumentMetadata.deactivated).toBe(true)
  expect(last.didDocument).toEqual({ '@context': expect.any(Array), id: device.did })
  const source = readFileSync(new URL(import.meta.url), 'utf8')
  const sample = source.slice(
    source.indexOf('// docs-sample:start\n') + 21,
    source.indexOf('// docs-sample:end'),
  )
  const doc = readFileSync(new URL('../../../docs/did-method.md', import.meta.url), 'utf8')
  expect(doc).toContain(`\`\`\`ts\n${sample.trim()}\n\`\`\``)
})
