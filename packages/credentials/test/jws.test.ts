// The JWS compact parser (RFC 7515 §7.1) that verification trusts: strict base64url, a
// header with only alg/typ/kid/cty, alg exactly EdDSA, objects only.
import { ed25519Verify } from '@marque/crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CredentialErrorCode as C, isCredentialError } from '../src/index.js'
import { parseJws, signJws } from '../src/jws.js'
import { didKeyParty, scenario } from './helpers.js'

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const SIG = 'A'.repeat(86)
const HEADER = { alg: 'EdDSA', typ: 'vc+jwt', kid: 'did:key:z6Mk#z6Mk' }

function code(token: unknown): string | undefined {
  try {
    parseJws(token, 'credential', 16384)
    return undefined
  } catch (error) {
    if (!isCredentialError(error)) throw error
    return error.code
  }
}

describe('round trip', () => {
  it('parses what it signs, and the signature covers exactly header.payload (property)', async () => {
    const party = await didKeyParty('jws')
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
        async (payload) => {
          const token = await signJws({ payload, typ: 'vc+jwt', signer: party.signer })
          const parsed = parseJws(token, 'credential', 1 << 20)
          expect(parsed.payload).toEqual(JSON.parse(JSON.stringify(payload)))
          expect(parsed.header).toEqual({ alg: 'EdDSA', kid: party.kid, typ: 'vc+jwt', cty: undefined })
          expect(new TextDecoder().decode(parsed.signingInput)).toBe(token.slice(0, token.lastIndexOf('.')))
          expect(await ed25519Verify(parsed.signature, parsed.signingInput, party.signer.publicKey)).toBe(
            true,
          )
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('hostile input', () => {
  it('anything at all either parses or throws a CredentialError (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (input) => {
        code(input)
      }),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (header, payload) => {
        code(`${b64(header)}.${b64(payload)}.${SIG}`)
      }),
      { numRuns: 300 },
    )
  })

  it('any one-character change of a valid credential is refused with a CredentialError (property)', async () => {
    const s = await scenario()
    const token = await s.issue()
    const verifier = s.verifier()
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: token.length - 1 }),
        fc.constantFrom(...'ABCabc019-_.=+/'),
        async (at, char) => {
          fc.pre(token[at] !== char)
          const mutated = token.slice(0, at) + char + token.slice(at + 1)
          const outcome = await verifier.verifyCredential(mutated).then(
            () => 'accepted',
            (error: unknown) => (isCredentialError(error) ? 'refused' : error),
          )
          expect(outcome).toBe('refused')
        },
      ),
      { numRuns: 150 },
    )
  })

  it.each([
    ['not a string', 42, C.Malformed],
    ['two parts', `${b64(HEADER)}.${b64({})}`, C.Malformed],
    ['four parts', `${b64(HEADER)}.${b64({})}.${SIG}.x`, C.Malformed],
    ['padding', `${b64(HEADER)}=.${b64({})}.${SIG}`, C.Malformed],
    [
      'standard base64 characters',
      `${b64(HEADER)}.${b64({ a: '>>>?' }).replace(/-/g, '+').replace(/_/g, '/')}+.${SIG}`,
      C.Malformed,
    ],
    ['non-canonical trailing bits', `${b64(HEADER)}.${b64({}).slice(0, -1)}1.${SIG}`, C.Malformed],
    ['a header that is an array', `${b64([HEADER])}.${b64({})}.${SIG}`, C.Malformed],
    ['a payload that is a string', `${b64(HEADER)}.${b64('"x"')}.${SIG}`, C.Malformed],
    [
      'a payload that is not UTF-8',
      `${b64(HEADER)}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.${SIG}`,
      C.Malformed,
    ],
    ['a missing kid', `${b64({ alg: 'EdDSA', typ: 'vc+jwt' })}.${b64({})}.${SIG}`, C.Malformed],
    ['a numeric kid', `${b64({ ...HEADER, kid: 7 })}.${b64({})}.${SIG}`, C.Malformed],
    ['a short signature', `${b64(HEADER)}.${b64({})}.${SIG.slice(2)}`, C.Malformed],
    ['an empty signature', `${b64(HEADER)}.${b64({})}.`, C.Malformed],
    ['alg none', `${b64({ ...HEADER, alg: 'none' })}.${b64({})}.`, C.UnsupportedAlg],
    ['no alg', `${b64({ typ: 'vc+jwt', kid: 'k' })}.${b64({})}.${SIG}`, C.UnsupportedAlg],
    ['an extra header member', `${b64({ ...HEADER, b64: false })}.${b64({})}.${SIG}`, C.Malformed],
  ])('%s', (_name, token, expected) => {
    expect(code(token)).toBe(expected)
  })

  it('decodes exactly the canonical base64url of any signature, and refuses the others (property)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.integer({ min: 1, max: 15 }),
        (bytes, noise) => {
          const signature = Buffer.from(bytes).toString('base64url')
          const token = `${b64(HEADER)}.${b64({})}.${signature}`
          expect([...parseJws(token, 'credential', 1000).signature]).toEqual([...bytes])
          // 64 bytes leave 4 unused bits in the last character (RFC 4648 §3.5): set some.
          const last = alphabet.indexOf(signature.at(-1)!)
          const noisy = `${token.slice(0, -1)}${alphabet[last | noise]}`
          expect(code(noisy)).toBe(C.Malformed)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('checks the size before anything else', () => {
    const token = `${b64(HEADER)}.${b64({ pad: 'x'.repeat(20000) })}.${SIG}`
    expect(code(token)).toBe(C.TooLarge)
    expect(() => parseJws(token, 'presentation', 100)).toThrow(
      expect.objectContaining({ code: C.PresentationTooLarge }),
    )
  })
})
