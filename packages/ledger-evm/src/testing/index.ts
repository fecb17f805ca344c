// @marque/ledger-evm/testing: a real anvil node for tests and benchmarks, a JSON-RPC proxy
// that behaves like a limited public endpoint, and the pinned Solidity compiler. Node.js
// only; needs the optional peer dependencies @foundry-rs/anvil (and solc to compile).
export type { Anvil, StartAnvilParameters } from './anvil.js'
export { anvilBinary, startAnvil } from './anvil.js'
export type { CompileSolidityParameters, CompileSolidityReturnType } from './compile.js'
export { compileSolidity, SOLC_SETTINGS, SOLC_VERSION } from './compile.js'
export type { TestCreateParameters } from './operations.js'
export { testCreate, testDeactivate, testDid, testTransfer, testUpdate } from './operations.js'
export type { RecordedCall, RpcProxy, StartRpcProxyParameters } from './proxy.js'
export { startRpcProxy } from './proxy.js'
export type { RegistryNode } from './registry-node.js'
export { startRegistryNode } from './registry-node.js'
export { compileRegistry, REGISTRY_SOURCE_PATH } from './registry-source.js'
export type { RoundTripCounter } from './round-trips.js'
export { countRoundTrips } from './round-trips.js'
