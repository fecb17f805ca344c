import { createServer, connect as netConnect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { connect, type Gateway, type HandshakeFailure, listen } from '../src/gateway.js'
import { type Connection, createInitiator, HandshakeErrorCode } from '../src/index.js'
import { issue, party, resolver, testVerifier } from './helpers.js'

const text = new TextEncoder()
const gateways: Gateway[] = []
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((g) => g.close()))
})

async function setup(transport: 'tcp' | 'websocket', extra: Record<string, unknown> = {}) {
  const maker = await party(9)
  const gw = await party(2)
  const policy = { resolver, verifyCredentials: testVerifier({ trusted: [maker.did], required: 1 }) }
  const gateway = await listen({ identity: gw.identity, policy, transport, ...extra })
  gateways.push(gateway)
  const sessions: Connection[] = []
  const failures: HandshakeFailure[] = []
  gateway.on('session', (c) => {
    sessions.push(c)
    // An echo service over the secure channel.
    void (async () => {
      try {
        for await (const m of c.channel) c.channel.send(m)
      } catch {
        // The device went away; nothing to echo to.
      }
    })()
  })
  gateway.on('failure', (f) => failures.push(f))
  return { maker, gw, gateway, sessions, failures, policy }
}

for (const transport of ['tcp', 'websocket'] as const) {
  describe(`over ${transport}`, () => {
    it('authenticates both sides, round-trips data and closes with an authenticated close', async () => {
      const { maker, gw, gateway, sessions } = await setup(transport)
      const device = await party(1)
      device.identity.credentials = [await issue(maker, device.did)]
      const where = transport === 'tcp' ? { port: gateway.port } : { url: `ws://127.0.0.1:${gateway.port}` }
      const conn = await connect({
        ...where,
        identity: device.identity,
        policy: { resolver },
        expectedPeer: gw.did,
      })
      expect(conn.peer.did).toBe(gw.did)
      conn.channel.send(text.encode('ping'))
      expect(new TextDecoder().decode(await conn.channel.receive())).toBe('ping')
      expect(sessions[0]?.peer.did).toBe(device.did)
      expect(sessions[0]?.peer.claims[0]?.claims).toEqual({ model: 'M1' })
      expect(gateway.openSessions).toBe(1)
      conn.channel.close()
      await expect.poll(() => gateway.openSessions).toBe(0)
    })

    it('refuses a device whose credential is from an untrusted issuer', async () => {
      const { gateway, failures } = await setup(transport)
      const device = await party(1)
      device.identity.credentials = [await issue(await party(66), device.did)]
      const where = transport === 'tcp' ? { port: gateway.port } : { url: `ws://127.0.0.1:${gateway.port}` }
      await expect(
        connect({ ...where, identity: device.identity, policy: { resolver } }),
      ).rejects.toMatchObject({
        code: HandshakeErrorCode.PeerAborted,
      })
      await expect.poll(() => failures.length).toBe(1)
      expect(failures[0]?.error.code).toBe(HandshakeErrorCode.CredentialRejected)
    })
  })
}

