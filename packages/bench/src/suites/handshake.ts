// `pnpm bench handshake`: full mutual handshakes per second (both sides in this process, DID
// resolution cached, every credential verified) beside the crypto floor and libp2p-noise's XX
// handshake; bytes on the wire; secure-channel throughput beside raw ChaCha20-Poly1305; a
// gateway holding 10,000 concurrent TCP sessions, with memory per session.
import { spawn } from 'node:child_process'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddrConnectionPair } from '@libp2p/utils'
import {
  createStatusRegistry,
  createVerifier,
  hwmodelOf,
  issueDeviceIdentityCredential,
} from '@marque/credentials'
import {
  aeadOpen,
  aeadSeal,
  createSigner,
  ed25519Verify,
  hkdfSha256,
  hmacSha256,
  randomBytes,
  type Signer,
  sha256,
  toDidKey,
  withKeyId,
  x25519PublicKey,
  x25519SharedSecret,
} from '@marque/crypto'
import { createDidClient, createResolver, getResolver as getMarqueResolver } from '@marque/did'
import {
  createCredentialCache,
  createInitiator,
  createResponder,
  FrameQueue,
  type FrameTransport,
  type HandshakeParameters,
  runInitiator,
  runResponder,
  verifyCredentialsWith,
} from '@marque/handshake'
import { connect, listen } from '@marque/handshake/gateway'
import { createMemoryLedger } from '@marque/ledger'
import { Resolver } from 'did-resolver'
import { getResolver } from 'key-did-resolver'
import { type Measurement, msFmt, opsFmt, percentile, report } from '../harness.js'

// @libp2p/utils 7 (under libp2p-noise 17) calls Promise.withResolvers, which Node.js has from
// version 22 on; on Node.js 20 the baseline gets the standard behaviour (ES2024 §27.2.4.8).
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new Promise<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
}

const SESSIONS = Number(process.env.MARQUE_BENCH_SESSIONS ?? 10_000)
const ROUNDS = 6

/**
 * Like the harness's `measure`, but counts operations per second of this process's CPU time
 * (user + system) rather than of wall-clock time: the machine is shared, and a ratio of two
 * rates measured moments apart must not depend on what else ran meanwhile. Latency
 * percentiles stay wall-clock.
 */
async function measure(
  fn: () => unknown,
  options: { time?: number; warmup?: number; latencies?: boolean } = {},
): Promise<Measurement> {
  const time = options.time ?? 1000
  const warmEnd = performance.now() + (options.warmup ?? 200)
  while (performance.now() < warmEnd) await fn()
  const samples: number[] = []
  let calls = 0
  const cpu = process.cpuUsage()
  const end = performance.now() + time
  let now = performance.now()
  while (now < end) {
    const t0 = now
    await fn()
    now = performance.now()
    if (options.latencies !== false) samples.push(now - t0)
    calls++
  }
  const used = process.cpuUsage(cpu)
  const result: Measurement = { opsPerSecond: calls / ((used.user + used.system) / 1e6), calls }
  if (samples.length > 0) {
    samples.sort((a, b) => a - b)
    result.p50 = percentile(samples, 0.5)
    result.p99 = percentile(samples, 0.99)
  }
  return result
}

interface Party {
  did: string
  signer: Signer
}
/** A did:key party whose signer names its key by DID URL, as issuers and peers must. */
async function party(): Promise<Party> {
  const key = await createSigner({ secretKey: randomBytes(32) })
  const did = toDidKey(key.publicKey)
  return { did, signer: withKeyId(key, `${did}#${did.slice('did:key:'.length)}`) }
}

/**
 * A manufacturer, a device and a gateway, each with a DeviceIdentityCredential (VC 2.0
 * `vc+jwt`) with a revocation slot; each side verifies the other's with @marque/credentials
 * against a trust policy ("a DeviceIdentityCredential from the manufacturer, not revoked").
 */
