import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeLedgerCompliance } from '../src/compliance.js'
import { openSqliteLedger } from '../src/sqlite/index.js'

describeLedgerCompliance('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'marque-ledger-'))
  const ledger = await openSqliteLedger({ path: join(dir, 'ledger.db') })
  return { ledger, cleanup: () => rm(dir, { recursive: true, force: true }) }
})
