import type { JsonSchema } from '../json-schema.js'
import { credentialSchema } from './common.js'

/**
 * The subject of a `TrustListCredential`: a trust anchor lists the issuers it trusts, and
 * for which credential types.
 */
export const TRUST_LIST_SUBJECT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'type', 'issuers'],
  properties: {
    id: { type: 'string', minLength: 1 },
    type: { const: 'TrustList' },
    issuers: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        required: ['id', 'credentialTypes'],
        additionalProperties: false,
        properties: {
          id: { $ref: '#/$defs/did' },
          name: { type: 'string', maxLength: 256 },
          credentialTypes: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', minLength: 1, maxLength: 256 },
          },
        },
      },
    },
  },
}

/** JSON Schema of a `TrustListCredential` (docs/credentials.md, "Trust lists"). */
export const TRUST_LIST_CREDENTIAL_SCHEMA: JsonSchema = credentialSchema({
  title: 'TrustListCredential',
  description: 'A trust anchor lists the issuers it trusts for each credential type.',
  credentialType: 'TrustListCredential',
  subject: TRUST_LIST_SUBJECT_SCHEMA,
})
