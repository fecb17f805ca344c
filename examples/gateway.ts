// A gateway: the hub that examples/factory-provisioning.ts provisioned runs the handshake as
// responder on 127.0.0.1 and lets in only devices that prove their DID and present a
// DeviceIdentityCredential for a TH-200 from a manufacturer its bundle trusts, unrevoked
// (the status list is read from the file the factory published). For each device it prints
// the peer's DID and verified claims, then the readings the device sends over the secure
// channel, acknowledging each.
//
// Run, after examples/factory-provisioning.ts --out /tmp/acme:
//   pnpm --filter @marque/examples run gateway --dir /tmp/acme
//   node --conditions=@marque/source --import tsx examples/gateway.ts --dir /tmp/acme
// Options: --dir <dir> (required), --port <n> (default 7400; 0 for any free port),
//   --seconds <n> (stops after this long; default 60), --sessions <n> (stops once this many
//   device sessions have ended). Ctrl-C (SIGINT) or SIGTERM stops it at once.
// Its first line is `gateway <did> listening on tcp://127.0.0.1:<port>`; its last sums up.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createVerifier } from '@marque/credentials'
import { createNodeStatusListFetcher } from '@marque/credentials/node'
import { base64urlDecode, utf8 } from '@marque/crypto'
import { createResolver, getResolver } from '@marque/did'
import { verifyCredentialsWith } from '@marque/handshake'
import { listen } from '@marque/handshake/gateway'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { Resolver } from 'did-resolver'
import { factoryLayout, readProvisioned } from './lib/provisioned.js'
import { check, cliArgs, codeOf, run } from './lib/run.js'

const { values: options } = parseArgs({
  args: cliArgs(),
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '7400' },
    seconds: { type: 'string', default: '60' },
    sessions: { type: 'string' },
  },
})

await run('gateway', async (defer) => {
  check(options.dir !== undefined, 'give the factory output directory: --dir <dir>')
  const files = factoryLayout(resolve(options.dir))
  check(existsSync(files.ledger), `no ledger at ${files.ledger}: run examples/factory-provisioning.ts first`)
  const port = Number(options.port)
  const seconds = Number(options.seconds)
  const maxSessions = options.sessions === undefined ? Number.POSITIVE_INFINITY : Number(options.sessions)
  check(Number.isSafeInteger(port) && port >= 0 && port < 65536, '--port must be from 0 to 65535')
  check(seconds > 0 && seconds <= 86_400, '--seconds must be from 1 to 86400')
  check(maxSessions >= 1, '--sessions must be at least 1')

  // DIDs resolve from the ledger the factory wrote (read only here), with did:marque's cache.
  const ledger = await openSqliteLedger({ path: files.ledger })
  defer(() => ledger.close())
  const resolver = new Resolver(getResolver(createResolver({ ledgers: { [ledger.network]: ledger } })))

  // The hub's own identity, and the manufacturers its bundle trusts.
  const { bundle, identity } = await readProvisioned(files.gatewayBundle)
  const manufacturers = bundle.trustAnchors.map((anchor) => anchor.did)

  // The trust policy: a TH-200 whose DeviceIdentityCredential a trusted manufacturer signed,
  // with a revocation slot, not revoked. Status lists are re-read every 5 s at most.
  const verifier = createVerifier({
    resolver,
    fetchStatusList: createNodeStatusListFetcher(),
    statusListTtl: 5_000,
    policy: {
      credentialTypes: {
        DeviceIdentityCredential: { issuers: manufacturers, allowedModels: ['TH-200'], requireStatus: true },
      },
    },
  })
  // It stops after --seconds, on a signal, or once --sessions sessions have ended.
  let stop: (why: string) => void = () => {}
  const stopped = new Promise<string>((done) => {
    stop = done
  })
  const timer = setTimeout(() => stop(`${seconds} s elapsed`), seconds * 1000)
  defer(() => clearTimeout(timer))
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))

  const gateway = await listen({
    host: '127.0.0.1',
    port,
    identity,
    policy: {
      resolver,
      verifyCredentials: verifyCredentialsWith({ verifier, requiredTypes: ['DeviceIdentityCredential'] }),
    },
  })
  defer(() => gateway.close())
  console.log(`gateway ${identity.did} listening on tcp://127.0.0.1:${gateway.port}`)

  const totals = { sessions: 0, readings: 0, refused: 0 }
  // The local reason of each refusal; the device only learns that it was refused.
  gateway.on('failure', ({ error, remoteAddress }) => {
    totals.refused++
    console.log(`refused a peer at ${remoteAddress}: ${codeOf(error)}`)
  })
  gateway.on('session', async ({ peer, channel }) => {
    const identityClaims = peer.claims.find((c) => c.types.includes('DeviceIdentityCredential'))
    const claims = identityClaims?.claims ?? {}
    const serial = String(claims.serialNumber)
    const model = new TextDecoder().decode(base64urlDecode(String(claims.hwmodel)))
    console.log(
      `device ${peer.did}: ${model} serial ${serial}, firmware ${claims.swname} ` +
        `${(claims.swversion as string[])[0]}, vouched for by ${identityClaims?.issuer}`,
    )
    try {
      for await (const message of channel) {
        const reading = JSON.parse(new TextDecoder().decode(message)) as { seq: number; celsius: number }
        totals.readings++
        console.log(`  ${serial} reading ${reading.seq}: ${reading.celsius} °C`)
        channel.send(utf8(JSON.stringify({ ack: reading.seq })))
      }
      console.log(`  ${serial} closed its session`)
    } catch (error) {
      console.log(`  ${serial} session ended: ${codeOf(error)}`)
    }
    if (++totals.sessions >= maxSessions) stop(`${maxSessions} sessions ended`)
  })

  const why = await stopped
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`
  console.log(
    `gateway stopped (${why}): ${count(totals.sessions, 'session')}, ${count(totals.readings, 'reading')}, ${totals.refused} refused`,
  )
})
