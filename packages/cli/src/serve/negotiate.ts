/**
 * Content negotiation for the DID Resolution HTTP(S) binding (DID Resolution §10.1 and its
 * OpenAPI description): a client asks for the resolution result or for the DID document in
 * one of its representations.
 */
export type Representation =
  | 'application/did-resolution'
  | 'application/did+json'
  | 'application/did+ld+json'
  | 'application/did'

const SUPPORTED: readonly Representation[] = [
  'application/did-resolution',
  'application/did+json',
  'application/did+ld+json',
  'application/did',
]

/** The pre-2024 media type of a resolution result, still sent by many clients. */
const LEGACY_RESOLUTION = 'application/ld+json;profile="https://w3id.org/did-resolution"'

interface Range {
  type: string
  profile: string | undefined
  q: number
  order: number
}

function parseAccept(header: string): Range[] {
  return header
    .split(',')
    .map((part, order) => {
      const [rawType, ...params] = part.split(';').map((s) => s.trim())
      let q = 1
      let profile: string | undefined
      for (const p of params) {
        const [k, v] = p.split('=').map((s) => s.trim())
        if (k === 'q') q = Number(v)
        if (k === 'profile') profile = v?.replace(/^"|"$/g, '')
      }
      return { type: (rawType ?? '').toLowerCase(), profile, q: Number.isFinite(q) ? q : 0, order }
    })
    .filter((r) => r.type.length > 0 && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order)
}

/**
 * The representation to answer with, or undefined when nothing acceptable is offered
 * (HTTP 406). No Accept header, `*\/*` and `application/*` get the resolution result.
 */
export function negotiate(accept: string | undefined): Representation | undefined {
  if (accept === undefined || accept.trim() === '') return 'application/did-resolution'
  for (const range of parseAccept(accept)) {
    if (range.type === '*/*' || range.type === 'application/*') return 'application/did-resolution'
    if (
      range.type === 'application/ld+json' &&
      `${range.type};profile="${range.profile}"` === LEGACY_RESOLUTION
    ) {
      return 'application/did-resolution'
    }
    const found = SUPPORTED.find((s) => s === range.type)
    if (found !== undefined) return found
    if (range.type === 'application/json') return 'application/did+json'
  }
  return undefined
}
