// Timeouts and graceful shutdown of the resolver service, with a DID method whose
// resolution takes as long as the test says (a did-resolver driver like any other).
import { Resolver } from 'did-resolver'
import { describe, expect, it } from 'vitest'
import { createResolverService } from '../src/serve/server.js'

function slowResolver(delayMs: number): Resolver {
  return new Resolver({
    slow: async (did) => {
      await new Promise((r) => setTimeout(r, delayMs))
      return {
        didResolutionMetadata: {},
        didDocument: { '@context': 'https://www.w3.org/ns/did/v1', id: did },
        didDocumentMetadata: {},
      }
    },
  })
}

describe('resolver service lifecycle', () => {
  it('answers 504 with internalError when resolution takes too long', async () => {
    const service = createResolverService({ resolver: slowResolver(500), resolveTimeoutMs: 50 })
    const { port } = await service.listen(0)
    const res = await fetch(`http://127.0.0.1:${port}/1.0/identifiers/did:slow:1`)
    expect(res.status).toBe(504)
    expect((await res.json()).didResolutionMetadata).toEqual({
      error: 'internalError',
      message: 'resolution timed out',
    })
    await service.close()
  })

  it('finishes requests in flight on close, then refuses new connections', async () => {
    const service = createResolverService({ resolver: slowResolver(300) })
    const { port } = await service.listen(0)
    const pending = fetch(`http://127.0.0.1:${port}/1.0/identifiers/did:slow:2`)
    await new Promise((r) => setTimeout(r, 50))
    const closed = service.close(2_000)
    const res = await pending
    expect(res.status).toBe(200)
    expect((await res.json()).didDocument.id).toBe('did:slow:2')
    await closed
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow()
  })
})
