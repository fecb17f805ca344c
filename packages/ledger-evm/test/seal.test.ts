// Deactivation on chain, with real did:marque DIDs from @marque/did's client whose geneses
// name an anchor account (field 10): once sealed, the registry refuses every later operation
// for the DID; only the DID's sealer may seal, directly or relayed, and a relayed request
// binds the chain and the registry (EIP-712); resolvers still decide what the DID holds.
import { generateSigner, type Signer } from '@marque/crypto'
import {
  createDidClient,
  createResolver,
  type DidClient,
  operationDigest,
  readHistory,
  signOperation,
} from '@marque/did'
import { LedgerError, LedgerErrorCode } from '@marque/ledger'
import {
  bytesToHex,
  createPublicClient,
  createWalletClient,
  hexToBytes,
  http,
  type LocalAccount,
  parseSignature,
  serializeSignature,
} from 'viem'
import { describe, expect, it } from 'vitest'
import {
  deployRegistry,
  type EvmLedger,
  encodeBatch,
  registryAbi,
  signSealRequest,
  signSetSealerRequest,
} from '../src/index.js'
import type { RegistryNode } from '../src/testing/index.js'
import { type Chain, useChain } from './fixture.js'
import { genesisSealerOf, random } from './helpers.js'

let node: RegistryNode
let service: EvmLedger // the manufacturer's anchoring service: pays gas, relays
let client: DidClient // the manufacturer's did:marque client, anchoring through the service
let owner: LocalAccount // the device's owner: named in the genesis
let ownerLedger: EvmLedger
let stranger: LocalAccount
let strangerLedger: EvmLedger
let connect: Chain['connect']

useChain(async (chain) => {
  ;({ node, ledger: service, connect } = chain)
  client = createDidClient({ ledger: service })
  owner = await node.newAccount()
  stranger = await node.newAccount()
  ;[ownerLedger, strangerLedger] = await Promise.all([connect(owner), connect(stranger)])
})

async function code(promise: Promise<unknown>): Promise<[string | undefined, string | undefined]> {
  try {
    await promise
  } catch (error) {
    if (error instanceof LedgerError) return [error.code, error.details?.split(' ')[0]]
    throw error
  }
  return [undefined, undefined]
}

const refusedBy = (name: string) => [LedgerErrorCode.InvalidOperation, name]
const resolve = (did: string) => createResolver({ ledgers: { default: service }, cache: false }).resolve(did)

interface Registered {
  did: string
  /** The signed genesis, as anchored: what the registry reads the anchor account from. */
  genesis: Uint8Array
  locator: Uint8Array
  updateKey: Signer
  recoveryKey: Signer
}

/** A real DID, created through the service, whose genesis names `anchorAccount` (null: none). */
async function registered(
  anchorAccount: `0x${string}` | null = owner.address,
  locator = random(6),
): Promise<Registered> {
  const keys = { updateKey: await generateSigner(), recoveryKey: await generateSigner() }
  const created = await client.create({
    deviceKey: await generateSigner(),
    ...keys,
    locator,
    ...(anchorAccount !== null && { anchorAccount: hexToBytes(anchorAccount) }),
  })
  return { did: created.did, genesis: created.operation, locator, ...keys }
}

/** The DID's deactivate, validly signed by its recovery key, not anchored. */
async function deactivateOf(g: Registered, signer: Signer = g.recoveryKey): Promise<Uint8Array> {
  const operation = {
    type: 'deactivate' as const,
    prev: operationDigest(g.genesis),
    recoveryKey: g.recoveryKey.publicKey,
  }
  return (await signOperation({ operation, domain: service.domain, signer })).bytes
}

/** An update of the DID's services, validly signed by its update key, not anchored. */
async function updateOf(g: Registered): Promise<Uint8Array> {
  const operation = {
    type: 'update' as const,
    prev: operationDigest(g.genesis),
    services: [{ id: 1, type: 'LinkedDomains' as const, endpoint: 'https://maker.example' }],
  }
  return (await signOperation({ operation, domain: service.domain, signer: g.updateKey })).bytes
}

