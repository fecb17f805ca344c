import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CredentialError, CredentialErrorCode, type Verifier } from '@marque/credentials'
import { parseDid } from '@marque/did'
import type { DIDDocument, Resolvable } from 'did-resolver'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { type KeyFile, loadKeyFile } from '../keys.js'
import { withStep } from '../vc/checklist.js'
import { methodsHolding, methodsOf, publicKeyOf, type Relationship } from '../vc/methods.js'
import { readToken } from '../vc/token.js'
import type { BundleKey, ProvisioningBundle, TrustAnchor } from './bundle.js'

/** Where one device's key comes from: a key file, or a reference to a key held by a secure element. */
export type KeySource = { file: string } | { reference: string }

/** Everything `provision` needs to know about one device. */
export interface DeviceSpec {
  did: string
  signingKey: KeySource
  /** Undefined: no key-agreement key in the bundle. */
  agreementKey: KeySource | undefined
  credentials: string[]
  trustAnchors: string[]
  /** Undefined: the DID document's `MarqueHandshake` service endpoint, if any. */
  gateway: string | undefined
}

/** The default key files of a device: as `marque did create` writes them, `<keysDir>/<DID id>/`. */
export function defaultKeyDir(ctx: Context, did: string, keysDir?: string): string {
  const parsed = parseDid(did)
  const id = 'error' in parsed ? did.slice(did.lastIndexOf(':') + 1) : parsed.id
  return ctx.path(join(keysDir ?? ctx.config.keysDir, id))
}

/** `device.jwk`, and `agreement.jwk` when it exists, of a key directory. */
function keysIn(
  dir: string,
  agreement: boolean,
): { signingKey: KeySource; agreementKey: KeySource | undefined } {
  const agreementFile = join(dir, 'agreement.jwk')
  return {
    signingKey: { file: join(dir, 'device.jwk') },
    agreementKey: agreement && existsSync(agreementFile) ? { file: agreementFile } : undefined,
  }
}

/** Key options, from the command line or a line of the batch input. */
export interface KeyChoices {
  key?: string | undefined
  keyReference?: string | undefined
  agreementKey?: string | undefined
  agreementKeyReference?: string | undefined
  /** False: no key-agreement key at all. */
  agreement: boolean
}

/**
 * Where a device's keys come from: a key file or reference when one is named, else the
 * files of its key directory ({@link keysIn}).
 */
export function keySources(
  dir: string,
  choices: KeyChoices,
): { signingKey: KeySource; agreementKey: KeySource | undefined } {
  const files = keysIn(dir, choices.agreement)
  const pick = (file: string | undefined, reference: string | undefined, fallback: KeySource | undefined) =>
    file !== undefined ? { file } : reference !== undefined ? { reference } : fallback
  return {
    signingKey: pick(choices.key, choices.keyReference, files.signingKey)!,
    agreementKey: choices.agreement
      ? pick(choices.agreementKey, choices.agreementKeyReference, files.agreementKey)
      : undefined,
  }
}

/** Shared across the devices of one run: the verifier and the pinned keys already looked up. */
export interface ProvisionTools {
  resolver: Resolvable
  verifier: Verifier
  /** Issuer key id → its public key, so a batch resolves each issuer once. */
  pinned: Map<string, Uint8Array>
  /** Called once when a credential's status list cannot be fetched yet. */
  warn: (message: string) => void
}

async function resolveDevice(resolver: Resolvable, did: string): Promise<DIDDocument> {
  const result = await resolver.resolve(did)
  const error = result.didResolutionMetadata.error
  if (error !== undefined || result.didDocument === null) {
    throw new CliError(
      CliErrorCode.NotFound,
      `the device ${did} does not resolve: ${error ?? 'no document'}`,
      {
        hint: 'register it first (`marque did create`), on the configured ledger',
      },
    )
  }
  if (result.didDocumentMetadata.deactivated === true) {
    throw new CliError(CliErrorCode.BadInput, `the device ${did} is deactivated`)
  }
  return result.didDocument
}

/**
 * A key for the bundle: a reference as is, or a key file whose public key the DID
 * document must list under `relationship` (so a bundle never pairs a DID with a key that
 * is not its own).
 */
