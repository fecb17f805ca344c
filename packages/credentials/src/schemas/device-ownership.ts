import type { JsonSchema } from '../json-schema.js'
import { credentialSchema } from './common.js'

/**
 * The claims of a `DeviceOwnershipCredential`: the signed record of a sale. The issuer is
 * the previous owner (or the manufacturer at first sale), the subject the new owner, and
 * `device` the device's DID. `ledgerVersionId` names the version of the device's DID
 * document that the transfer of control created on the ledger, when there is one.
 */
export const DEVICE_OWNERSHIP_SUBJECT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'device', 'transferDate'],
  properties: {
    id: { $ref: '#/$defs/did' },
    device: { $ref: '#/$defs/did' },
    transferDate: { type: 'string', format: 'date-time' },
    ledgerVersionId: { type: 'string', minLength: 1, maxLength: 256 },
  },
}

/** JSON Schema of a `DeviceOwnershipCredential` (docs/credentials.md). */
export const DEVICE_OWNERSHIP_CREDENTIAL_SCHEMA: JsonSchema = credentialSchema({
  title: 'DeviceOwnershipCredential',
  description: 'The signed record of a sale: the previous owner states that the subject now owns the device.',
  credentialType: 'DeviceOwnershipCredential',
  subject: DEVICE_OWNERSHIP_SUBJECT_SCHEMA,
})
