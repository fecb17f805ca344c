// The public API of each entry point, listed so that a change shows in review; and the main
// entry stays portable: nothing it imports, however deep, is native code or a Node built-in.
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as compliance from '../src/compliance.js'
import * as main from '../src/index.js'
import * as sqlite from '../src/sqlite/index.js'

describe('exports', () => {
  it('@marque/ledger', () => {
    expect(Object.keys(main).sort()).toEqual([
      'LedgerError',
      'LedgerErrorCode',
      'MAX_BATCH_OPERATIONS',
      'MAX_DID_LENGTH',
      'MAX_OPERATION_BYTES',
      'checkBatch',
      'checkDid',
      'createMemoryLedger',
    ])
  })

  it('@marque/ledger/sqlite', () => {
    expect(Object.keys(sqlite).sort()).toEqual([
      'APPLICATION_ID',
      'CHAIN_HASH_LENGTH',
      'CHAIN_VERSION',
      'SCHEMA_VERSION',
      'entryHash',
      'genesisHash',
      'openSqliteLedger',
    ])
  })

  it('@marque/ledger/compliance', () => {
    expect(Object.keys(compliance).sort()).toEqual(['describeLedgerCompliance'])
  })

  it('the main entry imports no native code and no Node.js built-in, directly or not', () => {
    const seen = new Set<string>()
    const external = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const source = readFileSync(file, 'utf8')
      for (const [, spec] of source.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
        if (spec!.startsWith('.')) visit(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')))
        else external.add(spec!)
      }
    }
    visit(join(import.meta.dirname, '..', 'src', 'index.ts'))
    expect(seen.size).toBeGreaterThan(3)
    expect([...external]).toEqual(['@marque/crypto'])
  })
})