describe('sealing a real DID', () => {
  it('deactivates it for resolvers and makes the registry refuse every later operation', async () => {
    const g = await registered()
    const sibling = await registered(owner.address, g.locator)
    // The owner seals through the client: the deactivate goes on chain with the seal.
    const done = await client.deactivate({
      did: g.did,
      recoveryKey: g.recoveryKey,
      anchor: ({ bytes }) => ownerLedger.seal({ did: g.did, genesis: g.genesis, operation: bytes }),
    })
    expect(await service.sealerOf(g.did)).toEqual({ sealer: undefined, nonce: 0n, sealed: true })
    expect((await service.read(g.did)).map((o) => o.bytes)).toEqual([g.genesis, done.operation])
    const resolved = await resolve(g.did)
    expect(resolved.didDocumentMetadata).toMatchObject({ deactivated: true, versionId: '2' })
    expect(resolved.didDocument).toEqual({ '@context': expect.anything(), id: g.did })

    // Nothing written afterwards lands: a validly signed update, nor the genesis again.
    const update = await updateOf(g)
    expect(await code(service.append([{ did: g.did, bytes: update }]))).toEqual(refusedBy('registry'))
    expect(await code(service.append([{ did: g.did, bytes: g.genesis }]))).toEqual(refusedBy('registry'))
    // The refusal names the operation, here the genesis in second place of its batch.
    const refused = await service
      .append([
        { did: sibling.did, bytes: await updateOf(sibling) },
        { did: g.did, bytes: g.genesis },
      ])
      .catch((e: unknown) => e as LedgerError)
    expect(refused).toMatchObject({
      message: 'the DID is sealed: the registry takes no more operations for it',
      details: `registry key ${service.keyOf(g.did)} (operation 1)`,
    })
    expect(
      await code(strangerLedger.seal({ did: g.did, genesis: g.genesis, operation: await deactivateOf(g) })),
    ).toEqual(refusedBy('DidSealed'))
    // Straight to the contract, from any account: refused too.
    const wallet = createWalletClient({ transport: http(node.rpcUrl), account: stranger, chain: undefined })
    const batch = encodeBatch([{ kind: 'keyed', key: service.keyOf(g.did), bytes: update }])
    await expect(
      wallet.writeContract({
        address: node.registry,
        abi: registryAbi,
        functionName: 'anchor',
        args: [bytesToHex(batch)],
        chain: null,
      }),
    ).rejects.toThrow(/DidSealed/)
    expect((await service.read(g.did)).map((o) => o.bytes)).toEqual([g.genesis, done.operation])
    // Its locator's other DIDs are untouched: the sibling still takes an update.
    await client.update({
      did: sibling.did,
      updateKey: sibling.updateKey,
      services: [{ id: 2, type: 'MarqueHandshake', endpoint: 'tcp://gw.example:7000' }],
    })
    expect((await resolve(sibling.did)).didDocumentMetadata.versionId).toBe('2')
  })

  it('keeps it deactivated when the deactivate was anchored before the seal', async () => {
    const g = await registered()
    const deactivated = await client.deactivate({ did: g.did, recoveryKey: g.recoveryKey })
    expect((await service.sealerOf(g.did)).sealed).toBe(false)
    // The seal anchors the same bytes again: a replay, which resolvers ignore.
    await ownerLedger.seal({ did: g.did, genesis: g.genesis, operation: deactivated.operation })
    expect((await service.sealerOf(g.did)).sealed).toBe(true)
    const resolved = await resolve(g.did)
    expect(resolved.didDocumentMetadata).toMatchObject({ deactivated: true, versionId: '2' })
    const history = await readHistory({ ledger: service, did: g.did })
    expect(history.versions.map((v) => v.type)).toEqual(['create', 'deactivate'])
    expect(history.ignored.map((i) => i.code)).toEqual(['DID_OP_REPLAY'])
    expect(await code(service.append([{ did: g.did, bytes: await updateOf(g) }]))).toEqual(
      refusedBy('registry'),
    )
  })

  it('freezes, but does not deactivate, a DID sealed with a deactivate that does not validate', async () => {
    // What the anchor account can do against the DID's controller: freeze it, as a relayer
    // can by refusing to anchor. It cannot change what the DID holds.
    const g = await registered()
    const forged = await deactivateOf(g, await generateSigner()) // right form, wrong signer
    await ownerLedger.seal({ did: g.did, genesis: g.genesis, operation: forged })
    const resolved = await resolve(g.did)
    expect(resolved.didDocumentMetadata.deactivated).toBeUndefined()
    expect(resolved.didDocumentMetadata.versionId).toBe('1')
    expect(resolved.didDocument?.verificationMethod).toHaveLength(1)
    const history = await readHistory({ ledger: service, did: g.did })
    expect(history.ignored.map((i) => i.code)).toEqual(['DID_OP_BAD_SIGNATURE'])
    // The controller's own operations are refused on chain from then on.
    const update = client.update({
      did: g.did,
      updateKey: g.updateKey,
      services: [{ id: 1, type: 'LinkedDomains', endpoint: 'https://maker.example' }],
    })
    await expect(update).rejects.toMatchObject({ code: LedgerErrorCode.InvalidOperation })
    await expect(client.deactivate({ did: g.did, recoveryKey: g.recoveryKey })).rejects.toMatchObject({
      code: LedgerErrorCode.InvalidOperation,
    })
    expect((await resolve(g.did)).didDocumentMetadata.versionId).toBe('1')
  })

  it('fails only the append that names a sealed DID when appends share a transaction', async () => {
    const g = await registered()
    await ownerLedger.seal({ did: g.did, genesis: g.genesis, operation: await deactivateOf(g) })
    const patient = await connect(await node.newAccount(), { batch: { waitMs: 200 } })
    const innocent = await registered()
    const innocentUpdate = await updateOf(innocent)
    const [refused, anchored] = await Promise.allSettled([
      patient.append([{ did: g.did, bytes: await updateOf(g) }]),
      patient.append([{ did: innocent.did, bytes: innocentUpdate }]),
    ])
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: LedgerErrorCode.InvalidOperation } })
    expect(anchored.status).toBe('fulfilled')
    expect((await service.read(innocent.did)).map((o) => o.bytes)).toEqual([innocent.genesis, innocentUpdate])
  })

  it('lets only the anchor account its genesis names seal it', async () => {
    const g = await registered()
    const deactivate = await deactivateOf(g)
    const attempt = (ledger: EvmLedger, genesis = g.genesis, operation = deactivate, did = g.did) =>
      code(ledger.seal({ did, genesis, operation }))
    expect(await attempt(strangerLedger)).toEqual(refusedBy('NotSealer'))
    // Not even the service that anchored the genesis and paid for it.
    expect(await attempt(service)).toEqual(refusedBy('NotSealer'))
    const tampered = g.genesis.slice()
    tampered[20]! ^= 1
    expect(await attempt(ownerLedger, tampered)).toEqual(refusedBy('InvalidGenesis'))
    // Another DID's genesis, though it names the owner too.
    const other = await registered()
    expect(await attempt(ownerLedger, other.genesis)).toEqual(refusedBy('InvalidGenesis'))
    // A DID whose genesis names no anchor account cannot be sealed by anyone.
    const unnamed = await registered(null)
    expect(await attempt(ownerLedger, unnamed.genesis, await deactivateOf(unnamed), unnamed.did)).toEqual(
      refusedBy('InvalidGenesis'),
    )
    // Malformed on purpose: 142 random bytes are not a deactivate; nor is a real update.
    expect(await attempt(ownerLedger, g.genesis, random(142))).toEqual(refusedBy('NotDeactivate'))
    expect(await attempt(ownerLedger, g.genesis, await updateOf(g))).toEqual(refusedBy('NotDeactivate'))
    expect(await attempt(ownerLedger, g.genesis, deactivate, 'did:example:x')).toEqual(
      refusedBy('InvalidGenesis'),
    )
    // None of that sealed anything, nor stopped the DID; the owner's seal still works after.
    expect((await service.sealerOf(g.did)).sealed).toBe(false)
    await client.update({
      did: g.did,
      updateKey: g.updateKey,
      services: [{ id: 1, type: 'LinkedDomains', endpoint: 'https://maker.example' }],
    })
    expect((await resolve(g.did)).didDocumentMetadata.versionId).toBe('2')
    await ownerLedger.seal({ did: g.did, genesis: g.genesis, operation: deactivate })
    expect((await resolve(g.did)).didDocumentMetadata.deactivated).toBe(true)
  })

  it('takes a factory batch that names its anchoring service once for every device', async () => {
    const devices = await Promise.all(
      Array.from({ length: 5 }, async () => ({
        deviceKey: await generateSigner(),
        updateKey: await generateSigner(),
        recoveryKey: await generateSigner(),
      })),
    )
    const batch = await client.createBatch({
      devices,
      locator: random(6),
      anchorAccount: hexToBytes(node.account.address),
    })
    for (const d of batch.dids) {
      expect(await genesisSealerOf(node, service.keyOf(d.did), d.operation)).toBe(
        node.account.address.toLowerCase(),
      )
    }
    // The service seals one of them itself, through the client.
    const third = batch.dids[2]!
    await client.deactivate({
      did: third.did,
      recoveryKey: devices[2]!.recoveryKey,
      anchor: ({ bytes }) => service.seal({ did: third.did, genesis: third.operation, operation: bytes }),
    })
    expect((await service.sealerOf(third.did)).sealed).toBe(true)
    expect((await service.sealerOf(batch.dids[1]!.did)).sealed).toBe(false)
    expect((await resolve(third.did)).didDocumentMetadata.deactivated).toBe(true)
  })

  it('takes a relayed seal signed for this chain and this registry only', async () => {
    const device = await node.newAccount() // holds ether it never spends
    const g = await registered(device.address)
    const deactivate = await deactivateOf(g)
    const key = service.keyOf(g.did)
    const request = { account: device, key, operation: deactivate }
    const otherChain = await signSealRequest({
      ...request,
      chainId: node.chainId + 1,
      registry: node.registry,
    })
    const other = await deployRegistry({ rpcUrl: node.rpcUrl, account: node.account })
    const otherRegistry = await signSealRequest({
      ...request,
      chainId: node.chainId,
      registry: other.address,
    })
    const good = await signSealRequest({ ...request, chainId: node.chainId, registry: node.registry })
    const seal = (signature: `0x${string}`, operation = deactivate) =>
      service.seal({ did: g.did, genesis: g.genesis, operation, signature })
    expect(await code(seal(otherChain))).toEqual(refusedBy('NotSealer'))
    expect(await code(seal(otherRegistry))).toEqual(refusedBy('NotSealer'))
    // The same signature over another operation (another deactivate of the DID): refused.
    const another = await deactivateOf(g, await generateSigner())
    expect(await code(seal(good, another))).toEqual(refusedBy('NotSealer'))
    // The twin of a valid signature (s → n − s, EIP-2): refused.
    const { r, s, yParity } = parseSignature(good)
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const twin = serializeSignature({
      r,
      s: `0x${(n - BigInt(s)).toString(16).padStart(64, '0')}`,
      yParity: 1 - yParity!,
    })
    expect(await code(seal(twin))).toEqual(refusedBy('InvalidSignature'))
    expect(await code(seal('0x1234'))).toEqual(refusedBy('InvalidSignature'))
    await seal(good)
    expect((await service.sealerOf(g.did)).sealed).toBe(true)
    expect((await resolve(g.did)).didDocumentMetadata.deactivated).toBe(true)
    // The sealer paid nothing: the service did.
    const balance = await createPublicClient({ transport: http(node.rpcUrl) }).getBalance({
      address: device.address,
    })
    expect(balance).toBe(100n * 10n ** 18n)
  })

  it('hands the right to seal on, once per signature', async () => {
    const g = await registered()
    const buyer = await node.newAccount()
    const key = service.keyOf(g.did)
    expect(
      await code(ownerLedger.setSealer({ did: g.did, genesis: g.genesis, sealer: `0x${'00'.repeat(20)}` })),
    ).toEqual(refusedBy('InvalidSealer'))
    const nonce = (await service.sealerOf(g.did)).nonce
    const signature = await signSetSealerRequest({
      account: owner,
      chainId: node.chainId,
      registry: node.registry,
      key,
      sealer: buyer.address,
      nonce,
    })
    await service.setSealer({ did: g.did, genesis: g.genesis, sealer: buyer.address, signature })
    expect(await service.sealerOf(g.did)).toEqual({ sealer: buyer.address, nonce: nonce + 1n, sealed: false })
    // Replayed: the nonce moved on, so it recovers another signer.
    expect(await code(service.setSealer({ did: g.did, sealer: buyer.address, signature }))).toEqual(
      refusedBy('NotSealer'),
    )
    // The genesis's account has no right left; the buyer has it, without the genesis.
    const deactivate = await deactivateOf(g)
    expect(await code(ownerLedger.seal({ did: g.did, genesis: g.genesis, operation: deactivate }))).toEqual(
      refusedBy('NotSealer'),
    )
    const buyerLedger = await connect(buyer)
    await buyerLedger.seal({ did: g.did, operation: deactivate })
    expect((await resolve(g.did)).didDocumentMetadata.deactivated).toBe(true)
    expect(await code(buyerLedger.setSealer({ did: g.did, sealer: owner.address }))).toEqual(
      refusedBy('DidSealed'),
    )
    await buyerLedger.close()
  })
})
