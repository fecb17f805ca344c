import { nativeBackend } from '#native'
import { nobleBackend } from './backends/noble.js'
import type { BackendName, CryptoBackend } from './backends/types.js'
import { createWebCryptoBackend } from './backends/webcrypto.js'
import { describe } from './bytes.js'
import { CryptoError, CryptoErrorCode } from './errors.js'

export type { BackendName, CryptoBackend } from './backends/types.js'

/*
 * Selection (docs/crypto.md, "Backends and selection"). Automatic by default: under
 * Node.js the native backend (node:crypto) serves at once; elsewhere the first asynchronous
 * operation probes WebCrypto once and uses it when it has Ed25519 and X25519, else the
 * portable backend. `useBackend` forces a choice; `selectBackend` runs the choice now.
 * Synchronous operations (hashing, HKDF, AEAD, random) are the same code in the WebCrypto
 * and portable backends, so they never wait for the probe.
 */

/** The backend in force, or undefined while the automatic choice is not made yet. */
let current: CryptoBackend | undefined
/** The automatic choice in progress, shared by every operation that waits for it. */
let pending: Promise<CryptoBackend> | undefined
/** Bumped by every explicit choice, so a probe that ends later does not override it. */
let generation = 0
/** The WebCrypto backend of this platform, once probed (undefined: absent or not probed). */
let webcrypto: CryptoBackend | undefined
let webcryptoProbe: Promise<CryptoBackend | undefined> | undefined

const NAMES: readonly BackendName[] = ['node', 'webcrypto', 'noble']
const METHODS = [
  'ed25519PublicKey',
  'ed25519Signer',
  'ed25519Verify',
  'x25519PublicKey',
  'x25519',
  'sha256',
  'hmacSha256',
  'hkdfSha256',
  'chacha20poly1305Seal',
  'chacha20poly1305Open',
  'randomBytes',
] as const

/**
 * The backend in use now. Under Node.js, the native one unless another was forced; in a
 * browser, the portable one until the automatic choice (or {@link selectBackend}) has
 * picked WebCrypto.
 */
export function getBackend(): CryptoBackend {
  return current ?? nativeBackend ?? nobleBackend
}

/**
 * The backend for the next asynchronous operation: the one in force, or the automatic
 * choice (made once, on first use). Internal: the public functions call it.
 */
export function activeBackend(): CryptoBackend | Promise<CryptoBackend> {
  if (current !== undefined) return current
  if (nativeBackend !== undefined) {
    current = nativeBackend
    return current
  }
  pending ??= selectBackend()
  return pending
}

function platformWebCrypto(): Promise<CryptoBackend | undefined> {
  webcryptoProbe ??= createWebCryptoBackend().then(
    (backend) => {
      webcrypto = backend
      return backend
    },
    () => undefined,
  )
  return webcryptoProbe
}

/** The parameters of {@link selectBackend}. */
export interface SelectBackendParameters {
  /**
   * The backends to try, in order; the first that works here is used. Default
   * `['node', 'webcrypto', 'noble']`: native code first, the portable backend last.
   */
  prefer?: readonly BackendName[]
  /** The WebCrypto implementation to probe instead of `globalThis.crypto` (for tests). */
  crypto?: Crypto
}

/**
 * Chooses a backend now and puts it in force: the first of `prefer` that works on this
 * platform (WebCrypto is probed with known-answer tests). Call it once at start-up in a
 * browser to pay the probe up front; without it the first signature or agreement does.
 * @throws CryptoError `CRYPTO_INVALID_TYPE` for a `prefer` that is not a non-empty list of
 *   backend names; `CRYPTO_BACKEND_UNAVAILABLE` when none of them works here.
 */
export async function selectBackend(parameters: SelectBackendParameters = {}): Promise<CryptoBackend> {
  const order = parameters.prefer ?? NAMES
  if (!Array.isArray(order) || order.length === 0 || !order.every((n) => NAMES.includes(n))) {
    throw new CryptoError(CryptoErrorCode.InvalidType, 'prefer must be a non-empty list of backend names', {
      details: `the names are ${NAMES.join(', ')}`,
    })
  }
  const started = ++generation
  let chosen: CryptoBackend | undefined
  for (const name of order) {
    if (name === 'node') chosen = nativeBackend
    else if (name === 'noble') chosen = nobleBackend
    else if (parameters.crypto === undefined) chosen = await platformWebCrypto()
    else chosen = await createWebCryptoBackend({ crypto: parameters.crypto }).catch(() => undefined)
    if (chosen !== undefined) break
  }
  if (started === generation) pending = undefined
  if (chosen === undefined) {
    throw new CryptoError(
      CryptoErrorCode.BackendUnavailable,
      `none of ${order.join(', ')} is available here`,
      {
        hint: "include 'noble', the portable backend, which runs everywhere",
      },
    )
  }
  if (started === generation) current = chosen
  return chosen
}

/**
 * Forces a backend for the whole process and returns it: a name from
 * {@link availableBackends}, a backend object (for example from
 * `createWebCryptoBackend()`), or `'auto'` to return to the automatic choice.
 * @throws CryptoError `CRYPTO_BACKEND_UNAVAILABLE` when the named backend is not present on
 *   this platform (for example `'node'` in a browser, or `'webcrypto'` before it was
 *   created); `CRYPTO_INVALID_TYPE` for an unknown name or an object that is not a backend.
 */
export function useBackend(backend: BackendName | 'auto' | CryptoBackend): CryptoBackend {
  if (typeof backend === 'object' && backend !== null) {
    const missing = METHODS.filter(
      (m) => typeof (backend as unknown as Record<string, unknown>)[m] !== 'function',
    )
    if (!NAMES.includes(backend.name) || missing.length > 0) {
      throw new CryptoError(CryptoErrorCode.InvalidType, 'the object is not a crypto backend', {
        details:
          missing.length > 0 ? `missing ${missing.join(', ')}` : `unknown name ${String(backend.name)}`,
      })
    }
    if (backend.name === 'webcrypto') webcrypto = backend
    return force(backend)
  }
  if (backend === 'auto') {
    generation++
    current = undefined
    pending = undefined
    return getBackend()
  }
  if (typeof backend !== 'string' || !NAMES.includes(backend)) {
    throw new CryptoError(
      CryptoErrorCode.InvalidType,
      "backend must be 'auto', a backend name or a backend",
      {
        details:
          typeof backend === 'string'
            ? `unknown name ${JSON.stringify(backend)}`
            : `got ${describe(backend)}`,
      },
    )
  }
  const found = availableBackends().get(backend)
  if (found === undefined) {
    throw new CryptoError(
      CryptoErrorCode.BackendUnavailable,
      `the ${backend} crypto backend is not available here`,
      {
        hint:
          backend === 'webcrypto'
            ? 'call useBackend(await createWebCryptoBackend()), or await selectBackend()'
            : "use 'auto' or 'noble'",
      },
    )
  }
  return force(found)
}

function force(backend: CryptoBackend): CryptoBackend {
  generation++
  pending = undefined
  current = backend
  return backend
}

/**
 * The backends that can be used on this platform now, by name: the native one where there
 * is one, the WebCrypto one once created or probed, and the portable one always.
 */
export function availableBackends(): Map<BackendName, CryptoBackend> {
  const map = new Map<BackendName, CryptoBackend>()
  if (nativeBackend !== undefined) map.set(nativeBackend.name, nativeBackend)
  if (webcrypto !== undefined) map.set('webcrypto', webcrypto)
  map.set('noble', nobleBackend)
  return map
}
