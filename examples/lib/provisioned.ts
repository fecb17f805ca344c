// What the factory writes (factory-provisioning.ts) and how a provisioned party, a device or
// the hub that runs the gateway, turns its bundle into a handshake identity.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeBundle, type ProvisioningBundle } from '@marque/cli'
import { createSigner, encodeMultikey, withKeyId } from '@marque/crypto'
import type { HandshakeIdentity } from '@marque/handshake'
import { ExampleFailure } from './run.js'

/** The files of a factory run's output directory. */
export function factoryLayout(dir: string) {
  return {
    /** The embedded SQLite ledger the DIDs are anchored on. */
    ledger: join(dir, 'ledger.db'),
    /** The hub's bundle: the gateway runs as the hub. */
    gatewayBundle: join(dir, 'gateway.bundle'),
    /** One bundle per device, named by serial number. */
    deviceBundle: (serial: string) => join(dir, 'devices', `${serial}.bundle`),
    devices: join(dir, 'devices'),
    /** The manufacturer's signed revocation list, published as a file. */
    revocationList: join(dir, 'status', 'revocation.jwt'),
    /** The status registry's state: which slots are taken, revoked, suspended. */
    statusRegistry: join(dir, 'status', 'registry.json'),
  }
}

/** A party's bundle and the identity it proves in a handshake. */
export interface Provisioned {
  bundle: ProvisioningBundle
  identity: HandshakeIdentity
}

/**
 * Reads a bundle as firmware does at first boot: `decodeBundle` checks its size, layout,
 * version and digest before any field is used.
 * @throws BundleError from `decodeBundle`; ExampleFailure for a bundle whose key is held by
 *   a secure element (this example has none: it would wrap it with `defineSigner`).
 */
export async function readProvisioned(path: string): Promise<Provisioned> {
  const bundle = decodeBundle(new Uint8Array(await readFile(path)))
  if (!('secretKey' in bundle.signingKey)) {
    throw new ExampleFailure(`${path} refers to a key in a secure element; this example holds keys in memory`)
  }
  const key = await createSigner({ secretKey: bundle.signingKey.secretKey })
  // A did:marque document names each Ed25519 key by its multikey (docs/did-method.md), so
  // the key's DID URL follows from the DID and the key alone.
  const signer = withKeyId(key, `${bundle.did}#${encodeMultikey(key.publicKey, 'Ed25519')}`)
  return { bundle, identity: { did: bundle.did, signer, credentials: bundle.credentials } }
}
