// Credentials: our verifier and issuer beside did-jwt-vc's on identical EdDSA credentials
// with a warm resolver cache on both sides, the cost of a cached status check, and a
// factory batch of 100,000 credentials.

import {
  createStatusRegistry,
  createVerifier,
  type DeviceIdentityClaims,
  issueCredentials,
  issueDeviceIdentityCredential,
} from '@marque/credentials'
import { createDidResolver } from '@marque/credentials/resolvers'
import {
  base64urlDecode,
  ed25519Verify,
  encodeMultikey,
  exportSecretKey,
  generateSigner,
  type Signer,
  toDidKey,
  utf8,
  withKeyId,
} from '@marque/crypto'
import { EdDSASigner } from 'did-jwt'
import { createVerifiableCredentialJwt, verifyCredential } from 'did-jwt-vc'
import { type Measurement, measure, msFmt, opsFmt, report } from '../harness.js'

const CLAIMS: DeviceIdentityClaims = {
  oemid: 'AAEC',
  hwmodel: 'VEgtMTAw',
  hwversion: ['1.2', 1],
  serialNumber: 'SN-000001',
  manufactureDate: '2024-11-30',
  swname: 'thermo-fw',
  swversion: ['3.1.4', 16384],
  manufacturer: 'Acme Sensors',
}

async function party(): Promise<{ did: string; signer: Signer }> {
  const base = await generateSigner()
  const did = toDidKey(base.publicKey)
  return { did, signer: withKeyId(base, `${did}#${encodeMultikey(base.publicKey, 'Ed25519')}`) }
}

/**
 * Measures each case in turn, `rounds` times over, and keeps each one's best round: on a
 * shared machine, interleaving puts ours and the peer under the same background load.
 */
async function bestOf<K extends string>(
  rounds: number,
  cases: Record<K, () => unknown>,
): Promise<Record<K, Measurement>> {
  const best = {} as Record<K, Measurement>
  const names = Object.keys(cases) as K[]
  for (let round = 0; round < rounds; round++) {
    // Each round starts with another case, so none always runs right after the same one
    // (and pays for the garbage it left).
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!
      const m = await measure(cases[name], { time: 400, warmup: 200 })
      if (best[name] === undefined || m.opsPerSecond > best[name].opsPerSecond) best[name] = m
    }
  }
  return best
}

