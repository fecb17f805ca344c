// docs/credentials.md: its schemas are the ones the code uses, and its example runs.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { CREDENTIAL_SCHEMAS, TRUST_POLICY_SCHEMA } from '../src/index.js'
import { main } from './docs-example.js'

const here = dirname(fileURLToPath(import.meta.url))
const doc = readFileSync(join(here, '..', '..', '..', 'docs', 'credentials.md'), 'utf8')

it('shows each JSON Schema exactly as the code has it', () => {
  const schemas = { ...CREDENTIAL_SCHEMAS, TrustPolicy: TRUST_POLICY_SCHEMA }
  for (const [name, schema] of Object.entries(schemas)) {
    const match = new RegExp(`<!-- schema: ${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(doc)
    expect(match, `docs/credentials.md shows the schema of ${name}`).not.toBeNull()
    expect(JSON.parse(match![1]!)).toEqual(schema)
  }
})

it('shows the example program verbatim, and it runs', async () => {
  const source = readFileSync(join(here, 'docs-example.ts'), 'utf8')
  expect(doc).toContain(`\`\`\`ts file=packages/credentials/test/docs-example.ts\n${source}\`\`\``)
  const result = await main()
  expect(result).toEqual({
    holder: result.device,
    format: 'vc+jwt',
    refused: 'CREDENTIAL_REVOKED',
    device: result.device,
  })
})
