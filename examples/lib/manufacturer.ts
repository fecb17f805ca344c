import { generateSigner, type Signer, withKeyId } from '@marque/crypto'
import type { DidClient } from '@marque/did'

/** A manufacturer's DID and keys, as the examples use them. */
export interface Manufacturer {
  did: string
  /** Its device key under its DID URL: signs credentials and status lists (`assertionMethod`). */
  issuer: Signer
  /** Signs updates of the DIDs it controls (a real line keeps it in an HSM, behind `defineSigner`). */
  update: Signer
  /** Signs transfers and deactivations; only its SHA-256 is on the ledger until it is used. */
  recovery: Signer
}

/**
 * Registers a manufacturer's own DID. Its update and recovery keys also control every
 * device DID it registers, until the device is sold.
 */
export async function registerManufacturer(dids: DidClient): Promise<Manufacturer> {
  const key = await generateSigner()
  const update = await generateSigner()
  const recovery = await generateSigner()
  const made = await dids.create({ deviceKey: key, updateKey: update, recoveryKey: recovery })
  return {
    did: made.did,
    issuer: withKeyId(key, made.verificationMethodIds.assertionMethod[0]!),
    update,
    recovery,
  }
}
