import { createVerifier } from '@marque/credentials'
import { encodeMultikey, type Signer, withKeyId } from '@marque/crypto'
import { isHandshakeError, verifyCredentialsWith } from '@marque/handshake'
import { connect, listen } from '@marque/handshake/gateway'
import type { Ledger } from '@marque/ledger'
import type { Command } from 'commander'
import type { Resolvable } from 'did-resolver'
import type { Context } from '../context.js'
import { CliError, CliErrorCode, exitCodeOf } from '../errors.js'
import { ExitCode } from '../exit.js'
import { readTextFile } from '../files.js'
import { loadSigner } from '../keys.js'
import { didResolverFor, withLedgers } from '../ledger.js'
import { collect, untilStopped } from '../options.js'

type Run = (action: (ctx: Context) => Promise<void>) => Promise<void>

interface IdentityOptions {
  did: string
  key: string
  credential: string[]
  trustedIssuer: string[]
  require: string[]
}

/**
 * Our identity for the handshake: the signer's key id must be the DID URL of an
 * `authentication` method of our DID whose key is the key file's.
 */
async function identityFor(
  ctx: Context,
  resolver: Resolvable,
  opts: IdentityOptions,
): Promise<{ did: string; signer: Signer; credentials: string[] }> {
  const signer = await loadSigner(ctx.path(opts.key))
  const result = await resolver.resolve(opts.did)
  const doc = result.didDocument
  if (doc === null) {
    throw new CliError(
      CliErrorCode.NotFound,
      `our DID ${opts.did} does not resolve: ${result.didResolutionMetadata.error}`,
      {
        hint: 'check --did and, for did:marque, the configured ledger (MARQUE_LEDGER, MARQUE_NETWORK)',
      },
    )
  }
  const multikey = encodeMultikey(signer.publicKey, 'Ed25519')
  const auth = (doc.authentication ?? []).map((a) => (typeof a === 'string' ? a : a.id))
  const method = (doc.verificationMethod ?? []).find(
    (m) => m.publicKeyMultibase === multikey && auth.some((a) => a === m.id || `${doc.id}${a}` === m.id),
  )
  if (method === undefined) {
    throw new CliError(
      CliErrorCode.BadInput,
      `the key in ${opts.key} is not an authentication key of ${opts.did}`,
      {
        hint: 'pass the device key the DID was created (or last rotated) with',
      },
    )
  }
  const credentials = opts.credential.map((f) => readTextFile(ctx.path(f)).trim())
  return { did: opts.did, signer: withKeyId(signer, method.id), credentials }
}

/** Where `connect` reaches the gateway: `--url`, else `--host`/`--port` over `--transport`. */
function gatewayAddress(opts: {
  url?: string
  host: string
  port: string
  transport: 'tcp' | 'websocket'
}): { url: string } | { host: string; port: number } {
  if (opts.url !== undefined) return { url: opts.url }
  const port = Number(opts.port)
  if (opts.transport === 'tcp') return { host: opts.host, port }
  // An IPv6 address is bracketed in a URL (RFC 3986 §3.2.2).
  return { url: `ws://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}` }
}

function policyFor(resolver: Resolvable, opts: IdentityOptions) {
  if (opts.trustedIssuer.length === 0) return { resolver }
  const types = opts.require.length > 0 ? opts.require : ['DeviceIdentityCredential']
  const verifier = createVerifier({
    resolver,
    policy: {
      credentialTypes: Object.fromEntries(types.map((t) => [t, { issuers: opts.trustedIssuer }])),
      requiredTypes: types,
    },
  })
  return { resolver, verifyCredentials: verifyCredentialsWith({ verifier, requiredTypes: types }) }
}

function common(command: Command): Command {
  return command
    .requiredOption('--did <did>', 'our DID')
    .requiredOption('--key <file>', 'our Ed25519 authentication key file')
    .option(
      '--credential <file>',
      'a credential (compact JWT in a file) to present (repeatable)',
      collect,
      [],
    )
    .option(
      '--trusted-issuer <did>',
      "verify the peer's credentials: trust this issuer (repeatable)",
      collect,
      [],
    )
    .option(
      '--require <type>',
      'credential type the peer must present (default DeviceIdentityCredential)',
      collect,
      [],
    )
    .option('--transport <tcp|websocket>', 'transport', 'tcp')
}

