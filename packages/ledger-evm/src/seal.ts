// Deactivation on chain: sealing a DID so that the registry refuses every later operation
// for it (docs/ledger-evm.md, "Deactivation on chain"), and handing the right to seal on.
import { type AppendResult, LedgerError, LedgerErrorCode } from '@marque/ledger'
import {
  type Address,
  BaseError,
  bytesToHex,
  ContractFunctionRevertedError,
  encodeFunctionData,
  getAddress,
  type Hex,
  isAddress,
  keccak256,
  type LocalAccount,
  type PublicClient,
  toEventSelector,
  zeroAddress,
} from 'viem'
import { registryAbi } from './artifacts/registry.js'
import { invalidParameter } from './errors.js'
import { positionOf } from './position.js'
import { describe, type RetryPolicy, withRetry } from './rpc.js'
import type { Sender } from './send.js'

/** The parameters of {@link EvmLedger.seal}. */
export interface SealParameters {
  /** The DID to deactivate for good. */
  did: string
  /** Its signed deactivate operation (did:marque version 1), anchored in the same transaction. */
  operation: Uint8Array
  /** Its signed genesis operation; may be left out once a sealer was set on chain. */
  genesis?: Uint8Array
  /**
   * The sealer's EIP-712 signature (see `signSealRequest`) when the ledger's account only
   * relays; without it the ledger's account must be the sealer.
   */
  signature?: Hex
}

/** The parameters of {@link EvmLedger.setSealer}. */
export interface SetSealerParameters {
  /** The DID whose right to seal changes hands. */
  did: string
  /** The account that may seal `did` from now on. */
  sealer: Address
  /**
   * Its signed genesis operation, which names the anchor account; may be left out once a
   * sealer was set on chain.
   */
  genesis?: Uint8Array
  /** The current sealer's EIP-712 signature (see `signSetSealerRequest`), when relayed. */
  signature?: Hex
}

/** What {@link EvmLedger.sealerOf} returns: who may seal a DID, and whether it is sealed. */
export interface SealerOfReturnType {
  /** The sealer set on chain; undefined while the genesis's anchor account is the sealer. */
  readonly sealer: Address | undefined
  /** What the next relayed `setSealer` must sign. */
  readonly nonce: bigint
  /** Whether the registry takes no more operations for the DID. */
  readonly sealed: boolean
}

export interface Sealing {
  /**
   * Anchors `operation` (the DID's deactivate) and seals the DID, in one transaction.
   * @throws LedgerError `LEDGER_INVALID_OPERATION` when the registry refuses (not the
   *   sealer, genesis or operation malformed, already sealed), `LEDGER_INVALID_PARAMETER`
   *   for empty bytes or a ledger without an account, `LEDGER_UNAVAILABLE`.
   */
  seal(parameters: SealParameters): Promise<AppendResult>
  /**
   * Hands the right to seal the DID to another account.
   * @throws LedgerError as {@link Sealing.seal}.
   */
  setSealer(parameters: SetSealerParameters): Promise<{
    /** The hash of the transaction that changed the sealer. */
    anchorId: string
    /** Its block's timestamp, in whole seconds since the Unix epoch. */
    time: number
  }>
  /** @throws LedgerError `LEDGER_UNAVAILABLE`. */
  sealerOf(did: string): Promise<SealerOfReturnType>
}

export interface SealingContext {
  readonly client: PublicClient
  readonly address: Address
  readonly chainId: number
  readonly retry: RetryPolicy
  readonly keyOf: (did: string) => Hex
  readonly sender: () => Sender
  readonly account: LocalAccount | undefined
}

const ANCHORED_TOPIC = toEventSelector('Anchored(bytes32,bytes)')

