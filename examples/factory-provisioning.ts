// Factory provisioning: what a manufacturer's line does for one batch of devices.
//   1. The manufacturer's own DID, on the embedded SQLite ledger; its key signs credentials.
//   2. A batch of devices registered in one ledger append, sharing one anchor locator.
//   3. One DeviceIdentityCredential per device, each with a revocation slot, issued as a
//      stream (`issueCredentials`, memory bounded whatever the batch size)...
//   4. ...and one provisioning bundle per device (`encodeBundle`, docs/provisioning.md)
//      written as each credential comes out; then the signed status list is published as a
//      file. Every bundle is read back with `decodeBundle` and checked as the device will use it.
// The same line provisions a hub (model GW-1) that examples/gateway.ts runs as, so that
// examples/gateway.ts and examples/device-client.ts run on what this program writes.
//
// Run, from the repository root (the output directory must not hold a ledger yet):
//   pnpm --filter @marque/examples run factory-provisioning --out /tmp/acme --devices 10
//   node --conditions=@marque/source --import tsx examples/factory-provisioning.ts --out /tmp/acme
// Options: --out <dir> (required), --devices <n> (default 10, at most 1000),
//   --gateway <url> (where devices connect first; default tcp://127.0.0.1:7400).
// It prints one line per step and exits 0, or prints the reason on stderr and exits 1.
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { decodeBundle, encodeBundle, type ProvisioningBundle } from '@marque/cli'
import {
  type CredentialInput,
  createStatusRegistry,
  createVerifier,
  type DeviceIdentityClaims,
  hwmodelOf,
  issueCredentials,
} from '@marque/credentials'
import {
  createNodeStatusListFetcher,
  publishStatusListFile,
  saveStatusRegistry,
} from '@marque/credentials/node'
import { exportSecretKey, generateSigner, randomBytes, toHex } from '@marque/crypto'
import { createDidClient, createResolver, getResolver } from '@marque/did'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { Resolver } from 'did-resolver'
import { registerManufacturer } from './lib/manufacturer.js'
import { factoryLayout, readProvisioned } from './lib/provisioned.js'
import { check, cliArgs, refusal, run } from './lib/run.js'

const { values: options } = parseArgs({
  args: cliArgs(),
  options: {
    out: { type: 'string' },
    devices: { type: 'string', default: '10' },
    gateway: { type: 'string', default: 'tcp://127.0.0.1:7400' },
  },
})

