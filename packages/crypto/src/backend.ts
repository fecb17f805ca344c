import { nativeBackend } from '#native'
import { nobleBackend } from './backends/noble.js'
import type { BackendName, CryptoBackend } from './backends/types.js'
import { CryptoError, CryptoErrorCode } from './errors.js'

export type { BackendName, CryptoBackend } from './backends/types.js'

let current: CryptoBackend | undefined
const registered = new Map<BackendName, CryptoBackend>()

/**
 * The backend in use. Chosen automatically on first use: the native one where the platform
 * has it (node:crypto under Node.js), the portable @noble one everywhere else.
 */
export function getBackend(): CryptoBackend {
  if (current === undefined) current = nativeBackend ?? nobleBackend
  return current
}

/**
 * Forces a backend for the whole process (`'auto'` returns to automatic choice), and
 * returns it. A backend object may be passed to register and use it.
 * @throws CryptoError `CRYPTO_BACKEND_UNAVAILABLE` when the named backend is not present on
 *   this platform (for example `'node'` in a browser).
 */
export function useBackend(backend: BackendName | 'auto' | CryptoBackend): CryptoBackend {
  if (typeof backend === 'object') {
    registered.set(backend.name, backend)
    current = backend
    return backend
  }
  if (backend === 'auto') {
    current = undefined
    return getBackend()
  }
  const found = availableBackends().get(backend)
  if (found === undefined) {
    throw new CryptoError(
      CryptoErrorCode.BackendUnavailable,
      `the ${backend} crypto backend is not available here`,
      {
        hint:
          backend === 'webcrypto'
            ? 'call useBackend(await createWebCryptoBackend()) where WebCrypto has Ed25519 and X25519'
            : "use 'auto' or 'noble'",
      },
    )
  }
  current = found
  return found
}

/** The backends that can be used on this platform, by name. */
export function availableBackends(): Map<BackendName, CryptoBackend> {
  const map = new Map<BackendName, CryptoBackend>()
  if (nativeBackend !== undefined) map.set(nativeBackend.name, nativeBackend)
  map.set('noble', nobleBackend)
  for (const [name, b] of registered) map.set(name, b)
  return map
}
