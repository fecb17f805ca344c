import type { JsonSchema } from '../json-schema.js'
import { DID_SCHEMA } from './common.js'

const STRINGS: JsonSchema = { type: 'array', items: { type: 'string', minLength: 1 } }

/** JSON Schema of a trust policy document (docs/credentials.md, "Trust policy"). */
export const TRUST_POLICY_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'TrustPolicy',
  description:
    'Which issuers a verifier trusts for which credential types, and what those credentials may say.',
  type: 'object',
  required: ['credentialTypes'],
  additionalProperties: false,
  properties: {
    credentialTypes: {
      type: 'object',
      minProperties: 1,
      additionalProperties: { $ref: '#/$defs/rule' },
    },
    requiredTypes: STRINGS,
    trustLists: {
      type: 'array',
      items: {
        type: 'object',
        required: ['anchor'],
        additionalProperties: false,
        properties: {
          anchor: { $ref: '#/$defs/did' },
          credential: { type: 'string', minLength: 1 },
          url: { type: 'string', minLength: 1 },
        },
        oneOf: [{ required: ['credential'] }, { required: ['url'] }],
      },
    },
  },
  $defs: {
    did: DID_SCHEMA,
    rule: {
      type: 'object',
      additionalProperties: false,
      properties: {
        issuers: { type: 'array', items: { $ref: '#/$defs/did' } },
        allowedModels: STRINGS,
        allowedFirmwareNames: STRINGS,
        allowedFirmwareVersions: STRINGS,
        claims: { type: 'object', additionalProperties: { type: 'array', minItems: 1 } },
        maxAge: { type: 'integer', minimum: 0 },
        requireStatus: { type: 'boolean' },
      },
    },
  },
}
