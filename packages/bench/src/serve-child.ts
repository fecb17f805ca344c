// The server side of `pnpm bench serve`, in its own process so the load generator does not
// share its event loop. argv: <mode: marque|floor> <ledger path> ; prints the port, then
// serves until stdin closes.
import { createServer } from 'node:http'
import { createResolverService } from '@marque/cli'
import { createDidCache, createResolver } from '@marque/did'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { Resolver } from 'did-resolver'

const [mode, path] = process.argv.slice(2)
if (mode === 'floor') {
  // The HTTP floor: a bare node:http server answering a fixed DID document of the same size.
  const body = process.argv[4] ?? '{}'
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/did-resolution')
    res.end(body)
  })
  server.listen(0, '127.0.0.1', () =>
    console.log(JSON.stringify({ port: (server.address() as { port: number }).port })),
  )
  process.stdin.on('close', () => server.close())
  process.stdin.resume()
} else {
  const ledger = await openSqliteLedger({ path: path! })
  const marque = createResolver({
    ledgers: { [ledger.network]: ledger },
    cache: createDidCache({ maxEntries: 100_000, ttlSeconds: 600 }),
  })
  const service = createResolverService({ resolver: new Resolver(marque.getResolver()) })
  const { port } = await service.listen(0, '127.0.0.1')
  console.log(JSON.stringify({ port }))
  process.stdin.on('close', async () => {
    await service.close()
    await ledger.close()
  })
  process.stdin.resume()
}
