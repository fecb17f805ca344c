// Deactivation on chain: once sealed, the registry refuses every later operation for the
// DID; only the DID's sealer may seal, directly or relayed, and a relayed request binds the
// chain and the registry (EIP-712).
import { LedgerError, LedgerErrorCode } from '@marque/ledger'
import {
  bytesToHex,
  createPublicClient,
  createWalletClient,
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
import { testCreate, testDeactivate } from '../src/testing/index.js'
import { type Chain, useChain } from './fixture.js'
import { random } from './helpers.js'

let node: RegistryNode
let service: EvmLedger // the manufacturer's anchoring service: pays gas, relays
let owner: LocalAccount // the device's owner: named in the genesis
let ownerLedger: EvmLedger
let stranger: LocalAccount
let strangerLedger: EvmLedger
let connect: Chain['connect']

useChain(async (chain) => {
  ;({ node, ledger: service, connect } = chain)
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

async function registered(anchorAccount = owner.address) {
  const locator = random(6)
  const genesis = testCreate({ locator: locator, anchorAccount: anchorAccount })
  await service.append([{ did: genesis.did, bytes: genesis.bytes }])
  return { ...genesis, locator }
}

describe('sealing', () => {
  it('anchors the deactivation and refuses every later operation for the DID', async () => {
    const g = await registered()
    const sibling = testCreate({ locator: g.locator, anchorAccount: owner.address })
    const deactivate = testDeactivate()
    const sealed = await ownerLedger.seal({ did: g.did, genesis: g.bytes, operation: deactivate })
    expect(await service.sealerOf(g.did)).toEqual({ sealer: undefined, nonce: 0n, sealed: true })
    const ops = await service.read(g.did)
    expect(ops.map((o) => o.bytes)).toEqual([g.bytes, deactivate])
    expect(ops[1]!.position).toBe(sealed.positions[0])
    // Nothing written afterwards lands: not a later operation, not the genesis again.
    expect(await code(service.append([{ did: g.did, bytes: random(90) }]))).toEqual([
      LedgerErrorCode.InvalidOperation,
      'registry',
    ])
    expect(await code(service.append([{ did: g.did, bytes: g.bytes }]))).toEqual([
      LedgerErrorCode.InvalidOperation,
      'registry',
    ])
    // The refusal names the operation, here the genesis in second place of its batch.
    const refused = await service
      .append([testCreate(), { did: g.did, bytes: g.bytes }])
      .catch((e: unknown) => e as LedgerError)
    expect(refused).toMatchObject({
      message: 'the DID is sealed: the registry takes no more operations for it',
      details: `registry key ${service.keyOf(g.did)} (operation 1)`,
    })
    expect(
      await code(strangerLedger.seal({ did: g.did, genesis: g.bytes, operation: testDeactivate() })),
    ).toEqual([LedgerErrorCode.InvalidOperation, 'DidSealed'])
    // Straight to the contract, from any account: refused too.
    const wallet = createWalletClient({ transport: http(node.rpcUrl), account: stranger, chain: undefined })
    const batch = encodeBatch([{ kind: 'keyed', key: service.keyOf(g.did), bytes: random(10) }])
    await expect(
      wallet.writeContract({
        address: node.registry,
        abi: registryAbi,
        functionName: 'anchor',
        args: [bytesToHex(batch)],
        chain: null,
      }),
    ).rejects.toThrow(/DidSealed/)
    expect((await service.read(g.did)).map((o) => o.bytes)).toEqual([g.bytes, deactivate])
    // Its locator's other DIDs are untouched, even in the same batch as a refused one.
    await service.append([{ did: sibling.did, bytes: sibling.bytes }])
    expect((await service.read(sibling.did)).map((o) => o.bytes)).toEqual([sibling.bytes])
  })

  it('fails only the append that names a sealed DID when appends share a transaction', async () => {
    const g = await registered()
    await ownerLedger.seal({ did: g.did, genesis: g.bytes, operation: testDeactivate() })
    const patient = await connect(await node.newAccount(), { batch: { waitMs: 200 } })
    const innocent = testCreate()
    const [refused, anchored] = await Promise.allSettled([
      patient.append([{ did: g.did, bytes: random(40) }]),
      patient.append([innocent]),
    ])
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: LedgerErrorCode.InvalidOperation } })
    expect(anchored.status).toBe('fulfilled')
    expect((await service.read(innocent.did)).map((o) => o.bytes)).toEqual([innocent.bytes])
  })

  it('lets only the anchor account its genesis names seal it', async () => {
    const g = await registered()
    const deactivate = testDeactivate()
    expect(await code(strangerLedger.seal({ did: g.did, genesis: g.bytes, operation: deactivate }))).toEqual([
      LedgerErrorCode.InvalidOperation,
      'NotSealer',
    ])
    const tampered = g.bytes.slice()
    tampered[20]! ^= 1
    expect(await code(ownerLedger.seal({ did: g.did, genesis: tampered, operation: deactivate }))).toEqual([
      LedgerErrorCode.InvalidOperation,
      'InvalidGenesis',
    ])
    const unnamed = testCreate({ locator: random(6) })
    await service.append([{ did: unnamed.did, bytes: unnamed.bytes }])
    expect(
      await code(ownerLedger.seal({ did: unnamed.did, genesis: unnamed.bytes, operation: deactivate })),
    ).toEqual([LedgerErrorCode.InvalidOperation, 'InvalidGenesis'])
    expect(await code(ownerLedger.seal({ did: g.did, genesis: g.bytes, operation: random(142) }))).toEqual([
      LedgerErrorCode.InvalidOperation,
      'NotDeactivate',
    ])
    expect(
      await code(ownerLedger.seal({ did: 'did:example:x', genesis: g.bytes, operation: deactivate })),
    ).toEqual([LedgerErrorCode.InvalidOperation, 'InvalidGenesis'])
    // None of that sealed anything, nor stopped the DID.
    expect((await service.sealerOf(g.did)).sealed).toBe(false)
    await service.append([{ did: g.did, bytes: random(50) }])
  })

  it('takes a relayed seal signed for this chain and this registry only', async () => {
    const device = await node.newAccount() // holds ether it never spends
    const g = await registered(device.address)
    const deactivate = testDeactivate()
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
    const seal = (signature: `0x${string}`) =>
      service.seal({ did: g.did, genesis: g.bytes, operation: deactivate, signature })
    expect(await code(seal(otherChain))).toEqual([LedgerErrorCode.InvalidOperation, 'NotSealer'])
    expect(await code(seal(otherRegistry))).toEqual([LedgerErrorCode.InvalidOperation, 'NotSealer'])
    // The same signature over another operation: refused.
    expect(
      await code(
        service.seal({ did: g.did, genesis: g.bytes, operation: testDeactivate(), signature: good }),
      ),
    ).toEqual([LedgerErrorCode.InvalidOperation, 'NotSealer'])
    // The twin of a valid signature (s → n − s, EIP-2): refused.
    const { r, s, yParity } = parseSignature(good)
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const twin = serializeSignature({
      r,
      s: `0x${(n - BigInt(s)).toString(16).padStart(64, '0')}`,
      yParity: 1 - yParity!,
    })
    expect(await code(seal(twin))).toEqual([LedgerErrorCode.InvalidOperation, 'InvalidSignature'])
    expect(await code(seal('0x1234'))).toEqual([LedgerErrorCode.InvalidOperation, 'InvalidSignature'])
    await seal(good)
    expect((await service.sealerOf(g.did)).sealed).toBe(true)
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
      await code(ownerLedger.setSealer({ did: g.did, genesis: g.bytes, sealer: `0x${'00'.repeat(20)}` })),
    ).toEqual([LedgerErrorCode.InvalidOperation, 'InvalidSealer'])
    const nonce = (await service.sealerOf(g.did)).nonce
    const signature = await signSetSealerRequest({
      account: owner,
      chainId: node.chainId,
      registry: node.registry,
      key,
      sealer: buyer.address,
      nonce,
    })
    await service.setSealer({ did: g.did, genesis: g.bytes, sealer: buyer.address, signature })
    expect(await service.sealerOf(g.did)).toEqual({ sealer: buyer.address, nonce: nonce + 1n, sealed: false })
    // Replayed: the nonce moved on, so it recovers another signer.
    expect(await code(service.setSealer({ did: g.did, sealer: buyer.address, signature }))).toEqual([
      LedgerErrorCode.InvalidOperation,
      'NotSealer',
    ])
    // The genesis's account has no right left; the buyer has it, without the genesis.
    expect(
      await code(ownerLedger.seal({ did: g.did, genesis: g.bytes, operation: testDeactivate() })),
    ).toEqual([LedgerErrorCode.InvalidOperation, 'NotSealer'])
    const buyerLedger = await connect(buyer)
    await buyerLedger.seal({ did: g.did, operation: testDeactivate() })
    expect(await code(buyerLedger.setSealer({ did: g.did, sealer: owner.address }))).toEqual([
      LedgerErrorCode.InvalidOperation,
      'DidSealed',
    ])
    await buyerLedger.close()
  })
})
