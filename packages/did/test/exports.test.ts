// The public API of @marque/did: a change to this list is a change to the API, and shows here.
import { expect, it } from 'vitest'
import * as did from '../src/index.js'

it('exports exactly these names', () => {
  expect(Object.keys(did).sort()).toMatchInlineSnapshot(`
    [
      "ANCHOR_ACCOUNT_LENGTH",
      "DEFAULT_NETWORK",
      "DID_CONTEXTS",
      "DID_DIGEST_LENGTH",
      "DID_JSON",
      "DID_LD_JSON",
      "DidError",
      "DidErrorCode",
      "Field",
      "ID_LENGTH",
      "LOCATOR_LENGTH",
      "MAX_AGREEMENT_KEYS",
      "MAX_DOMAIN_LENGTH",
      "MAX_ENDPOINT_LENGTH",
      "MAX_KEYS",
      "MAX_NETWORK_LENGTH",
      "MAX_OPERATION_SIZE",
      "MAX_SERVICES",
      "MAX_SERVICE_ID",
      "OPERATION_VERSION",
      "OperationType",
      "SIGNING_TAG",
      "ServiceType",
      "buildDidDocument",
      "createDidCache",
      "createDidClient",
      "createResolver",
      "decodeOperation",
      "encodeOperation",
      "encodeUnsignedOperation",
      "formatDatetime",
      "formatDid",
      "getResolver",
      "operationCid",
      "operationDigest",
      "parseDatetime",
      "parseDid",
      "readHistory",
      "recoveryCommitment",
      "replayOperations",
      "resolverAtTime",
      "signOperation",
      "signingInput",
      "verificationMethodIds",
      "verifyOperationSignature",
    ]
  `)
})

it('imports no Node.js built-in and no ledger implementation: it runs on devices', async () => {
  const { readdirSync, readFileSync } = await import('node:fs')
  const { builtinModules } = await import('node:module')
  const dir = new URL('../src/', import.meta.url)
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  expect(files.length).toBeGreaterThan(5)
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), 'utf8')
    for (const [, spec] of source.matchAll(/from '([^']+)'/g)) {
      const bare = spec!.replace(/^node:/, '')
      expect([file, spec!.startsWith('node:') || builtinModules.includes(bare)]).toEqual([file, false])
      expect([file, /sqlite|ledger-evm/.test(spec!)]).toEqual([file, false])
    }
  }
})
