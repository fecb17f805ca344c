// Hostile and mistaken input: each gets its specific code, and a message that says what to
// do (pinned here, so a change to the text shows in review).
import { LedgerError, LedgerErrorCode } from '@marque/ledger'
import { describe, expect, it } from 'vitest'
import { createEvmIndex, createEvmLedger, type EvmLedger } from '../src/index.js'
import { type RegistryNode, startRpcProxy, testCreate } from '../src/testing/index.js'
import { type Chain, fast, useChain } from './fixture.js'
import { random } from './helpers.js'

let node: RegistryNode
let ledger: EvmLedger
let connect: Chain['connect']

useChain((chain) => {
  ;({ node, ledger, connect } = chain)
})

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(LedgerError)
  const { code, message, details, hint } = error as LedgerError
  return { code, message, details, hint }
}

describe('errors', () => {
  it('refuse a bad parameter before any call', async () => {
    const base = { rpcUrl: 'http://127.0.0.1:1', address: `0x${'11'.repeat(20)}` as const }
    expect(await failure(createEvmLedger({ ...base, address: '0x1234' }))).toMatchInlineSnapshot(`
      {
        "code": "LEDGER_INVALID_PARAMETER",
        "details": undefined,
        "hint": undefined,
        "message": "address must be the registry address (0x and 40 hex digits)",
      }
    `)
    const cases: [Partial<Parameters<typeof createEvmLedger>[0]>, string][] = [
      [{ network: 'Default' }, 'network must be 1 to 32 of a-z, 0-9 and inner "-"'],
      [{ confirmations: 0 }, 'confirmations must be a positive integer'],
      [{ rpcUrl: 'ws://x' }, 'give rpcUrl (http or https) or a viem transport'],
      [{ retry: { attempts: 0 } }, 'retry.attempts must be an integer from 1 to 20'],
      [{ gas: { multiplier: 0.5 } }, 'gas.multiplier must be from 1 to 10'],
      [{ batch: { maxBytes: 0 } }, 'batch.maxBytes must be a positive integer'],
    ]
    for (const [bad, message] of cases) {
      expect(await failure(createEvmLedger({ ...base, ...bad }))).toMatchObject({
        code: LedgerErrorCode.InvalidParameter,
        message,
      })
    }
    expect(() => createEvmIndex({ address: '0x12', rpcUrl: node.rpcUrl })).toThrow(
      expect.objectContaining({ code: LedgerErrorCode.InvalidParameter }),
    )
    for (const maxAgeMs of [Number.NaN, -1, 2 ** 40, '5' as unknown as number]) {
      expect(() => createEvmIndex({ address: node.registry, rpcUrl: node.rpcUrl, maxAgeMs })).toThrow(
        expect.objectContaining({
          code: LedgerErrorCode.InvalidParameter,
          message: expect.stringContaining('maxAgeMs'),
        }),
      )
    }
  })

  it('refuse an address that holds no registry with LEDGER_CORRUPT', async () => {
    expect(await failure(connect(undefined, { address: node.account.address }))).toMatchInlineSnapshot(
      {
        message: expect.stringMatching(/^no MarqueRegistry at 0x[0-9a-fA-F]{40} on chain 31337$/),
      },
      `
      {
        "code": "LEDGER_CORRUPT",
        "details": "the address holds no code",
        "hint": "check the address and the chain; deploy one with deployRegistry()",
        "message": StringMatching /\\^no MarqueRegistry at 0x\\[0-9a-fA-F\\]\\{40\\} on chain 31337\\$/,
      }
    `,
    )
  })

  it('refuse an append larger than one transaction carries with LEDGER_BATCH_TOO_LARGE', async () => {
    const small = await connect(node.account, { batch: { maxBytes: 1000 } })
    const devices = Array.from({ length: 6 }, () => testCreate())
    expect(await failure(small.append(devices))).toMatchInlineSnapshot(`
      {
        "code": "LEDGER_BATCH_TOO_LARGE",
        "details": "1164 bytes packed, batch.maxBytes is 1000",
        "hint": "append fewer operations at once, or raise batch.maxBytes if your chain takes larger transactions",
        "message": "the batch is larger than one transaction may carry",
      }
    `)
    // Nothing of it was anchored.
    for (const d of devices) expect(await ledger.read(d.did)).toEqual([])
  })

  it('refuse to append on a ledger without an account', async () => {
    const reader = await connect(undefined)
    expect(await failure(reader.append([testCreate()]))).toMatchInlineSnapshot(`
      {
        "code": "LEDGER_INVALID_PARAMETER",
        "details": undefined,
        "hint": "pass \`account\` to createEvmLedger",
        "message": "this ledger has no account to sign with",
      }
    `)
  })

  it('say LEDGER_UNAVAILABLE without the RPC URL when the node is gone', async () => {
    const proxy = await startRpcProxy({ target: node.rpcUrl })
    const reader = await connect(undefined, { rpcUrl: proxy.url })
    await proxy.kill()
    const error = await failure(reader.read(testCreate().did))
    expect(error.code).toBe(LedgerErrorCode.Unavailable)
    expect(error.message).toBe('the EVM node did not answer eth_call lookup')
    expect(error.hint).toBe(
      'check that the RPC endpoint is up and reachable; reads and appends retry with backoff',
    )
    expect(error.details).not.toMatch(/127\.0\.0\.1|http/)
  })

  it('reject a read with the signal’s reason as soon as it aborts', async () => {
    const proxy = await startRpcProxy({ target: node.rpcUrl })
    try {
      const reader = await connect(undefined, { rpcUrl: proxy.url, ...fast })
      proxy.latencyMs = 600_000
      const controller = new AbortController()
      const reason = new Error('enough')
      const read = reader.read(testCreate().did, { signal: controller.signal })
      setTimeout(() => controller.abort(reason), 50)
      // The node would answer in ten minutes: only the abort can settle the read in time.
      await expect(read).rejects.toBe(reason)
    } finally {
      await proxy.kill()
    }
  })

  it('refuse malformed DIDs in read with LEDGER_INVALID_OPERATION', async () => {
    for (const did of ['', 'not a did', `did:marque:${'z'.repeat(300)}`, 42]) {
      expect((await failure(ledger.read(did as string))).code).toBe(LedgerErrorCode.InvalidOperation)
    }
    expect((await failure(ledger.append([{ did: 'did:x:1', bytes: random(4097) }]))).code).toBe(
      LedgerErrorCode.InvalidOperation,
    )
  })
})
