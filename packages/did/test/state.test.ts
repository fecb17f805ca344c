// The state machine of docs/did-method.md, "Validation", and every hostile case it names,
// each asserting which operation won and why each other was ignored. Runs on every ledger in
// `ledgerFactories`.
import { generateSigner, type Signer, toHex } from '@marque/crypto'
import type { Ledger } from '@marque/ledger'
import { describe, expect, it } from 'vitest'
import { encodeDeterministic } from '../src/cbor.js'
import {
  createDidClient,
  createResolver,
  type DidClient,
  DidErrorCode,
  type DidHistory,
  operationDigest,
  readHistory,
  recoveryCommitment,
  replayOperations,
  signingInput,
  signOperation,
  type UnsignedOperation,
} from '../src/index.js'
import { generateKeys, ledgerFactories, trackLedgers } from './fixtures.js'

for (const factory of ledgerFactories) {
  describe(`state machine on the ${factory.name} ledger`, () => {
    const newLedger = trackLedgers(factory)

    async function setup(network?: string) {
      const ledger = await newLedger(network === undefined ? {} : { network })
      const keys = await generateKeys()
      const client = createDidClient({ ledger })
      const created = await client.create({
        deviceKey: keys.device,
        updateKey: keys.update,
        recoveryKey: keys.recovery,
      })
      return { ledger, client, keys, did: created.did, genesis: created.operation }
    }

    /** Signs and appends an operation without any of the client's checks; returns its digest. */
    async function append(
      ledger: Ledger,
      did: string,
      operation: UnsignedOperation,
      signer: Signer,
      domain = ledger.domain,
    ) {
      const signed = await signOperation({ operation, domain, signer })
      await ledger.append([{ did, bytes: signed.bytes }])
      return signed
    }
    async function appendBytes(ledger: Ledger, did: string, bytes: Uint8Array) {
      await ledger.append([{ did, bytes }])
      return bytes
    }
    const head = (h: DidHistory) => h.versions[h.versions.length - 1]!
    const digestOf = (bytes: Uint8Array) => operationDigest(bytes)
    const reasons = (h: DidHistory) => h.ignored.map((i) => i.code)

    it('walks create, update, rotate, transfer, update, deactivate', async () => {
      const { client, keys, did } = await setup()
      await client.update({
        did,
        updateKey: keys.update,
        services: [{ id: 1, type: 'LinkedDomains', endpoint: 'https://maker.example' }],
      })
      const newDevice = await generateSigner()
      await client.rotate({ did, updateKey: keys.update, keys: [newDevice] })
      const owner = { update: await generateSigner(), recovery: await generateSigner() }
      await client.transfer({
        did,
        recoveryKey: keys.recovery,
        updateKey: owner.update,
        nextRecoveryKey: owner.recovery,
      })
      await client.update({ did, updateKey: owner.update, services: [] })
      await client.deactivate({ did, recoveryKey: owner.recovery })
      const h = await client.history(did)
      expect(h.versions.map((v) => [v.versionId, v.type])).toEqual([
        ['1', 'create'],
        ['2', 'update'],
        ['3', 'update'],
        ['4', 'transfer'],
        ['5', 'update'],
        ['6', 'deactivate'],
      ])
      expect(h.ignored).toEqual([])
      expect(h.versions[1]!.state.services).toEqual([
        { id: 1, type: 'LinkedDomains', endpoint: 'https://maker.example' },
      ])
      expect(toHex(h.versions[2]!.state.keys[0]!)).toBe(toHex(newDevice.publicKey))
      expect(toHex(h.versions[3]!.state.updateKey)).toBe(toHex(owner.update.publicKey))
      expect(h.versions[3]!.state.services.length).toBe(1) // a transfer keeps what it does not replace
      expect(h.versions[4]!.state.services).toEqual([])
      expect(head(h).state.deactivated).toBe(true)
      expect(head(h).state.keys).toEqual([])
    })

    it('ignores an update with a bad signature, and a valid one after it still wins', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      const signed = await signOperation({
        operation: { type: 'update', prev: digestOf(genesis), services: [] },
        domain: ledger.domain,
        signer: keys.update,
      })
      const forged = signed.bytes.slice()
      forged[forged.length - 1]! ^= 1 // the last byte of the signature
      await appendBytes(ledger, did, forged)
      const good = await client.update({
        did,
        updateKey: keys.update,
        services: [{ id: 2, type: 'DIDCommMessaging', endpoint: 'https://m.example' }],
      })
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.BadSignature])
      expect(head(h).cid).toBe(good.cid)
      expect(head(h).versionId).toBe('2')
    })

    it('ignores an update signed by a rotated-out update key', async () => {
      const { ledger, client, keys, did } = await setup()
      const next = await generateSigner()
      await client.update({ did, updateKey: keys.update, newUpdateKey: next })
      const h1 = await client.history(did)
      await append(ledger, did, { type: 'update', prev: head(h1).digest, services: [] }, keys.update)
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.UnauthorizedKey])
      expect(h.versions.length).toBe(2)
      // A resolver does not spend verifications on diagnosis: the same operation is a bad signature.
      const plain = await readHistory({ ledger, did })
      expect(reasons(plain)).toEqual([DidErrorCode.BadSignature])
    })

    it('ignores an update signed by a device key (not a controller key)', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      await append(
        ledger,
        did,
        { type: 'update', prev: digestOf(genesis), updateKey: keys.device.publicKey },
        keys.device,
      )
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.UnauthorizedKey])
      expect(toHex(head(h).state.updateKey)).toBe(toHex(keys.update.publicKey))
    })

    it('ignores a transfer or deactivate revealing a key that is not the committed recovery key', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      const thief = await generateSigner()
      for (const signer of [keys.update, keys.device, thief]) {
        await append(
          ledger,
          did,
          {
            type: 'transfer',
            prev: digestOf(genesis),
            recoveryKey: signer.publicKey,
            updateKey: thief.publicKey,
            recoveryCommitment: recoveryCommitment(thief.publicKey),
          },
          signer,
        )
      }
      await append(
        ledger,
        did,
        { type: 'deactivate', prev: digestOf(genesis), recoveryKey: keys.update.publicKey },
        keys.update,
      )
      const h = await client.history(did)
      expect(reasons(h)).toEqual(Array(4).fill(DidErrorCode.CommitmentMismatch))
      expect(h.versions.length).toBe(1)
    })

    it('ignores a transfer that reveals the right recovery key but is signed by another', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      const thief = await generateSigner()
      await append(
        ledger,
        did,
        {
          type: 'transfer',
          prev: digestOf(genesis),
          recoveryKey: keys.recovery.publicKey,
          updateKey: thief.publicKey,
          recoveryCommitment: recoveryCommitment(thief.publicKey),
        },
        thief,
      )
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.BadSignature])
      expect(h.versions.length).toBe(1)
    })

    it('keeps the first of two operations after the same one (a fork) and ignores the second', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      const a = await append(
        ledger,
        did,
        {
          type: 'update',
          prev: digestOf(genesis),
          services: [{ id: 1, type: 'LinkedDomains', endpoint: 'https://a.example' }],
        },
        keys.update,
      )
      await append(
        ledger,
        did,
        {
          type: 'update',
          prev: digestOf(genesis),
          services: [{ id: 1, type: 'LinkedDomains', endpoint: 'https://b.example' }],
        },
        keys.update,
      )
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.Fork])
      expect(toHex(head(h).digest)).toBe(toHex(a.digest))
      expect(head(h).state.services[0]!.endpoint).toBe('https://a.example')
    })

    it('lets the second of two forks win when the first is invalid', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      const other = await generateSigner()
      await append(ledger, did, { type: 'update', prev: digestOf(genesis), services: [] }, other)
      const b = await append(
        ledger,
        did,
        { type: 'update', prev: digestOf(genesis), agreementKeys: [] },
        keys.update,
      )
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.BadSignature])
      expect(toHex(head(h).digest)).toBe(toHex(b.digest))
    })

    it('ignores replays of the genesis and of an update', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      const u = await client.update({ did, updateKey: keys.update, agreementKeys: [] })
      await appendBytes(ledger, did, genesis)
      await appendBytes(ledger, did, u.operation)
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.Replay, DidErrorCode.Replay])
      expect(h.versions.length).toBe(2)
    })

    it('ignores everything after a deactivation', async () => {
      const { ledger, client, keys, did } = await setup()
      const d = await client.deactivate({ did, recoveryKey: keys.recovery })
      const deactivated = digestOf(d.operation)
      await append(ledger, did, { type: 'update', prev: deactivated, services: [] }, keys.update)
      const nextRecovery = await generateSigner()
      await append(
        ledger,
        did,
        {
          type: 'transfer',
          prev: deactivated,
          recoveryKey: keys.recovery.publicKey,
          updateKey: keys.update.publicKey,
          recoveryCommitment: recoveryCommitment(nextRecovery.publicKey),
        },
        keys.recovery,
      )
      await appendBytes(ledger, did, d.operation)
      const h = await client.history(did)
      expect(reasons(h)).toEqual([
        DidErrorCode.AfterDeactivation,
        DidErrorCode.AfterDeactivation,
        DidErrorCode.Replay,
      ])
      expect(head(h).type).toBe('deactivate')
    })

    it('ignores an oversized operation', async () => {
      const { ledger, client, did } = await setup()
      await appendBytes(ledger, did, new Uint8Array(3000).fill(0x80))
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.OperationTooLarge])
      expect(h.versions.length).toBe(1)
    })

    it('ignores an operation of an unknown version even when well signed', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      const map = new Map<number, unknown>([
        [0, 2],
        [1, 1],
        [2, digestOf(genesis)],
        [6, []],
      ])
      const unsigned = encodeDeterministic(map)
      const signature = await keys.update(signingInput(unsigned, ledger.domain))
      await appendBytes(ledger, did, encodeDeterministic([map, signature]))
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.UnknownVersion])
    })

    it('ignores an operation signed for another network (another ledger domain)', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      await append(
        ledger,
        did,
        { type: 'update', prev: digestOf(genesis), services: [] },
        keys.update,
        'marque:memory:other',
      )
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.BadSignature])
    })

    it('does not accept a genesis copied from another network', async () => {
      const a = await setup()
      const other = await newLedger({ network: 'other' })
      const copied = a.did.replace('did:marque:', 'did:marque:other:')
      await other.append([{ did: copied, bytes: a.genesis }])
      const h = await readHistory({ ledger: other, did: copied })
      expect(h.versions).toEqual([])
      expect(reasons(h)).toEqual([DidErrorCode.BadSignature])
    })

    it('ignores operations before the genesis, and junk never blocks it', async () => {
      const ledger = await newLedger()
      const keys = await generateKeys()
      const genesis = await signOperation({
        operation: {
          type: 'create',
          locator: new Uint8Array(6).fill(1),
          keys: [keys.device.publicKey],
          updateKey: keys.update.publicKey,
          recoveryCommitment: recoveryCommitment(keys.recovery.publicKey),
        },
        domain: ledger.domain,
        signer: keys.device,
      })
      const { formatDid } = await import('../src/index.js')
      const did = formatDid({
        locator: new Uint8Array(6).fill(1),
        digest: genesis.digest,
        network: ledger.network,
      })
      await append(ledger, did, { type: 'update', prev: genesis.digest, services: [] }, keys.update)
      await appendBytes(ledger, did, Uint8Array.of(0xa0))
      await appendBytes(ledger, did, genesis.bytes)
      const h = await readHistory({ ledger, did })
      expect(reasons(h)).toEqual([DidErrorCode.NoGenesis, DidErrorCode.Malformed])
      expect(h.versions.map((v) => v.type)).toEqual(['create'])
    })

    it('ignores the genesis of another DID filed under this one', async () => {
      const a = await setup()
      const b = await setup()
      await a.ledger.append([{ did: a.did, bytes: b.genesis }])
      const h = await readHistory({ ledger: a.ledger, did: a.did })
      expect(reasons(h)).toEqual([DidErrorCode.WrongDid])
    })

    it('never lets a thief with the update key lock the owner out', async () => {
      const { ledger, client, keys, did } = await setup()
      // The thief rotates the update key to their own and replaces the device keys, several
      // times, each extending the head.
      const thief = await generateSigner()
      let current = keys.update
      for (let i = 0; i < 3; i++) {
        const h = await readHistory({ ledger, did })
        await append(
          ledger,
          did,
          { type: 'update', prev: head(h).digest, keys: [thief.publicKey], updateKey: thief.publicKey },
          current,
        )
        current = thief
      }
      expect(toHex(head(await readHistory({ ledger, did })).state.updateKey)).toBe(toHex(thief.publicKey))
      // The owner's transfer follows the last create or transfer, which the thief cannot move.
      const owner = {
        update: await generateSigner(),
        recovery: await generateSigner(),
        device: await generateSigner(),
      }
      await client.transfer({
        did,
        recoveryKey: keys.recovery,
        updateKey: owner.update,
        nextRecoveryKey: owner.recovery,
        keys: [owner.device],
      })
      // The thief's next update is now signed by a key that is no longer the update key.
      const h2 = await readHistory({ ledger, did })
      await append(ledger, did, { type: 'update', prev: head(h2).digest, keys: [thief.publicKey] }, thief)
      const h = await client.history(did)
      expect(head(h).type).toBe('transfer')
      expect(toHex(head(h).state.keys[0]!)).toBe(toHex(owner.device.publicKey))
      expect(toHex(head(h).state.updateKey)).toBe(toHex(owner.update.publicKey))
      expect(reasons(h)).toEqual([DidErrorCode.UnauthorizedKey])
    })

    it('never lets a stolen device key change the DID', async () => {
      const { ledger, client, keys, did, genesis } = await setup()
      await append(
        ledger,
        did,
        {
          type: 'update',
          prev: digestOf(genesis),
          keys: [keys.device.publicKey],
          updateKey: keys.device.publicKey,
        },
        keys.device,
      )
      await append(
        ledger,
        did,
        { type: 'deactivate', prev: digestOf(genesis), recoveryKey: keys.device.publicKey },
        keys.device,
      )
      const h = await client.history(did)
      expect(reasons(h)).toEqual([DidErrorCode.UnauthorizedKey, DidErrorCode.CommitmentMismatch])
      expect(h.versions.length).toBe(1)
    })

    it('falls back to the last intact version when the ledger hands back edited bytes', async () => {
      const { ledger, client, keys, did } = await setup()
      const u = await client.update({ did, updateKey: keys.update, agreementKeys: [] })
      // A ledger whose stored update was edited on disk (one byte of the services changed):
      const edited: Ledger = {
        ...ledger,
        network: ledger.network,
        domain: ledger.domain,
        async read(d, options) {
          return (await ledger.read(d, options)).map((op) => {
            if (toHex(op.bytes) !== toHex(u.operation)) return op
            const bytes = op.bytes.slice()
            bytes[10]! ^= 0x01
            return { ...op, bytes }
          })
        },
      }
      const h = await readHistory({ ledger: edited, did })
      expect(h.versions.length).toBe(1)
      // Byte 10 lies in `prev`, so the edited update no longer follows the genesis.
      expect(reasons(h)).toEqual([DidErrorCode.Fork])
      // Edit the genesis instead: the DID is gone, never replaced by something else.
      const editedGenesis: Ledger = {
        ...edited,
        async read(d, options) {
          return (await ledger.read(d, options)).map((op, i) => {
            const bytes = op.bytes.slice()
            if (i === 0) bytes[bytes.length - 1]! ^= 0x01
            return { ...op, bytes }
          })
        },
      }
      const g = await readHistory({ ledger: editedGenesis, did })
      expect(g.versions).toEqual([])
      expect(reasons(g)).toEqual([DidErrorCode.WrongDid, DidErrorCode.NoGenesis])
    })

    it('refuses a malformed domain up front with DID_INVALID_PARAMETER, rather than ignore every operation', async () => {
      const { ledger, did } = await setup()
      const operations = await ledger.read(did)
      for (const domain of ['', 'has space', 'x'.repeat(256)]) {
        await expect(replayOperations({ did, domain, operations })).rejects.toMatchObject({
          code: DidErrorCode.InvalidParameter,
        })
        await expect(replayOperations({ did, domain, operations: [] })).rejects.toMatchObject({
          code: DidErrorCode.InvalidParameter,
        })
      }
      expect((await replayOperations({ did, domain: ledger.domain, operations })).versions.length).toBe(1)
    })

    it('orders by ledger position whatever order the ledger lists them in', async () => {
      const { ledger, keys, did, client } = await setup()
      await client.update({ did, updateKey: keys.update, agreementKeys: [] })
      const ops = await ledger.read(did)
      const h = await readHistory({ ledger: { ...ledger, read: async () => [...ops].reverse() }, did })
      expect(h.versions.map((v) => v.type)).toEqual(['create', 'update'])
    })

    it('resolves the same state through the resolver', async () => {
      const { ledger, client, keys, did } = await setup()
      await client.update({
        did,
        updateKey: keys.update,
        services: [{ id: 7, type: 'MarqueHandshake', endpoint: 'tcp://127.0.0.1:7000' }],
      })
      const resolver = createResolver({ ledgers: { [ledger.network]: ledger } })
      const r = await resolver.resolve(did)
      expect(r.didDocument?.service).toEqual([
        { id: `${did}#service-7`, type: 'MarqueHandshake', serviceEndpoint: 'tcp://127.0.0.1:7000' },
      ])
    })
  })
}

// Keep the helper type referenced so the compiler checks the client type is exported.
export type { DidClient }
