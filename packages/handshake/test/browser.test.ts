// The device side in real headless Chromium: an esbuild bundle of @marque/handshake/device
// (browser condition, no Node.js built-in) runs in a page and completes a handshake over
// WebSocket with a Node.js gateway on 127.0.0.1.
import { createServer, type Server } from 'node:http'
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net'
import { toHex } from '@marque/crypto'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Gateway, listen } from '../src/gateway.js'
import type { Connection } from '../src/index.js'
import { party, resolver } from './helpers.js'

let bundle: string
let inputs: string[]
let http: Server
let browser: Browser
let gateway: Gateway
const sessions: Connection[] = []

beforeAll(async () => {
  const result = await build({
    entryPoints: [new URL('./browser/page.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['@marque/source'],
    metafile: true,
    logLevel: 'silent',
  })
  bundle = result.outputFiles[0]!.text
  inputs = Object.keys(result.metafile.inputs)
  http = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle)
      return
    }
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><script type="module" src="/bundle.js"></script>')
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const gw = await party(2)
  gateway = await listen({ identity: gw.identity, policy: { resolver }, transport: 'websocket' })
  gateway.on('session', (c) => {
    sessions.push(c)
    void (async () => {
      for await (const m of c.channel) c.channel.send(m)
    })().catch(() => {})
  })
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await gateway?.close()
  await new Promise((r) => http?.close(r))
})

/** A page with the device bundle loaded and its entry points (`runDevice`, `runUnanswered`) ready. */
async function openPage() {
  const page = await browser.newPage()
  const { port } = http.address() as AddressInfo
  await page.goto(`http://127.0.0.1:${port}/`)
  await page.waitForFunction(
    () =>
      typeof (globalThis as { runDevice?: unknown }).runDevice === 'function' &&
      typeof (globalThis as { runUnanswered?: unknown }).runUnanswered === 'function',
  )
  return page
}

describe('device side in Chromium', () => {
  it('bundles for the browser from the device entry without any Node.js built-in', () => {
    expect(inputs.some((i) => i.endsWith('src/browser/device.ts'))).toBe(true)
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('src/node/'))).toEqual([])
    expect(inputs.some((i) => i.includes('/ws/'))).toBe(false)
  })

  it('completes a handshake from a page over WebSocket and round-trips a message', async () => {
    const page = await openPage()
    try {
      const gatewayDid = (await party(2)).did
      const seed = toHex(new Uint8Array(32).fill(7))
      const result = await page.evaluate(
        ([url, did, s]) =>
          (
            globalThis as unknown as {
              runDevice: (
                u: string,
                d: string,
                s: string,
              ) => Promise<{ did: string; peer: string; echo: string }>
            }
          ).runDevice(url, did, s),
        [`ws://127.0.0.1:${gateway.port}`, gatewayDid, seed] as const,
      )
      const device = await party(7)
      expect(result).toEqual({ did: device.did, peer: gatewayDid, echo: `hello from ${device.did}` })
      expect(sessions.map((s) => s.peer.did)).toContain(device.did)
    } finally {
      await page.close()
    }
  })

  it('gives up on a gateway that never completes the WebSocket opening within stepTimeoutMs', async () => {
    // Takes the TCP connection, reads the opening request, never answers it.
    const held: Socket[] = []
    const silent = createTcpServer((socket) => {
      held.push(socket)
      socket.resume()
    })
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const page = await openPage()
    try {
      const code = await page.evaluate(
        ([url]) =>
          (
            globalThis as unknown as { runUnanswered: (u: string, ms: number) => Promise<string> }
          ).runUnanswered(url, 300),
        [`ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`] as const,
      )
      expect(code).toBe('HANDSHAKE_TIMEOUT')
    } finally {
      await page.close()
      for (const socket of held) socket.destroy()
      await new Promise((r) => silent.close(r))
    }
  })
})
