// Shared by the tests.
import { type BaseError, bytesToHex, ContractFunctionRevertedError, type Hex } from 'viem'
import { registryAbi } from '../src/index.js'
import type { RegistryNode } from '../src/testing/index.js'

/** Random bytes from the platform's CSPRNG. */
export function random(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n))
}

/**
 * The anchor account the registry reads from `genesis` for the DID key `key` (its
 * `genesisSealer`, in lower case), or the name of the error it reverts with.
 */
export async function genesisSealerOf(node: RegistryNode, key: Hex, genesis: Uint8Array): Promise<string> {
  try {
    const account = await node.publicClient().readContract({
      address: node.registry,
      abi: registryAbi,
      functionName: 'genesisSealer',
      args: [key, bytesToHex(genesis)],
    })
    return account.toLowerCase()
  } catch (error) {
    const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError)
    return (revert as ContractFunctionRevertedError | null)?.data?.errorName ?? 'other'
  }
}
