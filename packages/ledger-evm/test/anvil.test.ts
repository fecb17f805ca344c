// The anvil harness: a real node on 127.0.0.1 that answers, and is gone once stopped.
import { LedgerErrorCode } from '@marque/ledger'
import { describe, expect, it } from 'vitest'
import { startAnvil } from '../src/testing/index.js'

const call = (rpcUrl: string, method: string, params: unknown[] = []) =>
  fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  }).then((r) => r.json() as Promise<{ result?: unknown }>)

describe('startAnvil', () => {
  it('starts a node on 127.0.0.1 that answers, and stops it', async () => {
    const anvil = await startAnvil()
    expect(anvil.rpcUrl).toBe(`http://127.0.0.1:${anvil.port}`)
    expect((await call(anvil.rpcUrl, 'eth_chainId')).result).toBe('0x7a69')
    await anvil.stop()
    await expect(call(anvil.rpcUrl, 'eth_chainId')).rejects.toThrow()
    await anvil.stop() // stopping twice is fine
  })

  it('passes its arguments through, and kills like a crash', async () => {
    const anvil = await startAnvil({ args: ['--chain-id', '4242'] })
    expect((await call(anvil.rpcUrl, 'eth_chainId')).result).toBe('0x1092')
    await anvil.kill()
    expect(() => process.kill(anvil.pid, 0)).toThrow()
  })

  it('reports a binary that does not run as LEDGER_UNAVAILABLE', async () => {
    await expect(startAnvil({ binary: '/nonexistent/anvil' })).rejects.toMatchObject({
      code: LedgerErrorCode.Unavailable,
    })
    await expect(startAnvil({ args: ['--no-such-flag'] })).rejects.toMatchObject({
      code: LedgerErrorCode.Unavailable,
    })
  })
})
