// `pnpm bench evm`: what anchoring did:marque on an EVM chain costs, on a real anvil node at
// its default hardfork (so EIP-7623's calldata floor applies), beside an ERC-1056-style
// registry (the contract did:ethr uses) on the same node.
//
// - Gas per device registration, amortized over factory batches of 1, 10, 100 and 1,000,
//   and gas per operation type; bytes per operation.
// - Resolution: sequential RPC round trips and latency for DIDs with 1, 10 and 100
//   operations, beside the ERC-1056 event walk of did:ethr's resolver.
//
// The operations are real, signed by @marque/did's client, the seal's too: its genesis names
// an anchor account (field 10, 22 bytes more per genesis), which registrations are also
// measured with.
import { fromHex, generateSigner } from '@marque/crypto'
import { createDidClient, type DidClient } from '@marque/did'
import { createEvmLedger, type EvmLedger } from '@marque/ledger-evm'
import {
  compileSolidity,
  countRoundTrips,
  type RegistryNode,
  startRegistryNode,
  startRpcProxy,
} from '@marque/ledger-evm/testing'
import { measure, msFmt, type Row, report } from '../harness.js'

// An ERC-1056-style registry, written from the EIP (https://eips.ethereum.org/EIPS/eip-1056):
// the owner check, the `changed` block pointer and the event carrying `previousChange` are
// what a did:ethr change pays for and what its resolver walks.
const ERC1056_STYLE = `// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;
contract Erc1056Style {
    mapping(address => address) public owners;
    mapping(address => uint256) public changed;
    event DIDOwnerChanged(address indexed identity, address owner, uint256 previousChange);
    event DIDAttributeChanged(address indexed identity, bytes32 name, bytes value, uint256 validTo, uint256 previousChange);
    function identityOwner(address identity) public view returns (address) {
        address owner = owners[identity];
        return owner == address(0) ? identity : owner;
    }
    function setAttribute(address identity, bytes32 name, bytes calldata value, uint256 validity) external {
        require(msg.sender == identityOwner(identity), "not the owner");
        emit DIDAttributeChanged(identity, name, value, block.timestamp + validity, changed[identity]);
        changed[identity] = block.number;
    }
}
`
// did:ethr's attribute name for an Ed25519 verification key, as bytes32.
const ED25519_KEY_ATTRIBUTE =
  `0x${Buffer.from('did/pub/Ed25519/veriKey/raw').toString('hex').padEnd(64, '0')}` as const
