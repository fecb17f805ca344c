import { defineSigner, ed25519Verify, fromHex, generateSigner, type Signer, toHex } from '@marque/crypto'
import { type Ledger, type LedgerOperation, MAX_BATCH_OPERATIONS } from '@marque/ledger'
import { describe, expect, it } from 'vitest'
import {
  createDidClient,
  createResolver,
  DidError,
  DidErrorCode,
  decodeOperation,
  operationDigest,
  parseDid,
  recoveryCommitment,
  signingInput,
  signOperation,
} from '../src/index.js'
import { ledgerFactories, trackLedgers } from './fixtures.js'

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (error instanceof DidError) return error.code
    throw error
  }
  throw new Error('did not throw')
}

for (const factory of ledgerFactories) {
  describe(`client on the ${factory.name} ledger`, () => {
    const newLedger = trackLedgers(factory)
    const controller = async () => ({ update: await generateSigner(), recovery: await generateSigner() })

    it('creates with a key made on the device: only its public key and its signature leave it', async () => {
      const ledger = await newLedger()
      const onDevice = await generateSigner() // stands for the device's secure element
      const asked: Uint8Array[] = []
      const remote = defineSigner({
        publicKey: onDevice.publicKey,
        sign: async (data) => {
          asked.push(data)
          return onDevice(data)
        },
      })
      const c = await controller()
      const created = await createDidClient({ ledger }).create({
        deviceKey: remote,
        updateKey: c.update,
        recoveryKey: c.recovery,
      })
      expect(asked.length).toBe(1)
      const decoded = decodeOperation(created.operation)
      expect(toHex(asked[0]!)).toBe(toHex(signingInput(decoded.unsignedBytes, ledger.domain)))
      expect(await ed25519Verify(decoded.signature, asked[0]!, onDevice.publicKey)).toBe(true)
      expect(created.versionId).toBe('1')
      expect(created.verificationMethodIds.authentication).toEqual([`${created.did}#${onDevice.keyId}`])
    })

    it('creates with a recovery commitment instead of the recovery public key', async () => {
      const ledger = await newLedger()
      const c = await controller()
      const client = createDidClient({ ledger })
      const { did } = await client.create({
        deviceKey: await generateSigner(),
        updateKey: c.update.publicKey,
        recoveryCommitment: recoveryCommitment(c.recovery.publicKey),
      })
      const next = await controller()
      const t = await client.transfer({
        did,
        recoveryKey: c.recovery,
        updateKey: next.update,
        nextRecoveryKey: next.recovery,
      })
      expect(t.versionId).toBe('2')
      expect(t.document.controller).toBe(`did:key:${next.update.keyId}`)
    })

    it('registers a factory batch in one append, each DID distinct, with a shared locator when asked', async () => {
      const ledger = await newLedger()
      let appends = 0
      const counting: Ledger = {
        ...ledger,
        network: ledger.network,
        domain: ledger.domain,
        append: (ops) => {
          appends++
          return ledger.append(ops)
        },
        read: (d, o) => ledger.read(d, o),
        close: () => ledger.close(),
      }
      const c = await controller()
      const deviceKeys = await Promise.all(Array.from({ length: 16 }, () => generateSigner()))
      const devices = Array.from({ length: 2000 }, (_, i) => ({
        deviceKey: deviceKeys[i % deviceKeys.length]!,
        updateKey: c.update,
        recoveryKey: c.recovery,
      }))
      // Keys shared between devices (as the benchmark does): the random locator keeps each DID distinct.
      const batch = await createDidClient({ ledger: counting }).createBatch({ devices })
      expect(appends).toBe(1)
      expect(batch.dids.length).toBe(2000)
      expect(new Set(batch.dids.map((d) => d.did)).size).toBe(2000)
      const resolver = createResolver({ ledgers: { default: ledger } })
      const sample = batch.dids[1234]!
      expect((await resolver.resolve(sample.did)).didDocument).toEqual(sample.document)
      expect(batch.dids[1234]!.versionId).toBe('1')

      // One locator for the whole batch: every DID starts with it; each device has its own key.
      const locator = Uint8Array.of(1, 2, 3, 4, 5, 6)
      const own = await Promise.all(Array.from({ length: 50 }, () => generateSigner()))
      const shared = await createDidClient({ ledger: counting }).createBatch({
        devices: own.map((deviceKey) => ({ deviceKey, updateKey: c.update, recoveryKey: c.recovery })),
        locator,
      })
      expect(appends).toBe(2)
      for (const d of shared.dids) {
        const parsed = parseDid(d.did)
        if ('error' in parsed) throw new Error(parsed.message)
        expect(toHex(parsed.locator)).toBe('010203040506')
      }
      // A shared locator with a shared key would give two devices one DID: refused before any append.
      const error = await createDidClient({ ledger: counting })
        .createBatch({ devices: devices.slice(0, 17), locator })
        .catch((e: unknown) => e)
      expect((error as DidError).code).toBe(DidErrorCode.InvalidParameter)
      expect(appends).toBe(2)
    })

    it('names an anchor account in the genesis: per device, or once for a whole batch', async () => {
      const ledger = await newLedger()
      const client = createDidClient({ ledger })
      const c = await controller()
      const device = async () => ({
        deviceKey: await generateSigner(),
        updateKey: c.update,
        recoveryKey: c.recovery,
      })
      const service = fromHex('7e5f4552091a69125d5dfcb7b8c2659029395bdf')
      const owner = fromHex('2b5ad5c4795c026514f8317c7a215e218dccd6cf')
      const accountOf = (bytes: Uint8Array) => {
        const op = decodeOperation(bytes).operation
        return op.type === 'create' && op.anchorAccount !== undefined ? toHex(op.anchorAccount) : undefined
      }

      const one = await client.create({ ...(await device()), anchorAccount: owner })
      expect(accountOf(one.operation)).toBe(toHex(owner))
      expect(one.operation.length).toBe(208)
      // Ledger metadata: the document does not show it, nor does the resolution metadata.
      expect(JSON.stringify(one.document)).not.toContain(toHex(owner))
      const resolved = await createResolver({ ledgers: { default: ledger } }).resolve(one.did)
      expect(JSON.stringify(resolved)).not.toContain(toHex(owner))
      expect(resolved.didDocument).toEqual(one.document)
      const h = await client.history(one.did)
      expect(toHex(h.versions[0]!.state.anchorAccount!)).toBe(toHex(owner))

      // The batch's account applies to every device that names none itself.
      const batch = await client.createBatch({
        devices: [await device(), { ...(await device()), anchorAccount: owner }, await device()],
        anchorAccount: service,
      })
      expect(batch.dids.map((d) => accountOf(d.operation))).toEqual([
        toHex(service),
        toHex(owner),
        toHex(service),
      ])
      const plain = await client.createBatch({ devices: [await device()] })
      expect(accountOf(plain.dids[0]!.operation)).toBeUndefined()
      expect(plain.dids[0]!.operation.length).toBe(186)

      // Refused before anything is signed or appended, with the code a resolver would give.
      for (const bad of [owner.subarray(1), new Uint8Array(20)]) {
        expect(await codeOf(client.create({ ...(await device()), anchorAccount: bad }))).toBe(
          DidErrorCode.InvalidField,
        )
        expect(await codeOf(client.createBatch({ devices: [await device()], anchorAccount: bad }))).toBe(
          DidErrorCode.InvalidField,
        )
      }
    })

    it('keeps the anchor account through update, transfer and deactivation', async () => {
      const ledger = await newLedger()
      const client = createDidClient({ ledger })
      const c = await controller()
      const owner = fromHex('2b5ad5c4795c026514f8317c7a215e218dccd6cf')
      const { did } = await client.create({
        deviceKey: await generateSigner(),
        updateKey: c.update,
        recoveryKey: c.recovery,
        anchorAccount: owner,
      })
      await client.rotate({ did, updateKey: c.update, keys: [await generateSigner()] })
      const next = await controller()
      await client.transfer({
        did,
        recoveryKey: c.recovery,
        updateKey: next.update,
        nextRecoveryKey: next.recovery,
      })
      await client.deactivate({ did, recoveryKey: next.recovery })
      const h = await client.history(did)
      expect(h.versions.map((v) => toHex(v.state.anchorAccount!))).toEqual(Array(4).fill(toHex(owner)))
    })

    it('deactivates through an anchoring function of the caller’s, then reads back', async () => {
      const ledger = await newLedger()
      const client = createDidClient({ ledger })
      const c = await controller()
      const { did } = await client.create({
        deviceKey: await generateSigner(),
        updateKey: c.update,
        recoveryKey: c.recovery,
      })
      const handed: LedgerOperation[] = []
      // Stands for an EVM registry's seal, which anchors the deactivate in its own transaction.
      const anchor = async (operation: LedgerOperation) => {
        handed.push(operation)
        return ledger.append([operation])
      }
      const forgetful = async (operation: LedgerOperation) => {
        handed.push(operation)
      }
      // An anchoring function that anchors nothing: the read-back finds no such version.
      expect(await codeOf(client.deactivate({ did, recoveryKey: c.recovery, anchor: forgetful }))).toBe(
        DidErrorCode.Conflict,
      )
      const done = await client.deactivate({ did, recoveryKey: c.recovery, anchor })
      expect(handed.map((o) => o.did)).toEqual([did, did])
      expect(toHex(handed[1]!.bytes)).toBe(toHex(done.operation))
      expect(decodeOperation(done.operation).operation.type).toBe('deactivate')
      expect(done.document).toEqual({ '@context': expect.anything(), id: did })
      const bad = { did, recoveryKey: c.recovery, anchor: 'seal' } as unknown as Parameters<
        typeof client.deactivate
      >[0]
      expect(await codeOf(client.deactivate(bad))).toBe(DidErrorCode.InvalidParameter)
    })

    it('refuses an empty or oversized batch with DID_BATCH_TOO_LARGE', async () => {
      const client = createDidClient({ ledger: await newLedger() })
      expect(await codeOf(client.createBatch({ devices: [] }))).toBe(DidErrorCode.BatchTooLarge)
      const c = await controller()
      const d = { deviceKey: c.update, updateKey: c.update, recoveryKey: c.recovery }
      expect(await codeOf(client.createBatch({ devices: Array(MAX_BATCH_OPERATIONS + 1).fill(d) }))).toBe(
        DidErrorCode.BatchTooLarge,
      )
    })

    it('refuses writes it knows will be ignored, with a specific code', async () => {
      const ledger = await newLedger()
      const client = createDidClient({ ledger })
      const c = await controller()
      const device = await generateSigner()
      const { did } = await client.create({ deviceKey: device, updateKey: c.update, recoveryKey: c.recovery })
      const stranger = await generateSigner()
      expect(await codeOf(client.update({ did, updateKey: stranger, services: [] }))).toBe(
        DidErrorCode.WrongKey,
      )
      expect(await codeOf(client.update({ did, updateKey: device, services: [] }))).toBe(
        DidErrorCode.WrongKey,
      )
      expect(
        await codeOf(
          client.transfer({ did, recoveryKey: c.update, updateKey: stranger, nextRecoveryKey: stranger }),
        ),
      ).toBe(DidErrorCode.WrongKey)
      expect(await codeOf(client.deactivate({ did, recoveryKey: stranger }))).toBe(DidErrorCode.WrongKey)
      expect(await codeOf(client.update({ did: 'did:marque:nope', updateKey: c.update, services: [] }))).toBe(
        DidErrorCode.InvalidDid,
      )
      const missing = did.replace(/.$/, (ch) => (ch === 'a' ? 'b' : 'a'))
      expect(await codeOf(client.update({ did: missing, updateKey: c.update, services: [] }))).toBe(
        DidErrorCode.NotFound,
      )
      const elsewhere = did.replace('did:marque:', 'did:marque:elsewhere:')
      expect(await codeOf(client.update({ did: elsewhere, updateKey: c.update, services: [] }))).toBe(
        DidErrorCode.NetworkMismatch,
      )
      expect(await codeOf(client.update({ did, updateKey: c.update }))).toBe(DidErrorCode.EmptyUpdate)
      expect(
        await codeOf(
          client.update({
            did,
            updateKey: c.update,
            services: [{ id: 1, type: 'LinkedDomains', endpoint: 'nope' }],
          }),
        ),
      ).toBe(DidErrorCode.InvalidService)
      expect(await codeOf(client.create({ deviceKey: device, updateKey: c.update }))).toBe(
        DidErrorCode.InvalidParameter,
      )
      expect(
        await codeOf(
          client.create({
            deviceKey: device,
            updateKey: c.update,
            recoveryKey: c.recovery,
            recoveryCommitment: new Uint8Array(32),
          }),
        ),
      ).toBe(DidErrorCode.InvalidParameter)
      await client.deactivate({ did, recoveryKey: c.recovery })
      expect(await codeOf(client.update({ did, updateKey: c.update, services: [] }))).toBe(
        DidErrorCode.Deactivated,
      )
      expect((await client.history(did)).ignored).toEqual([])
    })

    it('reports DID_CONFLICT when another operation extends the DID first', async () => {
      const ledger = await newLedger()
      const c = await controller()
      const { did, operation } = await createDidClient({ ledger }).create({
        deviceKey: await generateSigner(),
        updateKey: c.update,
        recoveryKey: c.recovery,
      })
      // A ledger where someone else's update lands just before ours.
      let raced = false
      const racing: Ledger = {
        ...ledger,
        network: ledger.network,
        domain: ledger.domain,
        read: (d, o) => ledger.read(d, o),
        close: () => ledger.close(),
        async append(ops) {
          if (!raced) {
            raced = true
            const other = await signOperation({
              operation: { type: 'update', prev: operationDigest(operation), agreementKeys: [] },
              domain: ledger.domain,
              signer: c.update,
            })
            await ledger.append([{ did, bytes: other.bytes }])
          }
          return ledger.append(ops)
        },
      }
      const error = await createDidClient({ ledger: racing })
        .update({ did, updateKey: c.update, services: [] })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(DidError)
      expect((error as DidError).code).toBe(DidErrorCode.Conflict)
      expect((error as DidError).details).toBe('DID_OP_FORK: the operation does not follow the head')
    })

    it('says what to do in its errors, and never shows a key', async () => {
      const ledger = await newLedger()
      const c = await controller()
      const client = createDidClient({ ledger })
      const { did } = await client.create({
        deviceKey: await generateSigner(),
        updateKey: c.update,
        recoveryKey: c.recovery,
      })
      const wrong: Signer = await generateSigner()
      const error = (await client
        .update({ did, updateKey: wrong, services: [] })
        .catch((e: unknown) => e)) as DidError
      expect({
        name: error.name,
        code: error.code,
        message: error.message,
        hint: error.hint,
      }).toMatchInlineSnapshot(`
        {
          "code": "DID_WRONG_KEY",
          "hint": "sign with the update key the DID names now (see controller in its document)",
          "message": "the signer is not the DID's current update key",
          "name": "DidError",
        }
      `)
      expect(JSON.stringify(error)).not.toContain(toHex(wrong.publicKey))
    })
  })
}

describe('client arguments', () => {
  it('refuses a ledger whose domain cannot be signed over, and a signer that returns no signature', async () => {
    const { ledger } = await ledgerFactories[0]!.make()
    expect(() =>
      createDidClient({ ledger: { ...ledger, network: ledger.network, domain: 'has space' } }),
    ).toThrowError(expect.objectContaining({ code: DidErrorCode.InvalidParameter }))
    expect(() =>
      createDidClient({ ledger: { ...ledger, network: 'Upper', domain: ledger.domain } }),
    ).toThrowError(expect.objectContaining({ code: DidErrorCode.InvalidParameter }))
    const real = await generateSigner()
    const broken = Object.assign(async () => new Uint8Array(10), {
      keyId: real.keyId,
      algorithm: 'Ed25519' as const,
      publicKey: real.publicKey,
    })
    const c = await generateSigner()
    const error = await createDidClient({ ledger })
      .create({ deviceKey: broken, updateKey: c, recoveryKey: c })
      .catch((e: unknown) => e)
    expect((error as DidError).code).toBe(DidErrorCode.InvalidParameter)
  })
})
