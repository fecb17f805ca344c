import { base64urlEncode, utf8 } from '@marque/crypto'
import { type Clock, singleFlight } from '../cache.js'
import type { VerifiedCredential } from '../check-credential.js'
import { CredentialError, CredentialErrorCode } from '../errors.js'
import { jsonKey } from '../json-equality.js'
import { compileSchema, type SchemaCheck } from '../json-schema.js'
import { TRUST_POLICY_SCHEMA } from '../schemas/trust-policy.js'
import type { FetchStatusList } from '../status/fetch.js'

/**
 * A declarative trust policy: plain JSON, so it can live in a config file and be reviewed.
 * A credential is trusted when one of its types has a rule here and it meets every rule of
 * its types. Its JSON Schema is `TRUST_POLICY_SCHEMA` (docs/credentials.md).
 */
export interface TrustPolicy {
  /** Rules per credential type. A credential none of whose types is listed is refused. */
  credentialTypes: Record<string, CredentialTypeRule>
  /** Types a presentation must contain, each at least once. */
  requiredTypes?: string[]
  /** Trust lists signed by anchors; their issuers count as trusted for the types they list. */
  trustLists?: TrustListReference[]
}

/** What a credential of one type must meet. */
export interface CredentialTypeRule {
  /** Issuer DIDs trusted for this type (beside those the trust lists name for it). */
  issuers?: string[]
  /** Model names (UTF-8), matched against the EAT `hwmodel` claim (base64url of the name). */
  allowedModels?: string[]
  /** Firmware names, matched against `swname`. */
  allowedFirmwareNames?: string[]
  /** Firmware versions, matched against the version in `swversion` (`[version, scheme]`). */
  allowedFirmwareVersions?: string[]
  /**
   * Allowed values per claim, for any other claim; compared by JSON equality (JSON Schema
   * core §4.2.2): objects by their members in any order, arrays item by item in order.
   */
  claims?: Record<string, unknown[]>
  /** Oldest acceptable credential, in seconds since issuance. */
  maxAge?: number
  /** Refuse credentials without a `credentialStatus` (that the issuer could never revoke). */
  requireStatus?: boolean
}

/** A trust list given inline (`credential`, a compact JWS) or fetched from `url`. */
export interface TrustListReference {
  /** The DID that must have signed the list. */
  anchor: string
  /** The list itself, a compact JWS, verified as a fetched one is. Give this or `url`, not both. */
  credential?: string
  /**
   * Where to fetch the list (with the verifier's `fetchStatusList`); it is fetched again once it
   * expires or after `trustListTtl`. Give this or `credential`, not both.
   */
  url?: string
}

/** A trust list credential that verified, as the policy needs it. */
export interface VerifiedTrustList {
  issuer: string
  validUntil: number | undefined
  entries: readonly { id: string; credentialTypes: readonly string[] }[]
}

export interface CompilePolicyParameters {
  policy: TrustPolicy
  /** Verifies a trust list credential (signature, key, validity, schema). */
  verifyTrustList: (jwt: string) => Promise<VerifiedTrustList>
  fetch: FetchStatusList
  clock: Clock
  /** Longest time a verified trust list is used before it is fetched and verified again, in ms. */
  trustListTtl: number
}

/** A policy ready to evaluate credentials. */
export interface CompiledPolicy {
  /**
   * Refuses, before any DID resolution, an issuer that the policy does not trust for any
   * type, so that an unknown token cannot make the verifier resolve arbitrary DIDs.
   */
  precheckIssuer(issuer: string): Promise<void>
  /**
   * The last step of the checklist for one credential.
   * @throws CredentialError `CREDENTIAL_UNTRUSTED_ISSUER`, `CREDENTIAL_POLICY_VIOLATION`,
   *   `TRUST_LIST_INVALID`.
   */
  evaluate(credential: VerifiedCredential): Promise<void>
  /**
   * Checks that the credentials of a presentation cover `requiredTypes`.
   * @throws CredentialError `CREDENTIAL_POLICY_VIOLATION`.
   */
  checkRequiredTypes(credentials: readonly VerifiedCredential[]): void
}

interface Rule {
  issuers: Set<string>
  models: Set<string> | undefined
  firmwareNames: Set<string> | undefined
  firmwareVersions: Set<string> | undefined
  claims: [string, Set<string>][]
  maxAge: number | undefined
  requireStatus: boolean
}

interface Loaded {
  /** Trusted issuers per type from the trust lists. */
  byType: Map<string, Set<string>>
  all: Set<string>
  expires: number
}

function violation(message: string, details?: string): CredentialError {
  return new CredentialError(
    CredentialErrorCode.PolicyViolation,
    message,
    details === undefined ? {} : { details },
  )
}

// Compiled on first use, not at import time.
let checkPolicyDocument: SchemaCheck | undefined

/**
 * Checks a policy document and prepares it for evaluation. Trust lists are fetched and
 * verified on first use, then again when they expire or after `trustListTtl`.
 * @throws CredentialError `TRUST_POLICY_INVALID` for a document that does not fit its schema.
 */
