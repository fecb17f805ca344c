// The ABI and bytecode the package ships are what contracts/MarqueRegistry.sol compiles to
// with the pinned solc-js and settings: rebuilt here, compared byte for byte.
import { describe, expect, it } from 'vitest'
import { registryAbi, registryBytecode, registryDeployedBytecode } from '../src/index.js'
import { compileRegistry, SOLC_SETTINGS, SOLC_VERSION } from '../src/testing/index.js'

describe('registry artifacts', () => {
  it('match a fresh build of the source', async () => {
    const built = await compileRegistry()
    expect(built.bytecode).toBe(registryBytecode)
    expect(built.deployedBytecode).toBe(registryDeployedBytecode)
    expect(built.abi).toEqual(registryAbi)
  }, 60_000)

  it('are built with the pinned compiler and fixed settings', () => {
    expect(SOLC_VERSION).toBe('0.8.37+commit.f401782d')
    expect(SOLC_SETTINGS.optimizer).toEqual({ enabled: true, runs: 10_000 })
    expect(SOLC_SETTINGS.evmVersion).toBe('paris')
  })

  it('deploy on any EVM chain: no opcode newer than paris (no PUSH0)', () => {
    // Walk the runtime code opcode by opcode, skipping PUSH data, up to the metadata.
    const code = registryDeployedBytecode.slice(2)
    const metadataLength = Number.parseInt(code.slice(-4), 16)
    const body = code.slice(0, code.length - 4 - metadataLength * 2)
    const opcodes = new Set<number>()
    for (let i = 0; i < body.length; i += 2) {
      const op = Number.parseInt(body.slice(i, i + 2), 16)
      opcodes.add(op)
      if (op >= 0x60 && op <= 0x7f) i += (op - 0x5f) * 2
    }
    expect(opcodes.has(0x5f)).toBe(false) // PUSH0 (shanghai)
    expect(opcodes.has(0x5e)).toBe(false) // MCOPY (cancun)
    expect(opcodes.has(0x5c) || opcodes.has(0x5d)).toBe(false) // TLOAD/TSTORE (cancun)
  })
})