export function createSealing(context: SealingContext): Sealing {
  const { client, address, retry } = context

  const submit = async (data: Hex) => {
    const sender = context.sender()
    const gas = await withRetry(
      'eth_estimateGas',
      () => client.estimateGas({ account: context.account!, to: address, data }),
      retry,
      undefined,
      (error) => error instanceof BaseError && /revert/i.test(error.message),
    ).catch((error: unknown) => {
      throw refused(error, data)
    })
    return sender.send(data, (gas * 5n) / 4n)
  }

  return {
    async seal(parameters) {
      const key = context.keyOf(parameters.did)
      const operation = bytesOf(parameters.operation, 'operation')
      const genesis =
        parameters.genesis === undefined ? '0x' : bytesToHex(bytesOf(parameters.genesis, 'genesis'))
      const data =
        parameters.signature === undefined
          ? encodeFunctionData({
              abi: registryAbi,
              functionName: 'seal',
              args: [key, genesis, bytesToHex(operation)],
            })
          : encodeFunctionData({
              abi: registryAbi,
              functionName: 'sealWithSignature',
              args: [key, genesis, bytesToHex(operation), parameters.signature],
            })
      const sent = await submit(data)
      const log = sent.receipt.logs.find(
        (l) => l.address.toLowerCase() === address.toLowerCase() && l.topics[0] === ANCHORED_TOPIC,
      )
      if (log === undefined) {
        throw new LedgerError(LedgerErrorCode.Corrupt, 'the registry did not log the deactivation', {
          details: `transaction ${sent.hash}`,
        })
      }
      return {
        anchorId: sent.hash,
        time: sent.time,
        positions: [positionOf(sent.blockNumber, log.logIndex!)],
      }
    },
    async setSealer(parameters) {
      const key = context.keyOf(parameters.did)
      if (typeof parameters.sealer !== 'string' || !isAddress(parameters.sealer, { strict: false })) {
        throw invalidParameter('sealer must be an address (0x and 40 hex digits)')
      }
      const sealer = getAddress(parameters.sealer)
      const genesis =
        parameters.genesis === undefined ? '0x' : bytesToHex(bytesOf(parameters.genesis, 'genesis'))
      const data =
        parameters.signature === undefined
          ? encodeFunctionData({ abi: registryAbi, functionName: 'setSealer', args: [key, genesis, sealer] })
          : encodeFunctionData({
              abi: registryAbi,
              functionName: 'setSealerWithSignature',
              args: [key, genesis, sealer, parameters.signature],
            })
      const sent = await submit(data)
      return { anchorId: sent.hash, time: sent.time }
    },
    async sealerOf(did) {
      const key = context.keyOf(did)
      const [sealer, nonce, sealed] = await withRetry(
        'eth_call sealerOf',
        () => client.readContract({ address, abi: registryAbi, functionName: 'sealerOf', args: [key] }),
        retry,
      )
      return { sealer: sealer === zeroAddress ? undefined : sealer, nonce, sealed }
    },
  }
}

const REASONS: Record<string, string> = {
  NotSealer: 'the signer is not the account allowed to seal this DID',
  InvalidGenesis: 'the genesis is not this DID’s, or names no anchor account',
  NotDeactivate: 'the operation is not a did:marque version 1 deactivate',
  DidSealed: 'the DID is sealed already',
  InvalidSignature: 'the relayed signature is malformed or signs something else',
  InvalidSealer: 'the new sealer must not be the zero address',
}

function refused(error: unknown, data: Hex): unknown {
  if (error instanceof LedgerError) return error
  if (!(error instanceof BaseError)) return error
  // estimateGas reports the revert data raw; decode it against the registry's errors.
  const revert = error.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null
  const name = revert?.data?.errorName ?? decodeName(error)
  return new LedgerError(
    LedgerErrorCode.InvalidOperation,
    REASONS[name ?? ''] ?? 'the registry refused the request',
    {
      details: `${name ?? describe(error)} (call ${data.slice(0, 10)})`,
    },
  )
}

function decodeName(error: BaseError): string | undefined {
  const raw = (error.walk((e) => typeof (e as { data?: unknown }).data === 'string') as { data?: Hex } | null)
    ?.data
  if (raw === undefined || raw.length < 10) return undefined
  const selector = raw.slice(0, 10)
  for (const item of registryAbi) {
    if (
      item.type === 'error' &&
      keccak256(new TextEncoder().encode(signature(item))).slice(0, 10) === selector
    ) {
      return item.name
    }
  }
  return undefined
}

function signature(item: { name: string; inputs: readonly { type: string }[] }): string {
  return `${item.name}(${item.inputs.map((i) => i.type).join(',')})`
}

function bytesOf(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length === 0)
    throw invalidParameter(`${name} must be non-empty bytes`)
  return value
}

/**
 * The parameters of {@link signSealRequest}; {@link sealRequestTypedData} takes them without
 * `account`.
 */
