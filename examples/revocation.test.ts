// examples/revocation.ts, run as its own process: the verifier follows the status lists
// served over HTTP, and fails closed when they are missing or not the issuer's.
import { expect, it } from 'vitest'
import { runExample } from './lib/child.js'

it('examples/revocation.ts suspends, reinstates and revokes through lists served over HTTP', async () => {
  const { code, stdout, stderr } = await runExample('revocation.ts')
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const lines = stdout.trimEnd().split('\n')
  expect(lines[0]).toMatch(
    /^credential issued with status index \d+; lists served at http:\/\/127\.0\.0\.1:\d+\/lists\/$/,
  )
  expect(lines.slice(1)).toEqual([
    'verifier: accepted',
    'suspended: CREDENTIAL_SUSPENDED',
    'reinstated: accepted',
    'status lists unreachable: CREDENTIAL_STATUS_UNAVAILABLE',
    'status lists signed by another DID: CREDENTIAL_STATUS_INVALID',
    'lists restored: accepted',
    'revoked: CREDENTIAL_REVOKED, for good',
  ])
})
