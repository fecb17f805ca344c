// @marque/ledger-evm: did:marque operations anchored on any EVM chain. The registry
// contract (ABI and bytecode), a viem Ledger with batching, confirmations and reorg
// handling, resolution in two round trips, on-chain deactivation, and an optional local
// index. Test helpers (anvil, an RPC proxy, the compiler) are at `@marque/ledger-evm/testing`.
export { registryAbi, registryBytecode, registryDeployedBytecode } from './artifacts/registry.js'
export type { BatchRecord } from './batch.js'
export { decodeBatch, encodeBatch } from './batch.js'
export type { BatchParameters } from './batcher.js'
export type { DeployRegistryParameters, DeployRegistryReturnType } from './deploy.js'
export { deployRegistry } from './deploy.js'
export type { DidKey } from './did-key.js'
export { DIGEST_LENGTH, didKey, ID_LENGTH, LOCATOR_LENGTH } from './did-key.js'
export type {
  CreateEvmIndexParameters,
  EvmIndex,
  EvmIndexStore,
  IndexCheckpoint,
  IndexedOperation,
} from './index-sync.js'
export { createEvmIndex, createMemoryIndexStore } from './index-sync.js'
export type { CreateEvmLedgerParameters, EvmLedger, ReadParameters } from './ledger.js'
export { createEvmLedger } from './ledger.js'
export { fromPosition, LOG_INDEX_BITS, MAX_POSITION_BLOCK, positionOf } from './position.js'
export type { RetryParameters } from './rpc.js'
export type {
  SealerOfReturnType,
  SealParameters,
  SealRequestParameters,
  SetSealerParameters,
  SetSealerRequestParameters,
} from './seal.js'
export {
  sealRequestTypedData,
  setSealerRequestTypedData,
  signSealRequest,
  signSetSealerRequest,
} from './seal.js'
export type { FeeParameters, GasParameters } from './send.js'
