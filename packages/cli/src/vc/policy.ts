import type { TrustPolicy } from '@marque/credentials'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { readTextFile } from '../files.js'

export interface PolicyOptions {
  /** A JSON trust policy file (docs/credentials.md, "Trust policy"). */
  trustPolicy?: string
  /** Issuers trusted for `type`, beside those of the file. */
  trustedIssuer: string[]
  /** The credential type `trustedIssuer` applies to. */
  type: string
}

/**
 * The trust policy of `vc verify`: the file's, with each `--trusted-issuer` added to the
 * rule of the expected type (made when missing). Undefined when neither is given: then any
 * issuer whose signature verifies is reported, and the caller decides.
 * @throws CliError `CLI_BAD_INPUT` when the file is not JSON (its schema is checked by the
 *   verifier: `TRUST_POLICY_INVALID`), and the errors of {@link readTextFile}.
 */
export function loadPolicy(ctx: Context, options: PolicyOptions): TrustPolicy | undefined {
  if (options.trustPolicy === undefined && options.trustedIssuer.length === 0) return undefined
  let policy: TrustPolicy = { credentialTypes: {} }
  if (options.trustPolicy !== undefined) {
    const path = ctx.path(options.trustPolicy)
    try {
      policy = JSON.parse(readTextFile(path)) as TrustPolicy
    } catch (cause) {
      if (cause instanceof CliError) throw cause
      throw new CliError(CliErrorCode.BadInput, `the trust policy ${path} is not JSON`, { cause })
    }
  }
  if (options.trustedIssuer.length > 0) {
    const types =
      typeof policy?.credentialTypes === 'object' && policy.credentialTypes !== null
        ? policy.credentialTypes
        : {}
    const rule = types[options.type] ?? {}
    types[options.type] = { ...rule, issuers: [...(rule.issuers ?? []), ...options.trustedIssuer] }
    policy = { ...policy, credentialTypes: types }
  }
  return policy
}
