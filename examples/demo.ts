// The main job, end to end on the embedded SQLite ledger (`pnpm demo`):
//   a manufacturer registers 100 devices in one batch and issues each a credential;
//   a gateway on 127.0.0.1 lets in only devices with a valid, unrevoked credential;
//   every device completes the mutual handshake and sends encrypted telemetry;
//   one device's credential is revoked, one device is sold, one is deactivated.
// Each step prints one line; the run ends with a summary and exits 0, or exits 1 with the
// reason if anything does not behave as described.
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createStatusRegistry,
  createVerifier,
  hwmodelOf,
  isCredentialError,
  issueDeviceIdentityCredential,
  issueDeviceOwnershipCredential,
} from '@marque/credentials'
import { generateSigner, randomBytes, type Signer, toDidKey, utf8, withKeyId } from '@marque/crypto'
import { createDidClient, createResolver, DidError, getResolver } from '@marque/did'
import { HandshakeError, verifyCredentialsWith } from '@marque/handshake'
import { connect, type HandshakeFailure, listen } from '@marque/handshake/gateway'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { Resolver } from 'did-resolver'

const DEVICES = Number(process.env.MARQUE_DEMO_DEVICES ?? 100)
const started = performance.now()
const ms = (since: number) => `${Math.round(performance.now() - since)} ms`
const step = (n: number, text: string) => console.log(`${String(n).padStart(2)}. ${text}`)
const short = (did: string) => (did.length > 36 ? `${did.slice(0, 24)}…${did.slice(-6)}` : did)

class DemoFailure extends Error {}
function expect(condition: boolean, what: string): asserts condition {
  if (!condition) throw new DemoFailure(what)
}

const dir = await mkdtemp(join(tmpdir(), 'marque-demo-'))
const cleanup: (() => Promise<unknown> | unknown)[] = [() => rm(dir, { recursive: true, force: true })]