async function world(options: { keepDecoded?: boolean } = {}) {
  const resolver = new Resolver(getResolver(), { cache: true })
  const maker = await party()
  const device = await party()
  const gateway = await party()
  const statusLists = new Map<string, string>()
  const registry = createStatusRegistry({
    signer: maker.signer,
    revocationUrl: 'https://status.acme.example/1',
  })
  const issue = (subject: string) =>
    issueDeviceIdentityCredential({
      signer: maker.signer,
      device: subject,
      claims: {
        oemid: 'AAEC',
        hwmodel: hwmodelOf('TH-100'),
        hwversion: ['1.2'],
        serialNumber: 'SN-000123',
        manufactureDate: '2025-03-14',
        swname: 'thermo-fw',
        swversion: ['3.1.4', 16384],
      },
      status: registry.allocate().credentialStatus,
    })
  const deviceCredential = await issue(device.did)
  const gatewayCredential = await issue(gateway.did)
  const { revocation } = await registry.publish()
  statusLists.set(revocation.url, revocation.credential)
  const verifyCredentials = verifyCredentialsWith({
    verifier: createVerifier({
      resolver,
      // By default a verifier keeps the credentials it has verified decoded (a reconnecting
      // device presents the same one); 0 makes it decode each one afresh.
      ...(options.keepDecoded === false ? { maxDecodedCredentials: 0 } : {}),
      policy: {
        credentialTypes: { DeviceIdentityCredential: { issuers: [maker.did], requireStatus: true } },
      },
      fetchStatusList: async (url) => statusLists.get(url) ?? Promise.reject(new Error(`no list at ${url}`)),
    }),
    requiredTypes: ['DeviceIdentityCredential'],
  })
  const deviceParams = (byReference = false): HandshakeParameters => ({
    identity: { ...device, credentials: [{ jwt: deviceCredential, byReference }] },
    policy: { resolver, verifyCredentials },
    expectedPeer: gateway.did,
  })
  const cache = createCredentialCache()
  cache.add(deviceCredential)
  const gatewayParams = (byReference = false): HandshakeParameters => ({
    identity: { ...gateway, credentials: [{ jwt: gatewayCredential, byReference }] },
    policy: { resolver, verifyCredentials },
    credentialCache: cache,
  })
  return { resolver, device, gateway, deviceParams, gatewayParams, deviceCredential }
}

async function handshakeSansIo(w: Awaited<ReturnType<typeof world>>, byReference = false) {
  const initiator = createInitiator(w.deviceParams(byReference))
  const responder = createResponder(w.gatewayParams(byReference))
  return async () => {
    const { message1, next } = await initiator.start()
    const { message2, next: next3 } = await responder.receive1(message1)
    const { message3, session } = await next.receive2(message2)
    const { ready } = await next3.receive3(message3)
    session.channel.open(ready)
    return [message1.length, message2.length, message3.length] as const
  }
}

/** Message sizes between two did:marque parties registered on an in-memory ledger. */
async function marqueSizes(): Promise<number[]> {
  const ledger = createMemoryLedger()
  const marque = createResolver({ ledgers: { default: ledger } })
  const client = createDidClient({ ledger, resolver: marque })
  const resolver = new Resolver(getMarqueResolver(marque))
  const register = async () => {
    const deviceKey = await createSigner({ secretKey: randomBytes(32) })
    const created = await client.create({
      deviceKey,
      updateKey: (await party()).signer,
      recoveryKey: (await party()).signer,
    })
    return {
      did: created.did,
      signer: withKeyId(deviceKey, created.verificationMethodIds.authentication[0]!),
    }
  }
  const { message1, next } = await createInitiator({
    identity: await register(),
    policy: { resolver },
  }).start()
  const { message2, next: next3 } = await createResponder({
    identity: await register(),
    policy: { resolver },
  }).receive1(message1)
  const { message3 } = await next.receive2(message2)
  await next3.receive3(message3)
  return [message1.length, message2.length, message3.length]
}

function memoryPair(): [FrameTransport, FrameTransport] {
  const a = new FrameQueue()
  const b = new FrameQueue()
  const close = () => {
    a.end()
    b.end()
  }
  return [
    { send: (f) => b.push(f), receive: () => a.receive(), close },
    { send: (f) => a.push(f), receive: () => b.receive(), close },
  ]
}

/**
 * The primitive operations one full mutual handshake must do, each alone. Asymmetric: 2 X25519
 * key pairs, 2 X25519 agreements, 2 Ed25519 signatures, 4 Ed25519 verifications (2 transcript
 * signatures, 2 credentials). Symmetric: 6 HKDF-SHA-256 (76 to 120 bytes out), 4 HMAC-SHA-256
 * (2 MACs, each computed by both sides), 10 SHA-256 (transcripts, credential digests), 6
 * ChaCha20-Poly1305 (message 2's keystream twice, message 3 sealed and opened, the ready frame
 * sealed and opened). Fresh X25519 secrets each time, as in a handshake.
 */
const FLOOR_COUNTS = { keygen: 2, dh: 2, sign: 2, verify: 4, hkdf: 6, hmac: 4, sha256: 10, aead: 6 } as const

