import type { JsonSchema } from '../json-schema.js'
import { credentialSchema } from './common.js'

/**
 * The subject of a `BitstringStatusListCredential` (Bitstring Status List v1.0 §2.2):
 * `encodedList` is multibase base64url (`u`) of the GZIP-compressed bitstring; `ttl` is in
 * milliseconds. Marque supports the `revocation` and `suspension` purposes.
 */
export const STATUS_LIST_SUBJECT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['type', 'statusPurpose', 'encodedList'],
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { const: 'BitstringStatusList' },
    statusPurpose: { enum: ['revocation', 'suspension'] },
    encodedList: { type: 'string', pattern: '^u[A-Za-z0-9_-]+$' },
    ttl: { type: 'integer', minimum: 0 },
  },
}

/** JSON Schema of a `BitstringStatusListCredential` as Marque issues and accepts it. */
export const STATUS_LIST_CREDENTIAL_SCHEMA: JsonSchema = credentialSchema({
  title: 'BitstringStatusListCredential',
  description: 'The revocation or suspension bits of the credentials an issuer allocated in one list.',
  credentialType: 'BitstringStatusListCredential',
  subject: STATUS_LIST_SUBJECT_SCHEMA,
})