async function bundleKey(
  ctx: Context,
  source: KeySource,
  document: DIDDocument,
  relationship: Relationship,
  type: KeyFile['crv'],
): Promise<BundleKey> {
  if ('reference' in source) return { reference: source.reference }
  const key = await loadKeyFile(ctx.path(source.file))
  if (key.crv !== type || methodsHolding(document, relationship, key.publicKey, type).length === 0) {
    throw new CliError(
      CliErrorCode.BadInput,
      `the ${type} key in ${source.file} is not under ${relationship} of ${document.id}`,
      {
        hint: "pass the device's own key file (as `marque did create` wrote it), or --key-reference",
      },
    )
  }
  return { secretKey: key.secretKey }
}

/**
 * The public key of the assertion method `kid` names: in the issuer's current document or,
 * when it was rotated out since, in the document as of the credential's issuance.
 */
async function pinnedKey(
  tools: ProvisionTools,
  issuer: string,
  kid: string,
  issuedAt: unknown,
): Promise<Uint8Array> {
  const cached = tools.pinned.get(kid)
  if (cached !== undefined) return cached
  const urls = [issuer]
  if (typeof issuedAt === 'number' && Number.isSafeInteger(issuedAt) && issuedAt >= 0 && issuedAt < 1e11) {
    urls.push(`${issuer}?versionTime=${new Date(issuedAt * 1000).toISOString().replace('.000Z', 'Z')}`)
  }
  for (const url of urls) {
    const { didDocument } = await tools.resolver.resolve(url)
    const method =
      didDocument === null ? undefined : methodsOf(didDocument, 'assertionMethod').find((m) => m.id === kid)
    const key = method === undefined ? undefined : publicKeyOf(method.method, 'Ed25519')
    if (key !== undefined) {
      tools.pinned.set(kid, key)
      return key
    }
  }
  throw new CliError(CliErrorCode.NotFound, `cannot find the key ${kid} to pin as a trust anchor`)
}

/**
 * Builds one device's bundle: resolves its DID, checks its key files against the document,
 * verifies each credential (about this device, signature, validity, not revoked; a status
 * list not yet published is only a warning), and pins each credential issuer's signing key
 * as a trust anchor, beside the `trustAnchors` given (unpinned).
 * @throws CliError or CredentialError (with its checklist step) saying which part is wrong.
 */
export async function buildBundle(
  ctx: Context,
  tools: ProvisionTools,
  spec: DeviceSpec,
): Promise<ProvisioningBundle> {
  const document = await resolveDevice(tools.resolver, spec.did)
  const signingKey = await bundleKey(ctx, spec.signingKey, document, 'authentication', 'Ed25519')
  const agreementKey =
    spec.agreementKey === undefined
      ? undefined
      : await bundleKey(ctx, spec.agreementKey, document, 'keyAgreement', 'X25519')
  const anchors = new Map<string, TrustAnchor>()
  for (const jwt of spec.credentials) {
    try {
      await tools.verifier.verifyCredential(jwt, { expectedSubject: spec.did })
    } catch (error) {
      if (!(error instanceof CredentialError)) throw error
      if (error.code !== CredentialErrorCode.StatusUnavailable) throw withStep(error)
      tools.warn('a status list cannot be fetched yet: publish the lists before devices are checked')
    }
    // Every check up to the signature passed (step 16 comes after 11): the payload's issuer
    // and the header's key id are the signed ones.
    const token = readToken(jwt)
    const issuer = String(token.issuer)
    const kid = String(token.header.kid)
    const absoluteKid = kid.startsWith('#') ? `${issuer}${kid}` : kid
    if (!anchors.has(issuer)) {
      anchors.set(issuer, {
        did: issuer,
        publicKey: await pinnedKey(tools, issuer, absoluteKid, token.payload.iat),
      })
    }
  }
  for (const did of spec.trustAnchors) if (!anchors.has(did)) anchors.set(did, { did })
  const parsed = parseDid(spec.did)
  const gateway =
    spec.gateway ??
    (document.service ?? []).find(
      (s) => s.type === 'MarqueHandshake' && typeof s.serviceEndpoint === 'string',
    )?.serviceEndpoint
  const bundle: ProvisioningBundle = {
    did: spec.did,
    signingKey,
    credentials: spec.credentials,
    trustAnchors: [...anchors.values()],
  }
  if (agreementKey !== undefined) bundle.agreementKey = agreementKey
  if (typeof gateway === 'string') bundle.gateway = gateway
  if (!('error' in parsed)) bundle.network = parsed.network
  return bundle
}
