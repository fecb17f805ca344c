// A device at first boot: it reads the provisioning bundle the factory wrote for it
// (examples/factory-provisioning.ts), connects to its gateway (examples/gateway.ts), checks
// that the gateway is a GW-1 hub its manufacturer vouches for, proves its own DID and
// credential, and sends a few temperature readings over the secure channel, each
// acknowledged by the gateway.
//
// Run, with the gateway running on what the factory wrote to /tmp/acme:
//   pnpm --filter @marque/examples run device-client --dir /tmp/acme --serial TH200-000001
//   node --conditions=@marque/source --import tsx examples/device-client.ts --dir /tmp/acme
// Options: --dir <dir> (required), --serial <serial> (default TH200-000001),
//   --gateway <tcp://host:port> (default: the bundle's), --readings <n> (default 3).
// It exits 0 once every reading is acknowledged, else prints the reason on stderr and exits 1.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createVerifier } from '@marque/credentials'
import { createNodeStatusListFetcher } from '@marque/credentials/node'
import { utf8 } from '@marque/crypto'
import { createResolver, getResolver } from '@marque/did'
import { verifyCredentialsWith } from '@marque/handshake'
import { connect } from '@marque/handshake/gateway'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { Resolver } from 'did-resolver'
import { factoryLayout, readProvisioned } from './lib/provisioned.js'
import { check, cliArgs, run } from './lib/run.js'

const { values: options } = parseArgs({
  args: cliArgs(),
  options: {
    dir: { type: 'string' },
    serial: { type: 'string', default: 'TH200-000001' },
    gateway: { type: 'string' },
    readings: { type: 'string', default: '3' },
  },
})

await run('device-client', async (defer) => {
  check(options.dir !== undefined, 'give the factory output directory: --dir <dir>')
  const files = factoryLayout(resolve(options.dir))
  const path = files.deviceBundle(options.serial)
  check(existsSync(path), `no bundle at ${path}: run examples/factory-provisioning.ts first`)
  const readings = Number(options.readings)
  check(
    Number.isSafeInteger(readings) && readings >= 1 && readings <= 1000,
    '--readings must be from 1 to 1000',
  )

  const { bundle, identity } = await readProvisioned(path)
  const address = new URL(options.gateway ?? bundle.gateway ?? 'tcp://127.0.0.1:7400')
  check(
    address.protocol === 'tcp:' && address.port !== '',
    `the gateway must be tcp://host:port, got ${address}`,
  )
  console.log(`device ${bundle.did} (${options.serial}) read its bundle`)

  // The device resolves DIDs from the ledger file here; a device that cannot read the ledger
  // resolves through a DID resolution service (`marque serve`) instead.
  const ledger = await openSqliteLedger({ path: files.ledger })
  defer(() => ledger.close())
  const resolver = new Resolver(getResolver(createResolver({ ledgers: { [ledger.network]: ledger } })))

  // Its own trust policy: the gateway must present a DeviceIdentityCredential for a GW-1 hub,
  // signed by one of the bundle's trust anchors.
  const verifier = createVerifier({
    resolver,
    fetchStatusList: createNodeStatusListFetcher(),
    policy: {
      credentialTypes: {
        DeviceIdentityCredential: {
          issuers: bundle.trustAnchors.map((anchor) => anchor.did),
          allowedModels: ['GW-1'],
        },
      },
    },
  })
  const { peer, channel } = await connect({
    host: address.hostname,
    port: Number(address.port),
    identity,
    policy: {
      resolver,
      verifyCredentials: verifyCredentialsWith({ verifier, requiredTypes: ['DeviceIdentityCredential'] }),
    },
  })
  defer(() => channel.close())
  const hub = peer.claims[0]!
  console.log(
    `connected to gateway ${peer.did} (serial ${hub.claims.serialNumber}, vouched for by ${hub.issuer})`,
  )

  for (let seq = 1; seq <= readings; seq++) {
    const celsius = Math.round((19 + Math.random() * 4) * 10) / 10
    channel.send(utf8(JSON.stringify({ seq, celsius })))
    const answer = JSON.parse(new TextDecoder().decode(await channel.receive())) as { ack?: number }
    check(answer.ack === seq, `reading ${seq} was not acknowledged`)
  }
  console.log(`${readings} readings sent and acknowledged over the secure channel`)
})