const YEAR = 31_536_000n

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString('hex')}` as const
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const gasFmt = (n: number) => Math.round(n).toLocaleString('en-US')

export default async function evm(): Promise<void> {
  const node = await startRegistryNode()
  const proxy = await startRpcProxy({ target: node.rpcUrl, latencyMs: 20 })
  try {
    const ledger = await createEvmLedger({
      rpcUrl: node.rpcUrl,
      address: node.registry,
      account: node.account,
      batch: { maxBytes: 1_000_000, waitMs: 0 },
      pollingIntervalMs: 10,
    })
    const gasOf = (result: { anchorId: string }) => node.gasUsed(result.anchorId)
    const peer = await startPeer(node)

    // The peer's device: a first change (did:ethr's Ed25519 key attribute), one transaction
    // per device, then a later change.
    const first: number[] = []
    const later: number[] = []
    for (let i = 0; i < 10; i++) {
      const identity = await node.newAccount()
      first.push(await peer.change(identity))
      later.push(await peer.change(identity))
    }
    const peerDevice = median(first)

    // The manufacturer's controller keys, shared by its devices; each device its own key.
    const maker = { updateKey: await generateSigner(), recoveryKey: await generateSigner() }
    const device = async () => ({ deviceKey: await generateSigner(), ...maker })
    const devices = (n: number) => Promise.all(Array.from({ length: n }, device))
    const client = createDidClient({ ledger })

    const registration: Row[] = []
    const genesisBytes = new Set<number>()
    // The factory's anchoring service, named as every device's anchor account (field 10).
    const anchorAccount = accountBytes(node.account.address)
    for (const [n, account] of [
      [1, undefined],
      [10, undefined],
      [100, undefined],
      [1000, undefined],
      [100, anchorAccount],
      [1000, anchorAccount],
    ] as const) {
      const batch = await client.createBatch({
        devices: await devices(n),
        locator: random(6),
        ...(account !== undefined && { anchorAccount: account }),
      })
      const bytes = batch.dids[0]!.operation.length
      genesisBytes.add(bytes)
      const perDevice = (await gasOf(batch)) / n
      registration.push({
        name: `batch of ${n.toLocaleString('en-US')}, one locator${account === undefined ? '' : `, anchor account (${bytes} B)`}`,
        ours: gasFmt(perDevice),
        peer: `${gasFmt(peerDevice)} (ERC-1056 first change)`,
        ratio: peerDevice / perDevice,
        ...(n >= 100
          ? { target: '≤ 10,000 and ≥ 5×', met: perDevice <= 10_000 && peerDevice / perDevice >= 5 }
          : {}),
      })
    }
    const scattered = await client.createBatch({ devices: await devices(100) })
    const perScattered = (await gasOf(scattered)) / 100
    registration.push({
      name: 'batch of 100, a locator each',
      ours: gasFmt(perScattered),
      peer: gasFmt(peerDevice),
      ratio: peerDevice / perScattered,
    })
    report(
      `EVM registry: gas per registered device (anvil ${node.hardfork}, EIP-7623 floor; genesis ${[...genesisBytes].join(' or ')} bytes)`,
      registration,
    )

    // Operation types: alone in a transaction (the DID's first later operation, which
    // opens its block list, then another), and 100 DIDs' at once in one transaction.
    const batched = await createEvmLedger({
      rpcUrl: node.rpcUrl,
      address: node.registry,
      account: node.account,
      batch: { maxOperations: 100, waitMs: 2000 },
      pollingIntervalMs: 10,
    })
    const batchedClient = createDidClient({ ledger: batched })
    const lastAnchor = async (did: string) => ({ anchorId: (await ledger.read(did)).at(-1)!.anchorId })
    const fresh = async (n: number) =>
      (await client.createBatch({ devices: await devices(n), locator: random(6) })).dids.map((d) => d.did)
    const kinds = {
      'update (rotate a device key)': async (c: DidClient, did: string) =>
        (await c.rotate({ did, updateKey: maker.updateKey, keys: [await generateSigner()] })).operation,
      transfer: async (c: DidClient, did: string) =>
        (
          await c.transfer({
            did,
            recoveryKey: maker.recoveryKey,
            updateKey: maker.updateKey,
            nextRecoveryKey: maker.recoveryKey,
          })
        ).operation,
      deactivate: async (c: DidClient, did: string) =>
        (await c.deactivate({ did, recoveryKey: maker.recoveryKey })).operation,
    }
    const types: Row[] = []
    for (const [name, write] of Object.entries(kinds)) {
      const [one, two] = await fresh(2)
      const bytes = (await write(client, one!)).length
      const alone = await gasOf(await lastAnchor(one!))
      // The later one: after a rotation opened the DID's list.
      await kinds['update (rotate a device key)'](client, two!)
      await write(client, two!)
      const again = await gasOf(await lastAnchor(two!))
      const many = await fresh(100)
      await Promise.all(many.map((did) => write(batchedClient, did)))
      const anchors = new Set(await Promise.all(many.map(async (did) => (await lastAnchor(did)).anchorId)))
      const total = (await Promise.all([...anchors].map((anchorId) => gasOf({ anchorId })))).reduce(
        (x, y) => x + y,
        0,
      )
      types.push({
        name: `${name}, ${bytes} bytes: alone (first / later), 100 at once`,
        ours: `${gasFmt(alone)} / ${gasFmt(again)}, ${gasFmt(total / 100)} (${anchors.size} tx)`,
        peer: `${gasFmt(median(first))} / ${gasFmt(median(later))} (a change)`,
      })
    }
    {
      const owner = await node.newAccount()
      const { did, operation: genesis } = await client.create({
        ...(await device()),
        anchorAccount: accountBytes(owner.address),
      })
      const sealer = await createEvmLedger({
        rpcUrl: node.rpcUrl,
        address: node.registry,
        account: owner,
        pollingIntervalMs: 10,
      })
      let sealed: { anchorId: string } | undefined
      await client.deactivate({
        did,
        recoveryKey: maker.recoveryKey,
        anchor: async ({ bytes }) => {
          sealed = await sealer.seal({ did, genesis, operation: bytes })
        },
      })
      types.push({
        name: `seal: deactivate, refused from then on (genesis of ${genesis.length} B as proof)`,
        ours: gasFmt(await gasOf(sealed!)),
      })
      await sealer.close()
    }
    types.push({
      name: 'bytes a record adds in a batch',
      ours: 'genesis 2 (8 where the locator changes); other 34',
    })
    report('EVM registry: gas per operation type', types)

    // Resolution, directly against anvil and through a proxy adding 20 ms a round trip.
    const counted = countRoundTrips(proxy.url)
    const remote = await createEvmLedger({ transport: counted.transport, address: node.registry })
    const direct = await createEvmLedger({ rpcUrl: node.rpcUrl, address: node.registry })
    const peerCounted = countRoundTrips(proxy.url)
    const resolution: Row[] = []
    for (const ops of [1, 10, 100]) {
      const did = await history(ledger, ops)
      const identity = await node.newAccount()
      for (let i = 0; i < ops; i++) await peer.change(identity)
      counted.reset()
      await remote.read(did)
      const ours = counted.rounds()
      peerCounted.reset()
      await peer.resolve(peerCounted.transport, identity.address)
      const theirs = peerCounted.rounds()
      resolution.push({
        name: `${ops} operation(s): sequential round trips`,
        ours: String(ours),
        peer: `${theirs} (ERC-1056 walk)`,
        ratio: theirs / ours,
        target: '≤ 2',
        met: ours <= 2,
      })
      const local = await measure(() => direct.read(did), { time: 400, warmup: 50 })
      const far = await measure(() => remote.read(did), { time: 400, warmup: 50 })
      const peerFar = await measure(() => peer.resolve(peerCounted.transport, identity.address), {
        time: 400,
        warmup: 50,
      })
      resolution.push({
        name: `${ops} operation(s): p50, anvil direct / 20 ms a round trip`,
        ours: `${msFmt(local.p50)} / ${msFmt(far.p50)}`,
        peer: `${msFmt(peerFar.p50)} (20 ms a round trip)`,
        ratio: (peerFar.p50 ?? 0) / (far.p50 ?? 1),
      })
    }
    report('EVM registry: resolution (anvil; a proxy adds 20 ms to each answer)', resolution)
    await Promise.all([ledger.close(), batched.close(), remote.close(), direct.close()])
  } finally {
    await proxy.kill()
    await node.stop()
  }
}

/** A 0x-prefixed EVM address as its 20 bytes. */
function accountBytes(address: `0x${string}`): Uint8Array {
  return fromHex(address.slice(2))
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** A DID with `count` operations: its genesis, then key rotations, one a block. */
async function history(ledger: EvmLedger, count: number): Promise<string> {
  const client = createDidClient({ ledger })
  const updateKey = await generateSigner()
  const { did } = await client.create({
    deviceKey: await generateSigner(),
    updateKey,
    recoveryKey: await generateSigner(),
  })
  for (let i = 1; i < count; i++) await client.rotate({ did, updateKey, keys: [await generateSigner()] })
  return did
}

type Identity = Awaited<ReturnType<RegistryNode['newAccount']>>
type Transport = Parameters<RegistryNode['publicClient']>[0]

async function startPeer(node: RegistryNode) {
  const { abi, bytecode } = await compileSolidity({
    sources: { 'Erc1056Style.sol': ERC1056_STYLE },
    path: 'Erc1056Style.sol',
    contract: 'Erc1056Style',
  })
  const client = node.publicClient()
  const deployer = node.walletClient(node.account)
  const deployed = await client.waitForTransactionReceipt({
    hash: await deployer.deployContract({ abi, bytecode }),
  })
  const address = deployed.contractAddress!
  return {
    /** One change from the identity's own account; the gas it used. */
    async change(identity: Identity): Promise<number> {
      const hash = await node.walletClient(identity).writeContract({
        address,
        abi,
        functionName: 'setAttribute',
        args: [identity.address, ED25519_KEY_ATTRIBUTE, hex(random(32)), YEAR],
      })
      return Number((await client.waitForTransactionReceipt({ hash })).gasUsed)
    },
    /**
     * Resolution as did:ethr's resolver does it: read `changed`, walk the
     * `previousChange` pointers back with one eth_getLogs per changed block, then read the
     * block of the last change for the document's metadata.
     */
    async resolve(transport: Transport, identity: `0x${string}`): Promise<number> {
      const reader = node.publicClient(transport)
      const latest = (await reader.readContract({
        address,
        abi,
        functionName: 'changed',
        args: [identity],
      })) as bigint
      const topic = `0x${identity.slice(2).toLowerCase().padStart(64, '0')}`
      let events = 0
      for (let block = latest; block !== 0n; ) {
        const logs = (await reader.getLogs({ address, fromBlock: block, toBlock: block })).filter(
          (log) => log.topics[1]?.toLowerCase() === topic,
        )
        events += logs.length
        // DIDAttributeChanged's data: name, offset of value, validTo, previousChange, value.
        block = logs.length === 0 ? 0n : BigInt(`0x${logs[0]!.data.slice(2 + 64 * 3, 2 + 64 * 4)}`)
      }
      if (latest !== 0n) await reader.getBlock({ blockNumber: latest })
      return events
    },
  }
}
