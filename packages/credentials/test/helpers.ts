// Shared test fixtures: deterministic did:key parties, a fixed clock, and resolvers.
import { createSigner, encodeMultikey, type Signer, sha256, toDidKey, utf8, withKeyId } from '@marque/crypto'
import { type DIDDocument, type DIDResolutionResult, type Resolvable, Resolver } from 'did-resolver'
import { getResolver as getKeyResolver } from 'key-did-resolver'
import { expect } from 'vitest'
import {
  type CreateVerifierParameters,
  type CredentialErrorCode,
  type CredentialFormat,
  createVerifier,
  type IssueCredentialParameters,
  type IssueDeviceIdentityParameters,
  isCredentialError,
  issueCredential,
  issueDeviceIdentityCredential,
} from '../src/index.js'

/** 2025-01-01T00:00:00Z, the tests' "now". */
export const NOW = 1_735_689_600

/** A signer for a did:key party derived from a name, so DIDs and signatures are stable. */
export interface Party {
  did: string
  kid: string
  signer: Signer
}

export async function didKeyParty(name: string): Promise<Party> {
  const base = await createSigner({ secretKey: sha256(utf8(`marque test party ${name}`)) })
  const did = toDidKey(base.publicKey)
  const kid = `${did}#${encodeMultikey(base.publicKey, 'Ed25519')}`
  return { did, kid, signer: withKeyId(base, kid) }
}

/** A mutable clock in seconds, handed to code as milliseconds. */
export function testClock(start = NOW): { now: number; clock: () => number } {
  const state = {
    now: start,
    clock: () => state.now * 1000,
  }
  return state
}

export function keyResolver(): Resolver {
  return new Resolver({ ...getKeyResolver() }, { cache: true })
}

/** A verification method entry for an Ed25519 key in Multikey form. */
export function multikeyMethod(did: string, fragment: string, publicKey: Uint8Array) {
  return {
    id: `${did}#${fragment}`,
    type: 'Multikey',
    controller: did,
    publicKeyMultibase: encodeMultikey(publicKey, 'Ed25519'),
  }
}

/**
 * IN-TEST RESOLVER (not did:marque): serves hand-written documents for `did:test:…`, with
 * versions (by `versionTime`, or `versionId` counting from 1) and a deactivated flag, to
 * exercise historical resolution and deactivation through the did-resolver `Resolvable`
 * interface independently of any DID method.
 */
export class TestDidRegistry implements Resolvable {
  private readonly versions = new Map<
    string,
    { from: number; document: DIDDocument; deactivated: boolean }[]
  >()
  resolutions: string[] = []

  /** Records a document for `did` valid from `from` (seconds). */
  publish(document: DIDDocument, from: number, deactivated = false): void {
    const list = this.versions.get(document.id) ?? []
    list.push({ from, document, deactivated })
    list.sort((a, b) => a.from - b.from)
    this.versions.set(document.id, list)
  }

  async resolve(didUrl: string): Promise<DIDResolutionResult> {
    this.resolutions.push(didUrl)
    const [did, query] = didUrl.split('?') as [string, string | undefined]
    const list = this.versions.get(did)
    if (list === undefined) {
      return { didResolutionMetadata: { error: 'notFound' }, didDocument: null, didDocumentMetadata: {} }
    }
    const params = new URLSearchParams(query ?? '')
    const at = params.get('versionTime')
    const id = params.get('versionId')
    const time = at === null ? Number.POSITIVE_INFINITY : Date.parse(at) / 1000
    const version = id !== null ? list[Number(id) - 1] : [...list].reverse().find((v) => v.from <= time)
    if (version === undefined) {
      return { didResolutionMetadata: { error: 'notFound' }, didDocument: null, didDocumentMetadata: {} }
    }
    if (version.deactivated) {
      return {
        didResolutionMetadata: {},
        didDocument: { id: did },
        didDocumentMetadata: { deactivated: true },
      }
    }
    return { didResolutionMetadata: {}, didDocument: version.document, didDocumentMetadata: {} }
  }
}

/** Asserts that `promise` rejects with a CredentialError of exactly `code`, and returns it. */
export async function expectCode(promise: Promise<unknown>, code: CredentialErrorCode) {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  expect(caught, `expected ${code}`).toBeDefined()
  if (!isCredentialError(caught)) throw caught
  expect(caught.code).toBe(code)
  return caught
}

/** Splits a compact JWS and re-joins it after `edit` changed its decoded JSON parts. */
export function editJws(
  token: string,
  edit: (parts: { header: Record<string, unknown>; payload: Record<string, unknown> }) => void,
): string {
  const [h, p, s] = token.split('.') as [string, string, string]
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  edit({ header, payload })
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${enc(header)}.${enc(payload)}.${s}`
}

/** Re-signs a token whose parts were edited, with `signer` (so only the edit is under test). */
export async function resign(token: string, signer: Signer): Promise<string> {
  const [h, p] = token.split('.') as [string, string]
  const signature = await signer(utf8(`${h}.${p}`))
  return `${h}.${p}.${Buffer.from(signature).toString('base64url')}`
}

export const DEVICE_CLAIMS = {
  oemid: 'AAEC',
  hwmodel: 'VEgtMTAw',
  hwversion: ['1.2', 1],
  serialNumber: 'SN-000001',
  manufactureDate: '2024-11-30',
  swname: 'thermo-fw',
  swversion: ['3.1.4', 16384],
  swdigest: [1, 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg'],
  manufacturer: 'Acme Sensors',
} as const

/** The usual cast: a did:key manufacturer, a did:key device, a fixed clock, a did:key resolver. */
export async function scenario(format: CredentialFormat = 'vc+jwt') {
  const maker = await didKeyParty('manufacturer')
  const device = await didKeyParty('device-1')
  const time = testClock()
  const resolver = keyResolver()
  return {
    maker,
    device,
    time,
    resolver,
    /** A DeviceIdentityCredential from `maker` about `device`, with `extra` on top. */
    issue: (extra: Partial<IssueDeviceIdentityParameters> = {}) =>
      issueDeviceIdentityCredential({
        signer: maker.signer,
        device: device.did,
        claims: { ...DEVICE_CLAIMS },
        clock: time.clock,
        format,
        ...extra,
      }),
    verifier: (extra: Partial<CreateVerifierParameters> = {}) =>
      createVerifier({ resolver, clock: time.clock, ...extra }),
  }
}

/**
 * An issuer `did:test:<name>` in an in-test registry: its document (from `document`, by
 * default key-1 under assertionMethod) published 1000 s before NOW, and its signer.
 */
export async function registryIssuer(
  name: string,
  document: (did: string, key: Uint8Array) => Omit<DIDDocument, 'id'> = (did, key) => ({
    verificationMethod: [multikeyMethod(did, 'key-1', key)],
    assertionMethod: ['#key-1'],
  }),
) {
  const party = await didKeyParty(`registry-${name}`)
  const did = `did:test:${name}`
  const registry = new TestDidRegistry()
  registry.publish({ id: did, ...document(did, party.signer.publicKey) }, NOW - 1000)
  return { did, registry, signer: withKeyId(party.signer, `${did}#key-1`), publicKey: party.signer.publicKey }
}

/** A DeviceIdentityCredential from any signer about `subject`, issued at `at` (seconds). */
export function identityFrom(
  signer: Signer,
  subject: string,
  at = NOW,
  extra: Partial<IssueCredentialParameters> = {},
) {
  return issueCredential({
    signer,
    type: 'DeviceIdentityCredential',
    subject,
    claims: { ...DEVICE_CLAIMS },
    clock: () => at * 1000,
    ...extra,
  })
}
