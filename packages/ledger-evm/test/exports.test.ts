// The public API, listed: a change to it shows here in review.
import { describe, expect, it } from 'vitest'
import * as main from '../src/index.js'
import * as testing from '../src/testing/index.js'

describe('exports', () => {
  it('of @marque/ledger-evm', () => {
    expect(Object.keys(main).sort()).toEqual([
      'DIGEST_LENGTH',
      'ID_LENGTH',
      'LOCATOR_LENGTH',
      'LOG_INDEX_BITS',
      'MAX_POSITION_BLOCK',
      'createEvmIndex',
      'createEvmLedger',
      'createMemoryIndexStore',
      'decodeBatch',
      'deployRegistry',
      'didKey',
      'encodeBatch',
      'fromPosition',
      'positionOf',
      'registryAbi',
      'registryBytecode',
      'registryDeployedBytecode',
      'sealRequestTypedData',
      'setSealerRequestTypedData',
      'signSealRequest',
      'signSetSealerRequest',
    ])
  })

  it('of @marque/ledger-evm/testing', () => {
    expect(Object.keys(testing).sort()).toEqual([
      'REGISTRY_SOURCE_PATH',
      'SOLC_SETTINGS',
      'SOLC_VERSION',
      'anvilBinary',
      'compileRegistry',
      'compileSolidity',
      'countRoundTrips',
      'startAnvil',
      'startRegistryNode',
      'startRpcProxy',
      'testCreate',
      'testDeactivate',
      'testDid',
      'testTransfer',
      'testUpdate',
    ])
  })
})
