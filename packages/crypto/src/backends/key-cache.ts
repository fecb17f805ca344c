/**
 * Remembers the platform key object made from a secret-key array, so the same array passed
 * again (a static X25519 key, an ephemeral key used for two agreements, a seed signed with
 * repeatedly) is not imported again: importing costs as much as the operation itself.
 *
 * Keyed by the array object in a WeakMap, never by its content: nothing secret becomes a
 * map key, and an entry goes when the caller drops the array. A copy of the content is kept
 * beside the key object and compared on each hit, so an array changed in place is imported
 * afresh rather than served a stale key.
 */
export interface KeyCache<K> {
  get(curve: string, raw: Uint8Array, make: () => K): K
}

export function createKeyCache<K>(): KeyCache<K> {
  const entries = new WeakMap<Uint8Array, { curve: string; copy: Uint8Array; key: K }>()
  return {
    get(curve, raw, make) {
      const hit = entries.get(raw)
      if (hit !== undefined && hit.curve === curve && sameBytes(hit.copy, raw)) return hit.key
      const key = make()
      entries.set(raw, { curve, copy: raw.slice(), key })
      return key
    },
  }
}

/** Equality of two 32-byte strings in time independent of where they differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
