import type { JsonSchema } from '../json-schema.js'
import { base64urlBytes, credentialSchema } from './common.js'

/**
 * A version with its scheme, as EAT writes `hwversion` and `swversion` (RFC 9711 §4.2.5,
 * §4.2.7): `[version, scheme?]`, the scheme a CoSWID version-scheme (RFC 9393 §4.1: 1
 * multipartnumeric, 2 multipartnumeric+suffix, 3 alphanumeric, 4 decimal, 16384 semver).
 */
const VERSION: JsonSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 2,
  prefixItems: [
    { type: 'string', minLength: 1, maxLength: 128 },
    {
      anyOf: [
        { type: 'integer', minimum: 0 },
        { type: 'string', minLength: 1, maxLength: 64 },
      ],
    },
  ],
}

/**
 * A firmware image digest as a CoSWID hash-entry (RFC 9393 §2.9.1): `[alg, value]`, `alg`
 * from the IANA Named Information Hash Algorithm Registry (1 sha-256, 7 sha-384, 8 sha-512)
 * and `value` the digest in base64url.
 */
const DIGEST: JsonSchema = {
  type: 'array',
  minItems: 2,
  maxItems: 2,
  prefixItems: [{ type: 'integer', enum: [1, 7, 8] }, base64urlBytes(32, 64)],
}

/**
 * The claims of a `DeviceIdentityCredential`: a manufacturer vouches for a device. Claim
 * names follow the Entity Attestation Token (RFC 9711) so attestation tooling maps onto
 * them; `serialNumber`, `manufactureDate`, `manufacturer` and `swdigest` have no EAT claim.
 * Further claims (a profile's own) are allowed.
 */
export const DEVICE_IDENTITY_SUBJECT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'oemid', 'hwmodel', 'hwversion', 'serialNumber', 'manufactureDate', 'swname', 'swversion'],
  properties: {
    id: { $ref: '#/$defs/did' },
    manufacturer: { type: 'string', minLength: 1, maxLength: 256 },
    oemid: {
      description:
        'RFC 9711 §4.2.3: an IANA Private Enterprise Number, or an IEEE OUI (3 bytes) or random (16 bytes) id in base64url',
      anyOf: [{ type: 'integer', minimum: 0 }, base64urlBytes(3, 3), base64urlBytes(16, 16)],
    },
    hwmodel: { description: 'RFC 9711 §4.2.4: 1 to 32 bytes in base64url', ...base64urlBytes(1, 32) },
    hwversion: { $ref: '#/$defs/version' },
    serialNumber: { type: 'string', minLength: 1, maxLength: 128 },
    ueid: { description: 'RFC 9711 §4.2.1: 7 to 33 bytes in base64url', ...base64urlBytes(7, 33) },
    manufactureDate: { type: 'string', format: 'date' },
    swname: { type: 'string', minLength: 1, maxLength: 256 },
    swversion: { $ref: '#/$defs/version' },
    swdigest: { $ref: '#/$defs/digest' },
    eat_profile: { type: 'string', minLength: 1, maxLength: 2048 },
  },
}

/** JSON Schema of a `DeviceIdentityCredential` (docs/credentials.md). */
export const DEVICE_IDENTITY_CREDENTIAL_SCHEMA: JsonSchema = credentialSchema({
  title: 'DeviceIdentityCredential',
  description:
    'A manufacturer vouches for a device it made: model, hardware revision, serial number, firmware.',
  credentialType: 'DeviceIdentityCredential',
  subject: DEVICE_IDENTITY_SUBJECT_SCHEMA,
  defs: { version: VERSION, digest: DIGEST },
})