export interface SealRequestParameters {
  /** The sealer's account. */
  account: LocalAccount
  /** The chain and registry the request is for: it is valid on no other. */
  chainId: number
  /** The registry's address (`EvmLedger.address`). */
  registry: Address
  /** The DID's registry key (`EvmLedger.keyOf(did)`). */
  key: Hex
  /** The deactivate operation to anchor with the seal. */
  operation: Uint8Array
}

/** The EIP-712 typed data a sealer signs so that another account may submit its seal. */
export function sealRequestTypedData(parameters: Omit<SealRequestParameters, 'account'>) {
  return {
    /** The registry's EIP-712 domain on its chain. */
    domain: eip712Domain(parameters.chainId, parameters.registry),
    /** The one struct signed: `Seal(bytes32 did,bytes32 operation)`. */
    types: {
      /** The members of `Seal`, in order. */
      Seal: [
        {
          /** `did`: the DID's registry key. */
          name: 'did',
          /** A 32-byte word. */
          type: 'bytes32',
        },
        {
          /** `operation`: the keccak256 of the deactivate operation. */
          name: 'operation',
          /** A 32-byte word. */
          type: 'bytes32',
        },
      ],
    },
    /** The struct signed: `Seal`. */
    primaryType: 'Seal',
    /** The values signed. */
    message: {
      /** The DID's registry key. */
      did: parameters.key,
      /** The keccak256 of the deactivate operation's bytes. */
      operation: keccak256(parameters.operation),
    },
  } as const
}

/** Signs a relayed seal (see {@link sealRequestTypedData}). */
export function signSealRequest(parameters: SealRequestParameters): Promise<Hex> {
  return parameters.account.signTypedData(sealRequestTypedData(parameters))
}

/**
 * The parameters of {@link signSetSealerRequest}; {@link setSealerRequestTypedData} takes
 * them without `account`.
 */
export interface SetSealerRequestParameters {
  /** The current sealer's account. */
  account: LocalAccount
  /** The chain the request is for (`EvmLedger.chainId`): it is valid on no other. */
  chainId: number
  /** The registry's address (`EvmLedger.address`): the request is valid at no other. */
  registry: Address
  /** The DID's registry key (`EvmLedger.keyOf(did)`). */
  key: Hex
  /** The new sealer. */
  sealer: Address
  /** The DID's current nonce (`sealerOf(did).nonce`). */
  nonce: bigint
}

/** The EIP-712 typed data the current sealer signs to hand its right on through a relayer. */
export function setSealerRequestTypedData(parameters: Omit<SetSealerRequestParameters, 'account'>) {
  return {
    /** The registry's EIP-712 domain on its chain. */
    domain: eip712Domain(parameters.chainId, parameters.registry),
    /** The one struct signed: `SetSealer(bytes32 did,address sealer,uint256 nonce)`. */
    types: {
      /** The members of `SetSealer`, in order. */
      SetSealer: [
        {
          /** `did`: the DID's registry key. */
          name: 'did',
          /** A 32-byte word. */
          type: 'bytes32',
        },
        {
          /** `sealer`: the new sealer. */
          name: 'sealer',
          /** A 20-byte account address. */
          type: 'address',
        },
        {
          /** `nonce`: the DID's current nonce, so the signature works once. */
          name: 'nonce',
          /** An unsigned 256-bit integer. */
          type: 'uint256',
        },
      ],
    },
    /** The struct signed: `SetSealer`. */
    primaryType: 'SetSealer',
    /** The values signed. */
    message: {
      /** The DID's registry key. */
      did: parameters.key,
      /** The new sealer. */
      sealer: parameters.sealer,
      /** The DID's current nonce (`sealerOf(did).nonce`). */
      nonce: parameters.nonce,
    },
  } as const
}

/** Signs a relayed sealer change (see {@link setSealerRequestTypedData}). */
export function signSetSealerRequest(parameters: SetSealerRequestParameters): Promise<Hex> {
  return parameters.account.signTypedData(setSealerRequestTypedData(parameters))
}

function eip712Domain(chainId: number, registry: Address) {
  return {
    /** `MarqueRegistry`, the registry's EIP-712 name. */
    name: 'MarqueRegistry',
    /** `1`, the version of the registry's signing domain. */
    version: '1',
    /** The chain the signature is valid on (EIP-155). */
    chainId,
    /** The registry's address, checksummed (EIP-55): the signature is valid at no other. */
    verifyingContract: getAddress(registry),
  } as const
}
