import type { JsonSchema } from '../json-schema.js'

/** VC Data Model 2.0 §4.3: the base context, always first. */
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2'
/** VC Data Model 1.1 §4.1: the base context of VC-JWT 1.1 credentials. */
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1'

/** DID Core §3.1 syntax: `did:` method-name `:` method-specific-id. */
export const DID_SCHEMA: JsonSchema = {
  type: 'string',
  maxLength: 2048,
  pattern: '^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$',
}

/** Whole bytes as base64url without padding (RFC 4648 §5), `min` to `max` bytes long. */
export function base64urlBytes(min: number, max: number): JsonSchema {
  const minChars = Math.ceil((min * 4) / 3)
  const maxChars = Math.ceil((max * 4) / 3)
  return { type: 'string', pattern: `^[A-Za-z0-9_-]{${minChars},${maxChars}}$` }
}

/**
 * The `credentialStatus` member: one entry or a non-empty list. The status step of
 * verification checks each entry's fields; here only the shape.
 */
const STATUS_ENTRY: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { id: { type: 'string' }, type: { type: 'string' } },
}

export interface CredentialSchemaParameters {
  title: string
  description: string
  /** The credential type this schema is for, required in `type` beside `VerifiableCredential`. */
  credentialType: string
  /** The schema of `credentialSubject`, which must include `id`. */
  subject: JsonSchema
  defs?: Record<string, JsonSchema>
}

/**
 * The JSON Schema of a whole credential of one type as a VC Data Model 2.0 document (the
 * payload of a `vc+jwt`): the envelope members, the optional JWT claims, and the subject.
 * The subject schema is also `$defs.credentialSubject`, which VC-JWT 1.1 credentials use.
 */
export function credentialSchema(parameters: CredentialSchemaParameters): JsonSchema {
  const { title, description, credentialType, subject, defs } = parameters
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    description,
    type: 'object',
    required: ['@context', 'type', 'issuer', 'credentialSubject'],
    properties: {
      '@context': {
        type: 'array',
        minItems: 1,
        prefixItems: [{ const: VC_V2_CONTEXT }],
        items: { type: ['string', 'object'] },
      },
      id: { type: 'string', minLength: 1 },
      type: {
        type: 'array',
        allOf: [{ contains: { const: 'VerifiableCredential' } }, { contains: { const: credentialType } }],
        items: { type: 'string' },
        uniqueItems: true,
      },
      issuer: {
        anyOf: [
          { $ref: '#/$defs/did' },
          { type: 'object', required: ['id'], properties: { id: { $ref: '#/$defs/did' } } },
        ],
      },
      validFrom: { type: 'string', format: 'date-time' },
      validUntil: { type: 'string', format: 'date-time' },
      credentialStatus: {
        anyOf: [{ type: 'array', minItems: 1, items: STATUS_ENTRY }, STATUS_ENTRY],
      },
      credentialSubject: { $ref: '#/$defs/credentialSubject' },
      iss: { $ref: '#/$defs/did' },
      sub: { $ref: '#/$defs/did' },
      jti: { type: 'string' },
      iat: { type: 'integer', minimum: 0 },
      nbf: { type: 'integer', minimum: 0 },
      exp: { type: 'integer', minimum: 0 },
    },
    $defs: { did: DID_SCHEMA, credentialSubject: subject, ...defs },
  }
}