async function floorTasks() {
  const peer = await x25519PublicKey(randomBytes(32))
  const signer = await createSigner({ secretKey: randomBytes(32) })
  const message = randomBytes(123) // a signature structure's length
  const signature = await signer(message)
  const key = randomBytes(32)
  const nonce = randomBytes(12)
  const info = randomBytes(30)
  const plaintext = randomBytes(101) // a plaintext without credentials
  return {
    keygen: () => x25519PublicKey(randomBytes(32)),
    dh: () => x25519SharedSecret(randomBytes(32), peer),
    sign: () => signer(message),
    verify: () => ed25519Verify(signature, message, signer.publicKey),
    hkdf: async () => hkdfSha256(key, key, info, 120),
    hmac: async () => hmacSha256(key, message),
    sha256: async () => sha256(message),
    aead: async () => aeadSeal(key, nonce, plaintext, key),
  }
}

/**
 * Operations per CPU-second of each task, run one after the other for `time` ms each (after a
 * warm-up), the whole sequence `count` times; the best round of each task counts. CPU time
 * makes the figures hold on a shared machine; short, equal windows in several rounds give
 * every task the same chance to be measured at a quiet moment.
 */
async function rounds(
  tasks: Record<string, { fn: () => Promise<unknown>; time: number }>,
  count: number,
): Promise<Record<string, Measurement>> {
  const best: Record<string, Measurement> = {}
  const gc = collectGarbage()
  for (let round = 0; round < count; round++) {
    for (const [name, { fn, time }] of Object.entries(tasks)) {
      gc()
      const m = await measure(fn, { time, warmup: round === 0 ? 2000 : 100 })
      if (best[name] === undefined || m.opsPerSecond > best[name].opsPerSecond) best[name] = m
    }
  }
  return best
}

/** One libp2p-noise XX handshake (Ed25519 libp2p identities, no credentials) per call. */
async function noiseTask() {
  const make = async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const peerId = peerIdFromPrivateKey(privateKey)
    const encrypter = noise()({
      peerId,
      privateKey,
      logger: defaultLogger(),
      upgrader: { getStreamMuxers: () => new Map() } as never,
    })
    return { peerId, encrypter }
  }
  const a = await make()
  const b = await make()
  let bytes = 0
  const run = async () => {
    const [outbound, inbound] = multiaddrConnectionPair()
    let sent = 0
    for (const c of [outbound, inbound]) {
      const send = c.send.bind(c)
      c.send = (data: Parameters<typeof send>[0]) => {
        sent += data.byteLength
        return send(data)
      }
    }
    await Promise.all([
      a.encrypter.secureOutbound(outbound, { remotePeer: b.peerId, skipStreamMuxerNegotiation: true }),
      b.encrypter.secureInbound(inbound, { skipStreamMuxerNegotiation: true }),
    ])
    bytes = sent
  }
  await run()
  return { run, bytes }
}

async function channelThroughput(w: Awaited<ReturnType<typeof world>>) {
  const { message1, next } = await createInitiator(w.deviceParams()).start()
  const { message2, next: next3 } = await createResponder(w.gatewayParams()).receive1(message1)
  const { message3, session: i } = await next.receive2(message2)
  const { session: r, ready } = await next3.receive3(message3)
  i.channel.open(ready)
  const payload = randomBytes(16 * 1024)
  const key = randomBytes(32)
  const nonce = randomBytes(12)
  const aad = randomBytes(9)
  const rates = await rounds(
    {
      ours: { fn: async () => r.channel.open(i.channel.seal(payload)), time: 700 },
      raw: { fn: async () => aeadOpen(key, nonce, aeadSeal(key, nonce, payload, aad), aad), time: 700 },
    },
    ROUNDS,
  )
  const mbps = (m: Measurement | undefined) => ((m?.opsPerSecond ?? 0) * payload.length) / 1e6
  return { ours: mbps(rates.ours), raw: mbps(rates.raw) }
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose_gc')
  return runInNewContext('gc') as () => void
}

