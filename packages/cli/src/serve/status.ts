import type { DIDResolutionResult } from 'did-resolver'

/**
 * The HTTP status for a resolution result, as the DID Resolution HTTP(S) binding defines:
 * 400 invalid DID, 404 not found, 406 representation not supported, 410 deactivated,
 * 501 method not supported, 500 anything else that failed.
 */
export function statusOf(result: DIDResolutionResult): number {
  const error = result.didResolutionMetadata?.error
  switch (error) {
    case undefined:
      return result.didDocumentMetadata?.deactivated === true ? 410 : 200
    case 'invalidDid':
    case 'invalidDidUrl':
    case 'invalidOptions':
      return 400
    case 'notFound':
      return 404
    case 'representationNotSupported':
      return 406
    case 'methodNotSupported':
    case 'unsupportedDidMethod':
      return 501
    default:
      return 500
  }
}
