import type { CryptoBackend } from './types.js'

/**
 * Outside Node.js there is no node:crypto. The WebCrypto backend is chosen at run time
 * (see `webcrypto.ts`); until it is, the portable backend serves.
 */
export const nativeBackend: CryptoBackend | undefined = undefined