async function manySessions(w: Awaited<ReturnType<typeof world>>) {
  const gc = collectGarbage()
  const gateway = await listen({
    ...w.gatewayParams(),
    policy: { resolver: w.resolver },
    identity: { ...w.gateway },
    maxPendingHandshakes: 4096,
    stepTimeoutMs: 60_000,
  })
  const channels: { close(): void }[] = []
  gateway.on('session', ({ channel }) => channels.push(channel))
  gc()
  const before = process.memoryUsage()
  const started = performance.now()
  // The devices run in a child process: each side of 10,000 TCP connections needs its own
  // file descriptors.
  const child = spawn(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname], {
    env: {
      ...process.env,
      MARQUE_BENCH_HANDSHAKE_CLIENTS: String(SESSIONS),
      MARQUE_BENCH_PORT: String(gateway.port),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const ready = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(out.trim())
    })
    child.once('exit', (code) => reject(new Error(`the device process exited with ${code}`)))
  })
  const line = await ready
  const elapsed = (performance.now() - started) / 1000
  gc()
  const after = process.memoryUsage()
  const held = gateway.openSessions
  child.stdin.end('close\n')
  await new Promise((r) => child.once('exit', r))
  for (const c of channels) c.close()
  channels.length = 0
  await gateway.close()
  return {
    held,
    line,
    elapsed,
    rssPerSession: (after.rss - before.rss) / held,
    heapPerSession: (after.heapUsed + after.external - before.heapUsed - before.external) / held,
  }
}