export function registerHandshake(program: Command, run: Run): void {
  const hs = program.command('handshake').description('try the mutual-authentication handshake by hand')

  common(hs.command('listen').description('act as a gateway: accept handshakes and echo what peers send'))
    .option('-p, --port <port>', 'port', '7400')
    .option('--host <host>', 'address', '127.0.0.1')
    .action((opts: IdentityOptions & { port: string; host: string; transport: 'tcp' | 'websocket' }) =>
      run((ctx) =>
        withLedgers(ctx, async (set) => {
          const resolver = resolverFor(set.ledgers)
          const identity = await identityFor(ctx, resolver, opts)
          const gateway = await listen({
            host: opts.host,
            port: Number(opts.port),
            transport: opts.transport,
            identity,
            policy: policyFor(resolver, opts),
          })
          ctx.result(
            { listening: `${opts.host}:${gateway.port}`, did: identity.did },
            () => `listening on ${opts.host}:${gateway.port} as ${identity.did}`,
          )
          gateway.on('failure', ({ error, remoteAddress }) => {
            const cause = (error.cause as { code?: unknown } | undefined)?.code
            ctx.event(
              { event: 'refused', remoteAddress, code: error.code, cause, message: error.message },
              `refused ${remoteAddress ?? '?'}: ${error.code}${typeof cause === 'string' ? ` (${cause})` : ''} ${error.message}`,
            )
          })
          gateway.on('session', async ({ peer, channel }) => {
            const types = peer.claims.map((c) => c.types.join('/'))
            ctx.event(
              { event: 'session', peer: peer.did, keyId: peer.keyId, credentials: types },
              `session with ${peer.did}${types.length > 0 ? ` (${types.join(', ')})` : ''}`,
            )
            try {
              for await (const message of channel) channel.send(message)
            } catch (error) {
              const code = isHandshakeError(error) ? error.code : String(error)
              ctx.event({ event: 'ended', peer: peer.did, code }, `session with ${peer.did} ended: ${code}`)
            }
          })
          await untilStopped(ctx)
          await gateway.close()
        }),
      ),
    )

  common(
    hs
      .command('connect')
      .description('act as a device: run the handshake, send one message, print the reply'),
  )
    .option('-p, --port <port>', 'port', '7400')
    .option('--host <host>', 'address', '127.0.0.1')
    .option('--url <url>', 'a WebSocket gateway (ws:// or wss://) instead of host and port')
    .option('--expect <did>', 'the gateway DID we mean to reach')
    .option('-m, --message <text>', 'what to send', 'hello')
    .action(
      (
        opts: IdentityOptions & {
          port: string
          host: string
          url?: string
          expect?: string
          message: string
          transport: 'tcp' | 'websocket'
        },
      ) =>
        run((ctx) =>
          withLedgers(ctx, async (set) => {
            const resolver = resolverFor(set.ledgers)
            const identity = await identityFor(ctx, resolver, opts)
            let connection: Awaited<ReturnType<typeof connect>>
            try {
              connection = await connect({
                ...gatewayAddress(opts),
                identity,
                policy: policyFor(resolver, opts),
                ...(opts.expect === undefined ? {} : { expectedPeer: opts.expect }),
              })
            } catch (error) {
              // A refusal says so; not reaching the gateway (exit 69, as for any service) does not.
              if (isHandshakeError(error) && exitCodeOf(error) === ExitCode.Refused) {
                throw new CliError(CliErrorCode.Refused, `the handshake failed: ${error.code}`, {
                  details: error.message,
                  hint:
                    error.code === 'HANDSHAKE_PEER_ABORTED'
                      ? "the gateway refused us: see the gateway's log for why"
                      : 'see the code in docs/handshake.md §6',
                })
              }
              throw error
            }
            connection.channel.send(new TextEncoder().encode(opts.message))
            const reply = await connection.channel.receive()
            connection.channel.close()
            const text = reply === undefined ? '' : new TextDecoder().decode(reply)
            ctx.result(
              {
                peer: connection.peer.did,
                keyId: connection.peer.keyId,
                claims: connection.peer.claims.length,
                reply: text,
              },
              () => [`authenticated ${connection.peer.did}`, `reply: ${text}`],
            )
          }),
        ),
    )
}

/** did:marque from the configured ledgers, did:key and did:web. */
function resolverFor(ledgers: Readonly<Record<string, Ledger>>): Resolvable {
  return didResolverFor(ledgers).resolver
}
