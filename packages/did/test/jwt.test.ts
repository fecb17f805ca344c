// Interop with did-jwt 8: a JWT signed with a did:marque key verifies with `verifyJWT`
// through our resolver; stops verifying once that key is rotated out (current resolution)
// and once the DID is deactivated; and still verifies when resolved as of a time before
// the rotation (`resolverAtTime`, which adds `?versionTime=` to every DID it resolves).
import { base64urlEncode, generateSigner, type Signer, utf8 } from '@marque/crypto'
import { createJWT, verifyJWT } from 'did-jwt'
import { Resolver } from 'did-resolver'
import { describe, expect, it } from 'vitest'
import { createDidClient, createResolver, getResolver, resolverAtTime } from '../src/index.js'
import { generateKeys, ledgerFactories, manualClock, trackLedgers } from './fixtures.js'

/** did-jwt's signer shape: bytes or a string in, base64url signature out. */
const jwtSigner = (signer: Signer) => async (data: string | Uint8Array) =>
  base64urlEncode(await signer(typeof data === 'string' ? utf8(data) : data))

for (const factory of ledgerFactories) {
  describe(`did-jwt verifyJWT on the ${factory.name} ledger`, () => {
    const newLedger = trackLedgers(factory)

    async function setup() {
      const clock = manualClock()
      const ledger = await newLedger({ now: clock.now })
      const t0 = clock.seconds()
      const keys = await generateKeys()
      const marque = createResolver({ ledgers: { [ledger.network]: ledger } })
      const client = createDidClient({ ledger, resolver: marque })
      const created = await client.create({
        deviceKey: keys.device,
        updateKey: keys.update,
        recoveryKey: keys.recovery,
      })
      const kid = created.verificationMethodIds.assertionMethod[0]!
      clock.advance(10)
      const jwt = await createJWT(
        { sub: 'urn:example:reading', iat: t0 + 10 },
        { issuer: created.did, signer: jwtSigner(keys.device), alg: 'EdDSA' },
        { kid },
      )
      return { clock, ledger, keys, marque, client, did: created.did, kid, jwt, t0 }
    }

    it('verifies, stops after rotation, verifies at the time it was signed, and stops after deactivation', async () => {
      const { clock, keys, marque, client, did, kid, jwt, t0 } = await setup()
      const resolver = new Resolver(getResolver(marque))
      const policies = { now: t0 + 1000 }

      const verified = await verifyJWT(jwt, { resolver, policies })
      expect(verified.issuer).toBe(did)
      expect(verified.signer.id).toBe(kid)

      clock.advance(90) // rotation at t0 + 100
      const replacement = await generateSigner()
      const rotated = await client.rotate({ did, updateKey: keys.update, keys: [replacement] })
      await expect(verifyJWT(jwt, { resolver, policies })).rejects.toThrow(/invalid_signature/)

      // As of t0 + 10 (when it was signed) the key was the DID's: it verifies.
      const then = await verifyJWT(jwt, {
        resolver: resolverAtTime({ resolver, versionTime: t0 + 10 }),
        policies,
      })
      expect(then.signer.id).toBe(kid)
      // As of the rotation second it does not.
      await expect(
        verifyJWT(jwt, { resolver: resolverAtTime({ resolver, versionTime: t0 + 100 }), policies }),
      ).rejects.toThrow(/invalid_signature/)

      // A token from the new key verifies now.
      const fresh = await createJWT(
        { iat: t0 + 100 },
        { issuer: did, signer: jwtSigner(replacement), alg: 'EdDSA' },
        { kid: rotated.verificationMethodIds.assertionMethod[0]! },
      )
      expect((await verifyJWT(fresh, { resolver, policies })).signer.id).toBe(
        rotated.verificationMethodIds.assertionMethod[0],
      )

      clock.advance(100) // deactivation at t0 + 200
      await client.deactivate({ did, recoveryKey: keys.recovery })
      await expect(verifyJWT(fresh, { resolver, policies })).rejects.toThrow(/no_suitable_keys/)
      // Historical resolution still answers for the time before (docs/did-method.md explains
      // why a verifier must pick that time from something the signer does not control).
      const old = await verifyJWT(jwt, {
        resolver: resolverAtTime({ resolver: marque, versionTime: new Date((t0 + 10) * 1000) }),
        policies,
      })
      expect(old.issuer).toBe(did)
    })

    it('refuses a token whose issuer the resolver cannot find', async () => {
      const { jwt, t0, ledger } = await setup()
      const other = await newLedger({ network: 'elsewhere' })
      const resolver = new Resolver(getResolver({ ledgers: { elsewhere: other } }))
      await expect(verifyJWT(jwt, { resolver, policies: { now: t0 + 1000 } })).rejects.toThrow(
        /resolver_error.*methodNotSupported/,
      )
      expect(ledger.network).toBe('default')
    })
  })
}