/** Child-process mode: connect `n` devices to the gateway, report, hold until told to close. */
async function runDevices(n: number, port: number) {
  const resolver = new Resolver(getResolver(), { cache: true })
  const open: { close(): void }[] = []
  const started = performance.now()
  let i = 0
  const worker = async () => {
    while (i < n) {
      i++
      const signer = await createSigner({ secretKey: randomBytes(32) })
      const { channel } = await connect({
        port,
        identity: { did: toDidKey(signer.publicKey), signer },
        policy: { resolver },
      })
      open.push(channel)
    }
  }
  await Promise.all(Array.from({ length: 64 }, worker))
  process.stdout.write(`${open.length} sessions in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
  process.stdin.resume()
  await new Promise((r) => process.stdin.once('data', r))
  for (const c of open) c.close()
  process.exit(0)
}

if (process.env.MARQUE_BENCH_HANDSHAKE_CLIENTS !== undefined) {
  await runDevices(Number(process.env.MARQUE_BENCH_HANDSHAKE_CLIENTS), Number(process.env.MARQUE_BENCH_PORT))
}

export default async function handshake(): Promise<void> {
  const w = await world()
  // Warm the DID cache: resolution is cached, as on a gateway.
  for (const did of [w.device.did, w.gateway.did]) await w.resolver.resolve(did)

  const floorOps = await floorTasks()
  const libp2p = await noiseTask()
  const rates = await rounds(
    {
      ...Object.fromEntries(Object.entries(floorOps).map(([k, fn]) => [k, { fn, time: 500 }])),
      handshake: { fn: await handshakeSansIo(w), time: 500 },
      fresh: { fn: await handshakeSansIo(await world({ keepDecoded: false })), time: 500 },
      driver: {
        fn: async () => {
          const [a, b] = memoryPair()
          await Promise.all([
            runInitiator({ transport: a, initiator: createInitiator(w.deviceParams()) }),
            runResponder({ transport: b, responder: createResponder(w.gatewayParams()) }),
          ])
        },
        time: 500,
      },
      noise: { fn: libp2p.run, time: 500 },
    },
    ROUNDS,
  )
  const {
    keygen,
    dh,
    sign,
    verify,
    handshake: sansIo,
    fresh,
    driver,
    noise: noiseRate,
  } = rates as Record<string, Measurement>
  const floor = {
    rate:
      1 /
      Object.entries(FLOOR_COUNTS).reduce(
        (sum, [op, n]) => sum + n / (rates[op] as Measurement).opsPerSecond,
        0,
      ),
  }
  report('Handshake: full mutual handshakes per CPU-second (one process, one core)', [
    {
      name: 'marque handshake, sans-IO, 1 credential each verified',
      ours: opsFmt(sansIo!.opsPerSecond),
      peer: `floor ${opsFmt(floor.rate)}`,
      ratio: sansIo!.opsPerSecond / floor.rate,
      target: '≥ 0.60× crypto floor',
      met: sansIo!.opsPerSecond >= 0.6 * floor.rate,
    },
    {
      name: 'marque handshake, credentials decoded afresh each time (maxDecodedCredentials: 0)',
      ours: opsFmt(fresh!.opsPerSecond),
      peer: `floor ${opsFmt(floor.rate)}`,
      ratio: fresh!.opsPerSecond / floor.rate,
    },
    {
      name: 'marque handshake (credentials verified) vs libp2p-noise XX',
      ours: opsFmt(sansIo!.opsPerSecond),
      peer: `noise ${opsFmt(noiseRate!.opsPerSecond)}`,
      ratio: sansIo!.opsPerSecond / noiseRate!.opsPerSecond,
      target: '≥ 2× libp2p-noise',
      met: sansIo!.opsPerSecond >= 2 * noiseRate!.opsPerSecond,
    },
    {
      name: 'marque handshake over in-memory frames (driver)',
      ours: opsFmt(driver!.opsPerSecond),
      peer: `noise ${opsFmt(noiseRate!.opsPerSecond)}`,
      ratio: driver!.opsPerSecond / noiseRate!.opsPerSecond,
    },
    { name: 'latency p50 / p99 (sans-IO)', ours: `${msFmt(sansIo!.p50)} / ${msFmt(sansIo!.p99)}` },
    {
      name: 'crypto floor: X25519 keygen, X25519, sign, verify (each alone)',
      ours: [keygen!, dh!, sign!, verify!].map((m) => opsFmt(m.opsPerSecond)).join(', '),
    },
  ])

  const sizes = async (credentials: 'none' | 'value' | 'reference') => {
    const base = await world()
    const params = (p: HandshakeParameters): HandshakeParameters =>
      credentials === 'none'
        ? { ...p, identity: { ...p.identity, credentials: [] }, policy: { resolver: p.policy.resolver } }
        : p
    const byRef = credentials === 'reference'
    const dev = params(base.deviceParams(byRef))
    const gwp = params(base.gatewayParams(byRef))
    const cache = createCredentialCache()
    for (const c of [...(dev.identity.credentials ?? []), ...(gwp.identity.credentials ?? [])]) {
      cache.add(typeof c === 'string' ? c : c.jwt)
    }
    const { message1, next } = await createInitiator({ ...dev, credentialCache: cache }).start()
    const { message2, next: next3 } = await createResponder({ ...gwp, credentialCache: cache }).receive1(
      message1,
    )
    const { message3 } = await next.receive2(message2)
    await next3.receive3(message3)
    return [message1.length, message2.length, message3.length]
  }
  const rows = []
  for (const variant of ['none', 'value', 'reference'] as const) {
    const [m1, m2, m3] = await sizes(variant)
    const total = m1! + m2! + m3!
    rows.push({
      name: `bytes, ${variant === 'none' ? 'no credentials' : `1 credential each by ${variant}`} (m1/m2/m3)`,
      ours: `${m1}/${m2}/${m3} = ${total} B`,
      ...(variant === 'none'
        ? {
            peer: `EDHOC 216 B, noise ${libp2p.bytes} B`,
            ratio: total / libp2p.bytes,
            target: '≤ 300 B',
            met: total <= 300,
          }
        : {}),
    })
  }
  const [m1, m2, m3] = await marqueSizes()
  const marqueTotal = m1! + m2! + m3!
  rows.push({
    name: 'bytes, did:marque on both sides, no credentials (m1/m2/m3)',
    ours: `${m1}/${m2}/${m3} = ${marqueTotal} B`,
    peer: `EDHOC 216 B, noise ${libp2p.bytes} B`,
    ratio: marqueTotal / libp2p.bytes,
    target: '≤ 300 B',
    met: marqueTotal <= 300,
  })
  report(
    'Handshake: bytes on the wire (DIDs sent in full, a did:marque key by its 8-byte hint; did:key on both sides unless said)',
    rows,
  )

  const throughput = await channelThroughput(w)
  report('Secure channel: 16 KiB messages, seal + open, per CPU-second', [
    {
      name: 'channel throughput',
      ours: `${throughput.ours.toFixed(0)} MB/s`,
      peer: `raw ChaCha20-Poly1305 ${throughput.raw.toFixed(0)} MB/s`,
      ratio: throughput.ours / throughput.raw,
      target: '≥ 0.5× raw',
      met: throughput.ours >= 0.5 * throughput.raw,
    },
  ])

  const many = await manySessions(w)
  report(`Gateway: ${SESSIONS.toLocaleString('en-US')} concurrent TCP sessions on 127.0.0.1`, [
    {
      name: 'sessions held',
      ours: many.held.toLocaleString('en-US'),
      target: `${SESSIONS.toLocaleString('en-US')}`,
      met: many.held === SESSIONS,
    },
    {
      name: 'time to establish (devices in a child process)',
      ours: `${many.elapsed.toFixed(1)} s`,
      peer: many.line,
    },
    { name: 'gateway memory per session (RSS)', ours: `${(many.rssPerSession / 1024).toFixed(1)} KiB` },
    {
      name: 'gateway memory per session (heap + external)',
      ours: `${(many.heapPerSession / 1024).toFixed(1)} KiB`,
    },
  ])
}
