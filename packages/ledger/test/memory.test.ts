import { describeLedgerCompliance } from '../src/compliance.js'
import { createMemoryLedger } from '../src/index.js'

describeLedgerCompliance('memory', async () => ({ ledger: createMemoryLedger() }))