await run('factory-provisioning', async (defer) => {
  check(options.out !== undefined, 'give the output directory: --out <dir>')
  const count = Number(options.devices)
  check(Number.isSafeInteger(count) && count >= 1 && count <= 1000, '--devices must be from 1 to 1000')
  const files = factoryLayout(resolve(options.out))
  check(!existsSync(files.ledger), `${files.ledger} exists: give a new directory`)
  await mkdir(files.devices, { recursive: true })
  await mkdir(resolve(files.revocationList, '..'), { recursive: true })

  const ledger = await openSqliteLedger({ path: files.ledger })
  defer(() => ledger.close())
  const marque = createResolver({ ledgers: { [ledger.network]: ledger } })
  const dids = createDidClient({ ledger, resolver: marque })

  // 1. The manufacturer (examples/lib/manufacturer.ts): its device key signs credentials;
  //    its update and recovery keys control every device DID until the device is sold.
  const maker = await registerManufacturer(dids)
  console.log(`manufacturer ${maker.did} registered`)

  // 2. The batch: the hub first, then the devices, in one append under one locator. Keys are
  //    made here and injected; a device that makes its own key sends only its public key,
  //    and its bundle then holds a reference ({ reference: 'se050:slot/3' }) instead.
  const locator = randomBytes(6)
  const keys = await Promise.all(Array.from({ length: count + 1 }, () => generateSigner()))
  const batch = await dids.createBatch({
    devices: keys.map((deviceKey) => ({ deviceKey, updateKey: maker.update, recoveryKey: maker.recovery })),
    locator,
  })
  console.log(
    `${count} devices and 1 hub registered in one batch (anchor ${batch.anchorId}, locator ${toHex(locator)})`,
  )

  // 3. What each credential says: the registry gives each a random revocation slot, and its
  //    state is saved before any credential leaves the factory, so no slot is handed out twice.
  const registry = createStatusRegistry({
    signer: maker.issuer,
    revocationUrl: pathToFileURL(files.revocationList).href,
  })
  const made = batch.dids.map((d, i) => {
    const hub = i === 0
    const serial = hub ? 'GW1-000001' : `TH200-${String(i).padStart(6, '0')}`
    const claims: DeviceIdentityClaims = {
      oemid: 64738,
      manufacturer: 'Acme Sensors',
      hwmodel: hwmodelOf(hub ? 'GW-1' : 'TH-200'),
      hwversion: [hub ? '1.0' : '2.1'],
      serialNumber: serial,
      manufactureDate: '2026-11-02',
      swname: hub ? 'gw1-fw' : 'th200-fw',
      swversion: [hub ? '3.0.1' : '1.4.2'],
    }
    const input: CredentialInput = {
      type: 'DeviceIdentityCredential',
      subject: d.did,
      claims,
      status: registry.allocate().credentialStatus,
    }
    return { did: d.did, key: keys[i]!, serial, input }
  })
  await saveStatusRegistry(files.statusRegistry, registry)

  // 4. The bundles, written as the credentials come out of the stream: the DID, the key, the
  //    credential, whom to trust (the manufacturer, its key pinned) and where to connect.
  //    They hold secret keys: owner-only files.
  let issued = 0
  let bytes = 0
  for await (const credential of issueCredentials({
    signer: maker.issuer,
    credentials: made.map((m) => m.input),
  })) {
    const m = made[issued]!
    const hub = issued === 0
    const bundle: ProvisioningBundle = {
      did: m.did,
      signingKey: { secretKey: exportSecretKey(m.key) },
      credentials: [credential],
      trustAnchors: [{ did: maker.did, publicKey: maker.issuer.publicKey }],
      network: ledger.network,
      ...(hub ? {} : { gateway: options.gateway }),
    }
    const file = encodeBundle(bundle)
    await writeFile(hub ? files.gatewayBundle : files.deviceBundle(m.serial), file, { mode: 0o600 })
    bytes += file.length
    issued++
  }
  console.log(
    `${issued} DeviceIdentityCredentials issued and provisioning bundles written to ${resolve(options.out)} ` +
      `(${Math.round(bytes / issued)} bytes on average, mode 0600)`,
  )
  const published = await registry.publish()
  await publishStatusListFile(published.revocation)
  console.log(`status list published at ${published.revocation.url}`)

  // Quality check before the line ships: each bundle decodes, its key is an authentication
  // key of its DID as the ledger has it, and its credential verifies against the status list.
  const resolver = new Resolver(getResolver(marque))
  const verifier = createVerifier({
    resolver,
    fetchStatusList: createNodeStatusListFetcher(),
    policy: {
      credentialTypes: { DeviceIdentityCredential: { issuers: [maker.did], requireStatus: true } },
    },
  })
  for (const [i, m] of made.entries()) {
    const { bundle, identity } = await readProvisioned(
      i === 0 ? files.gatewayBundle : files.deviceBundle(m.serial),
    )
    const { didDocument } = await resolver.resolve(bundle.did)
    check(
      didDocument?.authentication?.includes(identity.signer.keyId) === true,
      `${m.serial}: the bundle's key is not an authentication key of ${bundle.did}`,
    )
    const verified = await verifier.verifyCredential(bundle.credentials[0]!, { expectedSubject: bundle.did })
    check(verified.claims.serialNumber === m.serial, `${m.serial}: the credential names another device`)
  }
  console.log('read back: every bundle decodes, holds a key of its DID and a credential that verifies')

  // A flash page damaged on the way is caught by the bundle's digest, before any field is read.
  const damaged = new Uint8Array(await readFile(files.deviceBundle(made[1]!.serial)))
  damaged[damaged.length - 20]! ^= 0x01
  console.log(
    `a damaged bundle is refused: ${await refusal(Promise.resolve().then(() => decodeBundle(damaged)))}`,
  )
})
