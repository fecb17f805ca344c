// Revocation and suspension: a manufacturer's status registry (Bitstring Status List v1.0)
// publishes a revocation list and a suspension list, served over HTTP on 127.0.0.1 as any
// web server would serve them. A verifier checks a device credential against them: it
// refuses the credential while suspended, accepts it again once reinstated, refuses it for
// good once revoked, and fails closed when a list cannot be fetched or is not the issuer's.
//
// Run, from the repository root:
//   pnpm --filter @marque/examples run revocation
//   node --conditions=@marque/source --import tsx examples/revocation.ts
// It prints one line per step and exits 0, or prints the reason on stderr and exits 1.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createStatusRegistry,
  createVerifier,
  hwmodelOf,
  issueDeviceIdentityCredential,
  type StatusRegistry,
} from '@marque/credentials'
import { createDidResolver } from '@marque/credentials/resolvers'
import { encodeMultikey, generateSigner, toDidKey, withKeyId } from '@marque/crypto'
import { createDidClient, createResolver, getResolver } from '@marque/did'
import { createMemoryLedger } from '@marque/ledger'
import { registerManufacturer } from './lib/manufacturer.js'
import { check, refusal, run } from './lib/run.js'

await run('revocation', async (defer) => {
  const ledger = createMemoryLedger()
  const marque = createResolver({ ledgers: { [ledger.network]: ledger } })
  const dids = createDidClient({ ledger, resolver: marque })
  const maker = await registerManufacturer(dids)
  const device = await dids.create({
    deviceKey: await generateSigner(),
    updateKey: maker.update,
    recoveryKey: maker.recovery,
  })

  // The status server: serves whatever was last published at each path.
  const lists = new Map<string, string>()
  const server = createServer((request, response) => {
    const body = lists.get(request.url ?? '')
    response.statusCode = body === undefined ? 404 : 200
    response.setHeader('Content-Type', 'application/vc+jwt')
    response.end(body)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  defer(() => new Promise((done) => server.close(done)))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  // The registry: one revocation and one suspension list, sharing each credential's index.
  const registry = createStatusRegistry({
    signer: maker.issuer,
    revocationUrl: `${base}/lists/revocation`,
    suspensionUrl: `${base}/lists/suspension`,
  })
  const publish = async (from: StatusRegistry = registry) => {
    const published = await from.publish()
    for (const list of [published.revocation, published.suspension]) {
      if (list !== undefined) lists.set(new URL(list.url).pathname, list.credential)
    }
  }
  const slot = registry.allocate()
  const credential = await issueDeviceIdentityCredential({
    signer: maker.issuer,
    device: device.did,
    status: slot.credentialStatus,
    claims: {
      oemid: 64738,
      hwmodel: hwmodelOf('TH-200'),
      hwversion: ['2.1'],
      serialNumber: 'TH200-000042',
      manufactureDate: '2026-11-02',
      swname: 'th200-fw',
      swversion: ['1.4.2'],
    },
  })
  await publish()
  console.log(`credential issued with status index ${slot.index}; lists served at ${base}/lists/`)

  // The verifier requires a status and, for this example, reads the lists on every check
  // (statusListTtl 0); a gateway caches them for a few seconds to minutes.
  const verifier = createVerifier({
    resolver: createDidResolver({ methods: getResolver(marque) }),
    statusListTtl: 0,
    policy: { credentialTypes: { DeviceIdentityCredential: { issuers: [maker.did], requireStatus: true } } },
  })
  const verify = () => verifier.verifyCredential(credential, { expectedSubject: device.did })
  const accepted = async () => {
    const verified = await verify()
    check(verified.claims.serialNumber === 'TH200-000042', 'the verified claims are the credential’s')
    return 'accepted'
  }
  console.log(`verifier: ${await accepted()}`)

  registry.suspend(slot.index)
  await publish()
  console.log(`suspended: ${await refusal(verify())}`)

  registry.reinstate(slot.index)
  await publish()
  console.log(`reinstated: ${await accepted()}`)

  // Fail closed: a list that cannot be fetched, or one signed by anyone but the issuer.
  const saved = new Map(lists)
  lists.clear()
  console.log(`status lists unreachable: ${await refusal(verify())}`)
  const stranger = await generateSigner()
  const strangerDid = toDidKey(stranger.publicKey)
  await publish(
    createStatusRegistry({
      signer: withKeyId(stranger, `${strangerDid}#${encodeMultikey(stranger.publicKey, 'Ed25519')}`),
      revocationUrl: `${base}/lists/revocation`,
      suspensionUrl: `${base}/lists/suspension`,
    }),
  )
  console.log(`status lists signed by another DID: ${await refusal(verify())}`)
  for (const [path, body] of saved) lists.set(path, body)
  console.log(`lists restored: ${await accepted()}`)

  // Revocation is final: reinstating touches only the suspension list.
  registry.revoke(slot.index)
  registry.reinstate(slot.index)
  await publish()
  check(registry.status(slot.index).revoked, 'the registry keeps the credential revoked')
  console.log(`revoked: ${await refusal(verify())}, for good`)
})