describe('gateway', () => {
  it('holds 200 concurrent sessions, each with its own peer', async () => {
    const { maker, gateway } = await setup('tcp')
    const devices = await Promise.all(Array.from({ length: 200 }, (_, i) => party(10 + (i % 200))))
    const conns = await Promise.all(
      devices.map(async (d) => {
        d.identity.credentials = [await issue(maker, d.did)]
        return connect({ port: gateway.port, identity: d.identity, policy: { resolver } })
      }),
    )
    expect(gateway.openSessions).toBe(200)
    await Promise.all(
      conns.map(async (c, i) => {
        c.channel.send(text.encode(`n${i}`))
        expect(new TextDecoder().decode(await c.channel.receive())).toBe(`n${i}`)
      }),
    )
    for (const c of conns) c.channel.close()
    await expect.poll(() => gateway.openSessions).toBe(0)
  })

  it('fails with HANDSHAKE_PEER_MISMATCH when another gateway answers', async () => {
    const { maker, gateway } = await setup('tcp')
    const device = await party(1)
    device.identity.credentials = [await issue(maker, device.did)]
    const other = await party(3)
    await expect(
      connect({
        port: gateway.port,
        identity: device.identity,
        policy: { resolver },
        expectedPeer: other.did,
      }),
    ).rejects.toMatchObject({ code: HandshakeErrorCode.PeerMismatch })
  })

  it('holds bounded state under a flood of first messages: beyond the limit refused, the rest timed out', async () => {
    const { gateway, failures } = await setup('tcp', { maxPendingHandshakes: 10, stepTimeoutMs: 2000 })
    const device = await party(1)
    const initiator = createInitiator({ identity: device.identity, policy: { resolver } })
    let peak = 0
    const sockets = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const { message1 } = await initiator.start()
        const socket = netConnect({ host: '127.0.0.1', port: gateway.port })
        socket.on('error', () => {}) // the gateway resets the connections it refuses
        await new Promise((r) => socket.once('connect', r))
        const header = Buffer.alloc(4)
        header.writeUInt32BE(message1.length)
        socket.write(Buffer.concat([header, message1]))
        socket.on('data', () => {}) // message 2 arrives; the flood never answers it
        peak = Math.max(peak, gateway.pendingHandshakes)
        return socket
      }),
    )
    await expect.poll(() => failures.filter((f) => f.error.code === HandshakeErrorCode.Busy).length).toBe(30)
    expect(Math.max(peak, gateway.pendingHandshakes)).toBeLessThanOrEqual(10)
    await expect.poll(() => gateway.pendingHandshakes, { timeout: 8000 }).toBe(0)
    expect(failures.filter((f) => f.error.code === HandshakeErrorCode.Timeout)).toHaveLength(10)
    for (const s of sockets) s.destroy()
  })

  /** Writes raw bytes to a TCP gateway and returns the one failure it reports. */
  async function failureOf(bytes: Uint8Array) {
    const { gateway, failures } = await setup('tcp')
    const socket = netConnect({ host: '127.0.0.1', port: gateway.port })
    socket.on('error', () => {}) // the gateway resets the connection
    await new Promise((r) => socket.once('connect', r))
    socket.write(bytes)
    await expect.poll(() => failures.length).toBe(1)
    socket.destroy()
    return failures[0]?.error
  }

  it('refuses an oversized length prefix before allocating it', async () => {
    expect((await failureOf(Uint8Array.of(0x7f, 0xff, 0xff, 0xff)))?.code).toBe(
      HandshakeErrorCode.MessageTooLarge,
    )
  })

  it('refuses an empty frame as malformed', async () => {
    expect(await failureOf(Uint8Array.of(0, 0, 0, 0))).toMatchObject({
      code: HandshakeErrorCode.Malformed,
      message: 'the peer announced an empty frame',
    })
  })

  it('reports a device that cannot reach the gateway', async () => {
    const device = await party(1)
    const { gateway } = await setup('tcp')
    const port = gateway.port
    await gateway.close()
    gateways.length = 0
    await expect(connect({ port, identity: device.identity, policy: { resolver } })).rejects.toMatchObject({
      code: HandshakeErrorCode.TransportClosed,
    })
  })

  it('gives up on a gateway that never completes the connection within stepTimeoutMs', async () => {
    // A listener that takes the TCP connection and then says nothing: the WebSocket opening
    // handshake never completes.
    const held: Socket[] = []
    let closed = 0
    const silent = createServer((socket) => {
      held.push(socket)
      socket.resume() // read (and drop) the opening request, so the device's close is seen
      socket.on('close', () => closed++)
    })
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const { port } = silent.address() as { port: number }
    const device = await party(1)
    const started = Date.now()
    await expect(
      connect({
        url: `ws://127.0.0.1:${port}/`,
        stepTimeoutMs: 300,
        identity: device.identity,
        policy: { resolver },
      }),
    ).rejects.toMatchObject({
      code: HandshakeErrorCode.Timeout,
      message: 'the gateway did not answer in time',
    })
    expect(Date.now() - started).toBeLessThan(5_000)
    // The device dropped the connection it gave up on.
    await expect.poll(() => closed).toBe(held.length)
    expect(held.length).toBe(1)
    for (const s of held) s.destroy()
    await new Promise((r) => silent.close(r))
  })
})