export function compilePolicy(parameters: CompilePolicyParameters): CompiledPolicy {
  const { policy, verifyTrustList, fetch, clock, trustListTtl } = parameters
  checkPolicyDocument ??= compileSchema(TRUST_POLICY_SCHEMA)
  const problem = checkPolicyDocument(policy)
  if (problem !== undefined) {
    throw new CredentialError(
      CredentialErrorCode.PolicyInvalid,
      `the trust policy is not valid: ${problem}`,
      {
        hint: 'see TRUST_POLICY_SCHEMA in docs/credentials.md',
      },
    )
  }
  const rules = new Map<string, Rule>()
  const direct = new Set<string>()
  for (const [type, rule] of Object.entries(policy.credentialTypes)) {
    for (const issuer of rule.issuers ?? []) direct.add(issuer)
    rules.set(type, {
      issuers: new Set(rule.issuers ?? []),
      // EAT hwmodel is bytes (RFC 9711 §4.2.4); a model name is carried as its UTF-8 bytes.
      models: rule.allowedModels && new Set(rule.allowedModels.map((m) => base64urlEncode(utf8(m)))),
      firmwareNames: rule.allowedFirmwareNames && new Set(rule.allowedFirmwareNames),
      firmwareVersions: rule.allowedFirmwareVersions && new Set(rule.allowedFirmwareVersions),
      // JSON equality, as JSON Schema's enum: object members in any order.
      claims: Object.entries(rule.claims ?? {}).map(([k, v]) => [k, new Set(v.map(jsonKey))]),
      maxAge: rule.maxAge,
      requireStatus: rule.requireStatus ?? false,
    })
  }
  const references = policy.trustLists ?? []
  let loaded: Loaded | undefined
  const flight = singleFlight<Loaded>()

  async function loadOne(reference: TrustListReference): Promise<VerifiedTrustList> {
    const where = reference.url ?? 'the inline trust list'
    let jwt = reference.credential
    if (jwt === undefined) {
      try {
        jwt = await fetch(reference.url as string)
      } catch (cause) {
        throw new CredentialError(CredentialErrorCode.TrustListInvalid, 'a trust list could not be fetched', {
          details: where,
          cause,
        })
      }
    }
    let list: VerifiedTrustList
    try {
      list = await verifyTrustList(jwt)
    } catch (cause) {
      throw new CredentialError(CredentialErrorCode.TrustListInvalid, 'a trust list does not verify', {
        details: where,
        hint: 'until it verifies, no issuer it lists is trusted',
        cause,
      })
    }
    if (list.issuer !== reference.anchor) {
      throw new CredentialError(
        CredentialErrorCode.TrustListInvalid,
        'a trust list is not signed by its anchor',
        {
          details: `signed by ${list.issuer}, anchor ${reference.anchor}`,
        },
      )
    }
    return list
  }

  async function trustLists(): Promise<Loaded | undefined> {
    if (references.length === 0) return undefined
    if (loaded !== undefined && clock() < loaded.expires) return loaded
    loaded = await flight('lists', async () => {
      const byType = new Map<string, Set<string>>()
      const all = new Set<string>()
      let expires = clock() + trustListTtl
      for (const list of await Promise.all(references.map(loadOne))) {
        if (list.validUntil !== undefined) expires = Math.min(expires, list.validUntil * 1000)
        for (const entry of list.entries) {
          all.add(entry.id)
          for (const type of entry.credentialTypes) {
            const set = byType.get(type) ?? new Set<string>()
            set.add(entry.id)
            byType.set(type, set)
          }
        }
      }
      return { byType, all, expires }
    })
    return loaded
  }

  return {
    async precheckIssuer(issuer) {
      if (direct.has(issuer)) return
      const lists = await trustLists()
      if (lists?.all.has(issuer)) return
      throw new CredentialError(
        CredentialErrorCode.UntrustedIssuer,
        'the trust policy does not trust this issuer',
        {
          details: issuer,
        },
      )
    },
    async evaluate(credential) {
      const specific = credential.types.filter((t) => t !== 'VerifiableCredential')
      const applicable = specific.filter((t) => rules.has(t))
      if (applicable.length === 0) {
        throw violation('the trust policy accepts no credential of this type', specific.join(', '))
      }
      const lists = await trustLists()
      const now = Math.floor(clock() / 1000)
      for (const type of applicable) {
        const rule = rules.get(type) as Rule
        if (!rule.issuers.has(credential.issuer) && !lists?.byType.get(type)?.has(credential.issuer)) {
          throw new CredentialError(
            CredentialErrorCode.UntrustedIssuer,
            `the trust policy does not trust this issuer for ${type}`,
            { details: credential.issuer },
          )
        }
        checkRule(type, rule, credential, now)
      }
    },
    checkRequiredTypes(credentials) {
      for (const type of policy.requiredTypes ?? []) {
        if (!credentials.some((c) => c.types.includes(type))) {
          throw violation(`the presentation lacks a required ${type}`)
        }
      }
    },
  }
}

function checkRule(type: string, rule: Rule, credential: VerifiedCredential, now: number): void {
  const claims = credential.claims
  if (rule.models !== undefined && !rule.models.has(claims.hwmodel as string)) {
    throw violation(`the trust policy does not allow this device model for ${type}`, String(claims.hwmodel))
  }
  if (rule.firmwareNames !== undefined && !rule.firmwareNames.has(claims.swname as string)) {
    throw violation(`the trust policy does not allow this firmware for ${type}`, String(claims.swname))
  }
  if (rule.firmwareVersions !== undefined) {
    const version = Array.isArray(claims.swversion) ? claims.swversion[0] : undefined
    if (!rule.firmwareVersions.has(version as string)) {
      throw violation(`the trust policy does not allow this firmware version for ${type}`, String(version))
    }
  }
  for (const [claim, allowed] of rule.claims) {
    if (!allowed.has(jsonKey(claims[claim]))) {
      throw violation(`the trust policy does not allow this value of "${claim}" for ${type}`)
    }
  }
  if (
    rule.maxAge !== undefined &&
    (credential.issuedAt === undefined || now - credential.issuedAt > rule.maxAge)
  ) {
    throw violation(
      `the credential is older than the trust policy allows for ${type}`,
      `at most ${rule.maxAge} s`,
    )
  }
  if (rule.requireStatus && credential.status.length === 0) {
    throw violation(`the trust policy requires a revocable ${type} (with credentialStatus)`)
  }
}