try {
  // The embedded ledger: one SQLite file, durable appends, hash-chained entries.
  const ledger = await openSqliteLedger({ path: join(dir, 'ledger.db') })
  cleanup.unshift(() => ledger.close())
  const marque = createResolver({ ledgers: { [ledger.network]: ledger } })
  const resolver = new Resolver(getResolver(marque))
  const dids = createDidClient({ ledger, resolver: marque })

  // 1. The manufacturer's own DID. Its device key signs credentials (assertionMethod).
  let t = performance.now()
  const maker = {
    key: await generateSigner(),
    update: await generateSigner(),
    recovery: await generateSigner(),
  }
  const makerDid = await dids.create({
    deviceKey: maker.key,
    updateKey: maker.update,
    recoveryKey: maker.recovery,
  })
  const issuer: Signer = withKeyId(maker.key, makerDid.verificationMethodIds.assertionMethod[0]!)
  step(1, `manufacturer ${short(makerDid.did)} registered on the ledger (${ms(t)})`)

  // 2. A factory batch: every device's key, one append, one locator for the batch. The
  //    manufacturer holds the update and recovery keys until each device is sold.
  t = performance.now()
  const deviceKeys = await Promise.all(Array.from({ length: DEVICES }, () => generateSigner()))
  const batch = await dids.createBatch({
    devices: deviceKeys.map((deviceKey) => ({
      deviceKey,
      updateKey: maker.update,
      recoveryKey: maker.recovery,
    })),
    locator: randomBytes(6),
  })
  expect(batch.dids.length === DEVICES, 'every device got a DID')
  step(2, `${DEVICES} devices registered in one batch, anchor ${batch.anchorId} (${ms(t)})`)

  // 3. Status lists, served over HTTP on 127.0.0.1 as any web server would, and one
  //    DeviceIdentityCredential per device with a revocation slot.
  const lists = new Map<string, string>()
  const statusServer = createServer((req, res) => {
    const body = lists.get(req.url ?? '')
    res.statusCode = body === undefined ? 404 : 200
    res.setHeader('Content-Type', 'application/vc+jwt')
    res.end(body)
  })
  statusServer.listen(0, '127.0.0.1')
  await once(statusServer, 'listening')
  cleanup.unshift(() => new Promise((r) => statusServer.close(r)))
  const statusBase = `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}`
  const registry = createStatusRegistry({ signer: issuer, revocationUrl: `${statusBase}/status/revocation` })
  const publish = async () => {
    const published = await registry.publish({ ttl: 1000 })
    lists.set(new URL(published.revocation.url).pathname, published.revocation.credential)
  }
  t = performance.now()
  const devices = await Promise.all(
    batch.dids.map(async (d, i) => {
      const slot = registry.allocate()
      const credential = await issueDeviceIdentityCredential({
        signer: issuer,
        device: d.did,
        status: slot.credentialStatus,
        claims: {
          oemid: 64738,
          manufacturer: 'Acme Sensors',
          hwmodel: hwmodelOf('TH-200'),
          hwversion: ['2.1'],
          serialNumber: `TH200-${String(i + 1).padStart(6, '0')}`,
          manufactureDate: '2026-11-02',
          swname: 'th200-fw',
          swversion: ['1.4.2'],
        },
      })
      const signer = withKeyId(deviceKeys[i]!, d.verificationMethodIds.authentication[0]!)
      return { did: d.did, signer, credential, slot: slot.index, number: i + 1 }
    }),
  )
  await publish()
  step(3, `${DEVICES} DeviceIdentityCredentials issued and the status list published (${ms(t)})`)

  // 4. The gateway: its own DID, and a trust policy — a DeviceIdentityCredential from this
  //    manufacturer, with a status the gateway can check, not revoked. Status lists are
  //    re-read after a second (the list's ttl), so revocations take effect that fast.
  const gatewayKeys = {
    key: await generateSigner(),
    update: await generateSigner(),
    recovery: await generateSigner(),
  }
  const gatewayDid = await dids.create({
    deviceKey: gatewayKeys.key,
    updateKey: gatewayKeys.update,
    recoveryKey: gatewayKeys.recovery,
  })
  const verifier = createVerifier({
    resolver,
    policy: {
      credentialTypes: {
        DeviceIdentityCredential: { issuers: [makerDid.did], requireStatus: true, allowedModels: ['TH-200'] },
      },
      requiredTypes: ['DeviceIdentityCredential'],
    },
  })
  const gateway = await listen({
    host: '127.0.0.1',
    port: 0,
    identity: {
      did: gatewayDid.did,
      signer: withKeyId(gatewayKeys.key, gatewayDid.verificationMethodIds.authentication[0]!),
    },
    policy: {
      resolver,
      verifyCredentials: verifyCredentialsWith({ verifier, requiredTypes: ['DeviceIdentityCredential'] }),
    },
  })
  cleanup.unshift(() => gateway.close())
  const failures: HandshakeFailure[] = []
  gateway.on('failure', (f) => failures.push(f))
  let readings = 0
  gateway.on('session', async ({ peer, channel }) => {
    try {
      for await (const message of channel) {
        const reading = JSON.parse(new TextDecoder().decode(message)) as { celsius: number }
        if (typeof reading.celsius === 'number') readings++
        channel.send(utf8(`ack ${peer.claims[0]?.claims.serialNumber ?? '?'}`))
      }
    } catch {
      // A device that drops its connection ends its session; nothing to do.
    }
  })
  step(4, `gateway ${short(gatewayDid.did)} listening on 127.0.0.1:${gateway.port}`)

  // 5. Every device connects, proves its DID and credential, checks it reached this very
  //    gateway, and sends one encrypted reading.
  const session = async (device: (typeof devices)[number]) => {
    const connection = await connect({
      host: '127.0.0.1',
      port: gateway.port,
      identity: { did: device.did, signer: device.signer, credentials: [device.credential] },
      policy: { resolver },
      expectedPeer: gatewayDid.did,
    })
    connection.channel.send(utf8(JSON.stringify({ celsius: 20 + (device.number % 7) / 2 })))
    const ack = new TextDecoder().decode(await connection.channel.receive())
    connection.channel.close()
    return ack
  }
  t = performance.now()
  const acks: string[] = []
  for (let i = 0; i < devices.length; i += 10)
    acks.push(...(await Promise.all(devices.slice(i, i + 10).map(session))))
  expect(
    acks.every((a, i) => a === `ack TH200-${String(i + 1).padStart(6, '0')}`),
    'every device got its own ack',
  )
  const seconds = (performance.now() - t) / 1000
  step(
    5,
    `${DEVICES} mutual handshakes completed, ${DEVICES} encrypted readings sent and acknowledged (${Math.round(DEVICES / seconds)} sessions/s)`,
  )

  // 6. The manufacturer revokes device #7's credential; its next handshake is refused.
  const revoked = devices[6]!
  registry.revoke(revoked.slot)
  await publish()
  await new Promise((r) => setTimeout(r, 1100)) // the gateway's cached list expires (ttl 1 s)
  const refusal = await refusedReason(() => session(revoked), failures)
  expect(refusal.local === 'CREDENTIAL_REVOKED', `device #7 refused for revocation, got ${refusal.local}`)
  step(
    6,
    `device #7's credential revoked: its handshake is refused (${refusal.wire} on the wire; gateway log: ${refusal.gateway})`,
  )

  // 7. Device #8 is sold. The manufacturer's recovery key hands control to the new owner
  //    and it records the sale in a DeviceOwnershipCredential; its own keys stop working.
  const sold = devices[7]!
  const owner = { update: await generateSigner(), recovery: await generateSigner() }
  const ownerDid = toDidKey(owner.update.publicKey)
  const transfer = await dids.transfer({
    did: sold.did,
    recoveryKey: maker.recovery,
    updateKey: owner.update,
    nextRecoveryKey: owner.recovery,
  })
  const bill = await issueDeviceOwnershipCredential({
    signer: issuer,
    device: sold.did,
    owner: ownerDid,
    ledgerVersionId: transfer.versionId,
  })
  const oldKeyRefused = await dids
    .update({ did: sold.did, updateKey: maker.update, services: [] })
    .then(() => 'accepted')
    .catch((e: unknown) => (e instanceof DidError ? e.code : String(e)))
  expect(oldKeyRefused === 'DID_WRONG_KEY', `the old controller key is refused, got ${oldKeyRefused}`)
  await dids.update({
    did: sold.did,
    updateKey: owner.update,
    services: [{ id: 0, type: 'LinkedDomains', endpoint: 'https://owner.example' }],
  })
  step(
    7,
    `device #8 sold to ${short(ownerDid)} (ownership credential ${bill.length} chars): the manufacturer's key is refused (DID_WRONG_KEY), the owner's works`,
  )

  // 8. Device #9 is stolen: its controller deactivates the DID for good.
  const stolen = devices[8]!
  await dids.deactivate({ did: stolen.did, recoveryKey: maker.recovery })
  const gone = await refusedReason(() => session(stolen), failures)
  expect(gone.local === 'HANDSHAKE_DID_DEACTIVATED', `device #9 refused as deactivated, got ${gone.local}`)
  step(8, `device #9 deactivated: its handshake is refused (gateway log: ${gone.gateway})`)

  // The untouched devices still get in, and the sold one too: a sale changes the controller,
  // not the device's key or credential.
  await session(devices[0]!)
  await session(sold)

  const audit = await ledger.audit()
  expect(audit.ok, 'the ledger audit passes')
  console.log(
    `\nsummary: ${DEVICES} devices registered and credentialed, ${readings} encrypted readings received, ` +
      `2 devices refused (revoked, deactivated), 1 sold; ledger audit ok (${audit.entries} entries); ${ms(started)} in all`,
  )
} catch (error) {
  const reason =
    error instanceof DemoFailure
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error)
  console.error(`demo failed: ${reason}`)
  process.exitCode = 1
} finally {
  for (const f of cleanup) await f()
}

/** Runs a handshake expected to fail; returns the device's code, the gateway's local reason. */
async function refusedReason(run: () => Promise<unknown>, failures: HandshakeFailure[]) {
  const before = failures.length
  const wire = await run()
    .then(() => 'accepted')
    .catch((e: unknown) => (e instanceof HandshakeError ? e.code : String(e)))
  for (let i = 0; i < 50 && failures.length === before; i++) await new Promise((r) => setTimeout(r, 10))
  const failure = failures[before]
  const cause = failure?.error.cause
  const local = isCredentialError(cause) ? cause.code : (failure?.error.code ?? 'none')
  return {
    wire,
    local,
    gateway:
      failure === undefined
        ? 'none'
        : `${failure.error.code}${local !== failure.error.code ? ` / ${local}` : ''}`,
  }
}
