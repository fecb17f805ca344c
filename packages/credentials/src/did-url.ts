import { parse } from 'did-resolver'

/**
 * True when `value` is a plain DID (DID Core §3.1): no path, query, parameters or fragment.
 */
export function isDid(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const parsed = parse(value)
  return parsed !== null && parsed.did === value
}

/** A `kid` split against the DID it should belong to. */
export type KidParts =
  | { ok: true; did: string; id: string }
  | { ok: false; problem: 'malformed' | 'other-did'; did?: string }

/**
 * Makes a `kid` absolute: `#key-1` is relative to `did`; `did:…#key-1` must name `did`
 * itself. A `kid` with a path or a query, or without a fragment, does not name a
 * verification method and is refused.
 */
export function resolveKid(kid: string, did: string): KidParts {
  // The usual case, `did#fragment`, needs no DID URL parsing.
  if (kid.length > did.length + 1 && kid.startsWith(did) && kid.charCodeAt(did.length) === 35 /* # */) {
    const fragment = kid.slice(did.length + 1)
    if (!/[?/#]/.test(fragment)) return { ok: true, did, id: kid }
  }
  if (kid.startsWith('#')) {
    return kid.length > 1 && !/[?/#]/.test(kid.slice(1))
      ? { ok: true, did, id: `${did}${kid}` }
      : { ok: false, problem: 'malformed' }
  }
  const parsed = parse(kid)
  if (
    parsed === null ||
    parsed.fragment === undefined ||
    parsed.fragment.length === 0 ||
    parsed.path !== undefined ||
    parsed.query !== undefined ||
    parsed.params !== undefined ||
    kid !== `${parsed.did}#${parsed.fragment}`
  ) {
    return { ok: false, problem: 'malformed' }
  }
  if (parsed.did !== did) return { ok: false, problem: 'other-did', did: parsed.did }
  return { ok: true, did, id: kid }
}

/** The DID that a DID URL belongs to, or undefined when it is not a DID URL. */
export function didOf(didUrl: string): string | undefined {
  return parse(didUrl)?.did
}
