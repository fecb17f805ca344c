import type { Resolvable } from 'did-resolver'
import { CredentialError, CredentialErrorCode } from '../errors.js'
import { dereferenceService } from './fetch.js'

/** Parameters of {@link publishStatusList}. */
export interface PublishStatusListParameters {
  /** The list's URL (`https:`/`http:`, or a DID service URL resolved to its endpoint). */
  url: string
  /** The signed status list credential. */
  credential: string
  /** Resolves the issuer's DID for a DID service URL. */
  resolver?: Resolvable
  /** Extra request headers (for example the publishing endpoint's authorization). */
  headers?: Record<string, string>
  /** The fetch function. Default: the platform's `fetch`. */
  fetch?: typeof globalThis.fetch
}

/**
 * Publishes a signed status list with HTTP `PUT` (`content-type: application/vc+jwt`) at
 * its URL, or at the endpoint of the DID service it names. For `file:` URLs use
 * `publishStatusListFile` from `@marque/credentials/node`.
 * @throws CredentialError `STATUS_PUBLISH_FAILED` when the endpoint cannot be reached or
 *   dereferenced, or does not answer 2xx.
 */
export async function publishStatusList(parameters: PublishStatusListParameters): Promise<void> {
  const { url, credential, resolver, headers = {} } = parameters
  const doFetch = parameters.fetch ?? globalThis.fetch
  const failed = (details: string, cause?: unknown) =>
    new CredentialError(CredentialErrorCode.StatusPublishFailed, 'the status list could not be published', {
      details,
      hint: 'verifiers keep using the previous list until it expires; publish again',
      ...(cause === undefined ? {} : { cause }),
    })
  let target = url
  try {
    if (url.startsWith('did:')) {
      if (resolver === undefined) throw failed('publishing to a DID service URL needs a resolver')
      target = await dereferenceService(url, resolver)
    }
  } catch (cause) {
    throw cause instanceof CredentialError ? cause : failed(`${url} could not be dereferenced`, cause)
  }
  if (!/^https?:\/\//.test(target)) throw failed(`${target.slice(0, 16)}… is not an http(s) URL`)
  let response: Response
  try {
    response = await doFetch(target, {
      method: 'PUT',
      headers: { 'content-type': 'application/vc+jwt', ...headers },
      body: credential,
      redirect: 'error',
    })
  } catch (cause) {
    throw failed(`${target} could not be reached`, cause)
  }
  await response.body?.cancel()
  if (response.status < 200 || response.status > 299)
    throw failed(`${target} answered HTTP ${response.status}`)
}
