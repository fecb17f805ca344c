import { CredentialError, CredentialErrorCode } from '../errors.js'
import { compileSchema, type JsonSchema, type SchemaCheck } from '../json-schema.js'
import { DEVICE_IDENTITY_CREDENTIAL_SCHEMA } from './device-identity.js'
import { DEVICE_OWNERSHIP_CREDENTIAL_SCHEMA } from './device-ownership.js'
import { STATUS_LIST_CREDENTIAL_SCHEMA } from './status-list.js'
import { TRUST_LIST_CREDENTIAL_SCHEMA } from './trust-list.js'

/** The JSON Schema of each credential type Marque defines, by type name. */
export const CREDENTIAL_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  DeviceIdentityCredential: DEVICE_IDENTITY_CREDENTIAL_SCHEMA,
  DeviceOwnershipCredential: DEVICE_OWNERSHIP_CREDENTIAL_SCHEMA,
  BitstringStatusListCredential: STATUS_LIST_CREDENTIAL_SCHEMA,
  TrustListCredential: TRUST_LIST_CREDENTIAL_SCHEMA,
}

/** The compiled checks of one credential type. */
export interface TypeChecks {
  /** The whole VC Data Model 2.0 credential (a `vc+jwt` payload). */
  credential: SchemaCheck
  /** `credentialSubject` alone, `id` included (VC-JWT 1.1 credentials). */
  subject: SchemaCheck
}

/**
 * Compiles the schemas of Marque's types and of any `extra` ones (which may not replace
 * Marque's own). Each extra schema must follow the shape of {@link CREDENTIAL_SCHEMAS}:
 * `$defs.credentialSubject` holds the subject's schema.
 * @throws CredentialError `CREDENTIAL_INVALID_ARGUMENT` for a schema outside the supported
 *   subset, without `$defs.credentialSubject`, or redefining a Marque type.
 */
export function compileTypeChecks(extra: Readonly<Record<string, JsonSchema>> = {}): Map<string, TypeChecks> {
  const out = new Map<string, TypeChecks>()
  for (const [type, schema] of Object.entries({ ...extra, ...CREDENTIAL_SCHEMAS })) {
    if (Object.hasOwn(extra, type) && Object.hasOwn(CREDENTIAL_SCHEMAS, type)) {
      throw new CredentialError(
        CredentialErrorCode.InvalidArgument,
        `the schema of ${type} cannot be replaced`,
      )
    }
    if (schema.$defs?.credentialSubject === undefined) {
      throw new CredentialError(
        CredentialErrorCode.InvalidArgument,
        `the schema of ${type} needs $defs.credentialSubject`,
      )
    }
    out.set(type, {
      credential: compileSchema(schema),
      subject: compileSchema({ $defs: schema.$defs, $ref: '#/$defs/credentialSubject' }),
    })
  }
  return out
}
