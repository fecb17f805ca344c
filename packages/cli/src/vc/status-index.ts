import { CredentialError, createVerifier } from '@marque/credentials'
import type { Resolvable } from 'did-resolver'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { signatureChecked, withStep } from './checklist.js'
import type { OpenRegistry } from './registry.js'
import { credentialArgument, readToken } from './token.js'

/**
 * The status index that `vc revoke`, `vc suspend` and `vc reinstate` act on: a number
 * given as is, or the index a credential of this issuer carries in this registry. A
 * credential is first verified, against the registry's current lists signed in memory, so
 * that a forged one cannot make the issuer revoke somebody else's index; a credential
 * already revoked, suspended, expired or not yet valid has passed its signature check and
 * is accepted.
 * @throws CredentialError the verifier's code when the signature does not check out;
 *   CliError `CLI_BAD_INPUT` for a credential of another issuer or without a status entry
 *   in this registry.
 */
export async function statusIndexOf(
  ctx: Context,
  resolver: Resolvable,
  open: OpenRegistry,
  argument: string,
): Promise<number> {
  if (/^\d{1,10}$/.test(argument)) return Number(argument)
  const jwt = credentialArgument(ctx, argument)
  const lists = await open.registry.publish()
  const served = new Map(
    [lists.revocation, ...(lists.suspension ? [lists.suspension] : [])].map((l) => [l.url, l.credential]),
  )
  const verifier = createVerifier({
    resolver,
    fetchStatusList: async (url) =>
      served.get(url) ?? Promise.reject(new Error(`${url} is not a list of this registry`)),
  })
  try {
    await verifier.verifyCredential(jwt)
  } catch (error) {
    if (!(error instanceof CredentialError)) throw error
    if (!signatureChecked(error.code)) throw withStep(error)
  }
  // The signature is checked: what the payload says is the issuer's.
  const token = readToken(jwt)
  if (token.issuer !== open.issuer) {
    throw new CliError(
      CliErrorCode.BadInput,
      `the credential was issued by ${String(token.issuer)}, not ${open.issuer}`,
      {
        hint: "pass the issuer's own registry (--registry) and key (--issuer, --key)",
      },
    )
  }
  const urls = new Set(served.keys())
  const indexes = new Set<number>()
  for (const entry of token.status) {
    const { statusListCredential: url, statusListIndex: index } = (entry ?? {}) as Record<string, unknown>
    if (typeof url === 'string' && urls.has(url) && typeof index === 'string' && /^\d{1,10}$/.test(index)) {
      indexes.add(Number(index))
    }
  }
  const [index, ...others] = indexes
  if (index === undefined || others.length > 0) {
    throw new CliError(
      CliErrorCode.BadInput,
      index === undefined
        ? `the credential has no status entry in the registry ${open.path}`
        : 'the credential names two indexes in this registry',
      { hint: 'a credential issued without --status cannot be revoked; refuse it by policy instead' },
    )
  }
  return index
}