export default async function credentials(): Promise<void> {
  const maker = await party()
  const device = await party()
  const resolver = createDidResolver()
  const peerSigner = { did: maker.did, signer: EdDSASigner(exportSecretKey(maker.signer)), alg: 'EdDSA' }
  const now = Math.floor(Date.now() / 1000)
  const peerPayload = {
    sub: device.did,
    nbf: now,
    iat: now,
    vc: {
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiableCredential', 'DeviceIdentityCredential'],
      credentialSubject: { ...CLAIMS },
    },
  }
  const peerOptions = { header: { alg: 'EdDSA', typ: 'JWT' as const, kid: maker.signer.keyId } }

  // One VC-JWT 1.1 credential that both verifiers accept (ours issues it byte for byte as did-jwt-vc does).
  const shared = await issueDeviceIdentityCredential({
    signer: maker.signer,
    device: device.did,
    claims: CLAIMS,
    format: 'vc-jwt-1.1',
  })
  const v2 = await issueDeviceIdentityCredential({ signer: maker.signer, device: device.did, claims: CLAIMS })
  // Like did-jwt-vc, this verifier decodes every credential afresh (maxDecodedCredentials: 0);
  // `seen` keeps the default, which keeps credentials it has verified decoded.
  const verifier = createVerifier({ resolver, maxDecodedCredentials: 0 })
  const seen = createVerifier({ resolver })
  // Warm both sides: resolver cache, our document/key cache.
  await verifyCredential(shared, resolver)
  await verifier.verifyCredential(shared)
  await seen.verifyCredential(shared)

  const [h, p, s] = shared.split('.') as [string, string, string]
  const rawInput = utf8(`${h}.${p}`)
  const rawSignature = base64urlDecode(s)
  const speed = await bestOf(5, {
    raw: () => ed25519Verify(rawSignature, rawInput, maker.signer.publicKey),
    peerVerify: () => verifyCredential(shared, resolver),
    ourVerify: () => verifier.verifyCredential(shared),
    ourVerifyV2: () => verifier.verifyCredential(v2),
    ourVerifySeen: () => seen.verifyCredential(shared),
    peerIssue: () => createVerifiableCredentialJwt(peerPayload, peerSigner, peerOptions),
    ourIssue11: () =>
      issueDeviceIdentityCredential({
        signer: maker.signer,
        device: device.did,
        claims: CLAIMS,
        format: 'vc-jwt-1.1',
      }),
    ourIssueV2: () =>
      issueDeviceIdentityCredential({ signer: maker.signer, device: device.did, claims: CLAIMS }),
  })
  const { raw, peerVerify, ourVerify, ourVerifyV2, ourVerifySeen, peerIssue, ourIssue11, ourIssueV2 } = speed

  // Status: the same credential with and without a revocation entry; the list is cached.
  const registry = createStatusRegistry({
    signer: maker.signer,
    revocationUrl: 'https://status.example/r/1',
    suspensionUrl: 'https://status.example/s/1',
  })
  const lists = await registry.publish()
  const served = new Map([
    [lists.revocation.url, lists.revocation.credential],
    [lists.suspension?.url ?? '', lists.suspension?.credential ?? ''],
  ])
  const statusVerifier = createVerifier({
    resolver,
    maxDecodedCredentials: 0,
    fetchStatusList: async (url) => served.get(url) ?? Promise.reject(new Error(`no list at ${url}`)),
  })
  const withStatus = await issueDeviceIdentityCredential({
    signer: maker.signer,
    device: device.did,
    claims: CLAIMS,
    status: registry.allocate().credentialStatus,
  })
  await statusVerifier.verifyCredential(withStatus)
  await statusVerifier.verifyCredential(v2)
  const { noStatus, cachedStatus } = await bestOf(9, {
    noStatus: () => statusVerifier.verifyCredential(v2),
    cachedStatus: () => statusVerifier.verifyCredential(withStatus),
  })

  // A factory batch: 100,000 credentials, each with its own status slot, streamed out.
  const batchRegistry = createStatusRegistry({
    signer: maker.signer,
    revocationUrl: 'https://status.example/r/2',
  })
  const batchSize = 100_000
  let peakHeap = process.memoryUsage().heapUsed
  const heapBefore = peakHeap
  let bytes = 0
  let count = 0
  const started = performance.now()
  for await (const jwt of issueCredentials({
    signer: maker.signer,
    credentials: (function* () {
      for (let i = 0; i < batchSize; i++) {
        yield {
          type: 'DeviceIdentityCredential',
          subject: device.did,
          claims: { ...CLAIMS, serialNumber: `SN-${i}` },
          status: batchRegistry.allocate().credentialStatus,
        }
      }
    })(),
  })) {
    bytes += jwt.length
    count++
    if (count % 5_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
  }
  const batchSeconds = (performance.now() - started) / 1000
  const peakRss = process.resourceUsage().maxRSS / 1024

  const ratio = (a: number, b: number) => a / b
  report(
    'Credentials (warm resolver cache on both sides; identical EdDSA VC-JWT 1.1 credential; best of 5 interleaved rounds)',
    [
      { name: 'raw Ed25519 verify (context)', ours: opsFmt(raw.opsPerSecond) },
      {
        name: 'verify: ours vs did-jwt-vc verifyCredential',
        ours: opsFmt(ourVerify.opsPerSecond),
        peer: opsFmt(peerVerify.opsPerSecond),
        ratio: ratio(ourVerify.opsPerSecond, peerVerify.opsPerSecond),
        target: '≥ 10×',
        met: ourVerify.opsPerSecond >= 10 * peerVerify.opsPerSecond,
      },
      {
        name: 'verify a credential seen before (kept decoded; signature, status, policy checked)',
        ours: opsFmt(ourVerifySeen.opsPerSecond),
        peer: opsFmt(peerVerify.opsPerSecond),
        ratio: ratio(ourVerifySeen.opsPerSecond, peerVerify.opsPerSecond),
      },
      {
        name: 'verify vc+jwt (VC 2.0): ours vs did-jwt-vc on 1.1',
        ours: opsFmt(ourVerifyV2.opsPerSecond),
        peer: opsFmt(peerVerify.opsPerSecond),
        ratio: ratio(ourVerifyV2.opsPerSecond, peerVerify.opsPerSecond),
      },
      {
        name: 'verify latency p50 / p99: ours vs did-jwt-vc',
        ours: `${msFmt(ourVerify.p50)} / ${msFmt(ourVerify.p99)}`,
        peer: `${msFmt(peerVerify.p50)} / ${msFmt(peerVerify.p99)}`,
      },
      {
        name: 'issue VC-JWT 1.1: ours vs createVerifiableCredentialJwt',
        ours: opsFmt(ourIssue11.opsPerSecond),
        peer: opsFmt(peerIssue.opsPerSecond),
        ratio: ratio(ourIssue11.opsPerSecond, peerIssue.opsPerSecond),
        target: '≥ 5×',
        met: ourIssue11.opsPerSecond >= 5 * peerIssue.opsPerSecond,
      },
      {
        name: 'issue vc+jwt: ours vs createVerifiableCredentialJwt',
        ours: opsFmt(ourIssueV2.opsPerSecond),
        peer: opsFmt(peerIssue.opsPerSecond),
        ratio: ratio(ourIssueV2.opsPerSecond, peerIssue.opsPerSecond),
        target: '≥ 5×',
        met: ourIssueV2.opsPerSecond >= 5 * peerIssue.opsPerSecond,
      },
      {
        name: 'verify with status check (cached list) vs without: throughput',
        ours: opsFmt(cachedStatus.opsPerSecond),
        peer: opsFmt(noStatus.opsPerSecond),
        ratio: ratio(cachedStatus.opsPerSecond, noStatus.opsPerSecond),
        target: '≥ 0.95× (≤ 5% slower)',
        met: cachedStatus.opsPerSecond >= 0.95 * noStatus.opsPerSecond,
      },
      {
        name: 'verify with status check (cached list) vs without: median latency',
        ours: msFmt(cachedStatus.p50),
        peer: msFmt(noStatus.p50),
        ratio: ratio(noStatus.p50 ?? 0, cachedStatus.p50 ?? 1),
        target: '≥ 0.95× (≤ 5% slower)',
        met: (cachedStatus.p50 ?? Number.POSITIVE_INFINITY) <= (noStatus.p50 ?? 0) / 0.95,
      },
      {
        name: `factory batch: ${batchSize.toLocaleString('en-US')} vc+jwt with status slots`,
        ours: `${batchSeconds.toFixed(1)} s (${opsFmt(batchSize / batchSeconds)}), ${(bytes / 2 ** 20).toFixed(0)} MiB out`,
      },
      {
        name: 'factory batch memory: peak heap growth / process peak RSS',
        ours: `${((peakHeap - heapBefore) / 2 ** 20).toFixed(1)} MiB / ${peakRss.toFixed(0)} MiB`,
      },
    ],
  )
}
