// Where the registry's Solidity source lives, and how to compile it as shipped.
import { readFile } from 'node:fs/promises'
import { type CompileSolidityReturnType, compileSolidity } from './compile.js'

/** The path solc knows the registry under; it is part of the metadata hash. */
export const REGISTRY_SOURCE_PATH = 'contracts/MarqueRegistry.sol'

/** Compiles the registry from `contracts/MarqueRegistry.sol` exactly as the build does. */
export async function compileRegistry(): Promise<CompileSolidityReturnType> {
  const url = new URL(`../../${REGISTRY_SOURCE_PATH}`, import.meta.url)
  const source = await readFile(url, 'utf8')
  return compileSolidity({
    sources: { [REGISTRY_SOURCE_PATH]: source },
    path: REGISTRY_SOURCE_PATH,
    contract: 'MarqueRegistry',
  })
}
