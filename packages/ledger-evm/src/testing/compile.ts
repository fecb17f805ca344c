// Compiles Solidity with solc-js (the `solc` package from npm), pinned and with fixed
// settings, so that the registry's shipped ABI and bytecode can be rebuilt byte for byte.
import type { Abi, Hex } from 'viem'
import { invalidParameter } from '../errors.js'

/** The compiler the registry is built with. A different one builds different bytecode. */
export const SOLC_VERSION = '0.8.37+commit.f401782d'

/**
 * The solc settings the registry is built with. `paris` leaves out PUSH0 and later
 * opcodes so the same bytecode deploys on any EVM chain, old or new.
 */
export const SOLC_SETTINGS = {
  /** The optimizer: on, and tuned for code that runs often. */
  optimizer: {
    /** The optimizer runs. */
    enabled: true,
    /** How often each opcode is expected to run: 10,000 favours cheap calls over small code. */
    runs: 10_000,
  },
  /** `paris`: no PUSH0 or later opcodes, so the bytecode deploys on any EVM chain. */
  evmVersion: 'paris',
  /** What solc appends to the bytecode about its metadata. */
  metadata: {
    /** `ipfs`: the IPFS hash of the metadata, solc's default. */
    bytecodeHash: 'ipfs',
  },
  /** What solc outputs. */
  outputSelection: {
    /** For every source file… */
    '*': {
      /** …and every contract in it: the ABI, the creation and the runtime bytecode. */
      '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'],
    },
  },
} as const

/** The parameters of {@link compileSolidity}. */
export interface CompileSolidityParameters {
  /** Source files by the path solc should know them under. */
  sources: Readonly<Record<string, string>>
  /** The source path of the contract to return. */
  path: string
  /** The contract's name in that file. */
  contract: string
}

/** What {@link compileSolidity} returns: the contract's ABI and bytecode. */
export interface CompileSolidityReturnType {
  /** The contract's ABI, as solc gives it. */
  abi: Abi
  /** Creation bytecode. */
  bytecode: Hex
  /** Runtime bytecode, as deployed. */
  deployedBytecode: Hex
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[]
  contracts?: Record<
    string,
    Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >
}

/**
 * Compiles with the pinned solc-js and settings.
 * @throws LedgerError `LEDGER_INVALID_PARAMETER` when solc is not the pinned version, reports
 *   an error, or does not produce the contract.
 */
export async function compileSolidity(
  parameters: CompileSolidityParameters,
): Promise<CompileSolidityReturnType> {
  const { default: solc } = (await import('solc')) as unknown as {
    default: { version(): string; compile(input: string): string }
  }
  const version = solc.version()
  if (!version.startsWith(SOLC_VERSION)) {
    throw invalidParameter(
      `solc ${SOLC_VERSION} is required`,
      `got ${version}`,
      'install the solc version pinned in package.json (pnpm install)',
    )
  }
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(parameters.sources).map(([k, content]) => [k, { content }])),
    settings: SOLC_SETTINGS,
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) {
    throw invalidParameter('solc reported errors', errors.map((e) => e.formattedMessage).join('\n'))
  }
  const out = output.contracts?.[parameters.path]?.[parameters.contract]
  if (out === undefined) {
    throw invalidParameter(`solc produced no contract ${parameters.contract} in ${parameters.path}`)
  }
  return {
    abi: out.abi,
    bytecode: `0x${out.evm.bytecode.object}`,
    deployedBytecode: `0x${out.evm.deployedBytecode.object}`,
  }
}
