import { type Signer, withKeyId } from '@marque/crypto'
import type { Resolvable } from 'did-resolver'
import type { Context } from '../context.js'
import { CliError, CliErrorCode } from '../errors.js'
import { loadSigner } from '../keys.js'
import { methodsHolding } from './methods.js'

/** The issuer options every `vc` command takes; the configuration fills what is not given. */
export interface IssuerOptions {
  issuer?: string
  key?: string
  kid?: string
}

export interface Issuer {
  did: string
  /** Signs for the issuer; its `keyId` is the DID URL of the assertion method it holds. */
  signer: Signer
}

const absolute = (id: string, did: string): string => (id.startsWith('#') ? `${did}${id}` : id)

/**
 * The issuer of a `vc` command: its DID (`--issuer`, else the configuration's `issuer`) and
 * a signer over its key file (`--key`, else `issuerKey`) whose key id is the assertion
 * method of the resolved DID document that holds this key (or `--kid`, when it does).
 * Resolving first means a key that was rotated out, or a DID that was deactivated, is
 * refused here, before anything is signed with it.
 * @throws CliError `CLI_USAGE` (no issuer or key), `CLI_NOT_FOUND` (the DID does not
 *   resolve), `CLI_BAD_INPUT` (deactivated, or the key is not an assertion method), and the
 *   errors of {@link loadSigner}.
 */
export async function loadIssuer(
  ctx: Context,
  resolver: Resolvable,
  options: IssuerOptions,
): Promise<Issuer> {
  const did = options.issuer ?? ctx.config.issuer
  const keyFile = options.key ?? ctx.config.issuerKey
  if (did === undefined || keyFile === undefined) {
    throw new CliError(CliErrorCode.Usage, 'this command needs the issuer DID and its key file', {
      hint: 'pass --issuer <did> --key <file>, or set issuer and issuerKey in marque.config.json (MARQUE_ISSUER, MARQUE_ISSUER_KEY)',
    })
  }
  const signer = await loadSigner(ctx.path(keyFile))
  const result = await resolver.resolve(did)
  const error = result.didResolutionMetadata.error
  if (error !== undefined || result.didDocument === null) {
    const message = result.didResolutionMetadata.message
    throw new CliError(
      CliErrorCode.NotFound,
      `the issuer ${did} does not resolve: ${error ?? 'no document'}`,
      {
        ...(typeof message === 'string' ? { details: message } : {}),
        hint: 'check the DID and, for did:marque, the configured ledger (MARQUE_LEDGER, MARQUE_NETWORK)',
      },
    )
  }
  if (result.didDocumentMetadata.deactivated === true) {
    throw new CliError(CliErrorCode.BadInput, `the issuer ${did} is deactivated`, {
      hint: 'a deactivated DID can no longer issue credentials',
    })
  }
  const ids = methodsHolding(result.didDocument, 'assertionMethod', signer.publicKey, 'Ed25519')
  const kid = options.kid === undefined ? ids[0] : absolute(options.kid, did)
  if (kid === undefined || !ids.includes(kid)) {
    throw new CliError(
      CliErrorCode.BadInput,
      options.kid === undefined
        ? `the key in ${keyFile} is not an assertion method of ${did}`
        : `${kid} is not an assertion method of ${did} holding the key in ${keyFile}`,
      {
        hint: 'use the key file the DID was created or last rotated with (`marque did resolve` lists its keys)',
      },
    )
  }
  return { did, signer: withKeyId(signer, kid) }
}
