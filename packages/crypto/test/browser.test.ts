// The package in a real browser: bundled for the browser with esbuild and run in headless
// Chromium (playwright-core), from a page served on 127.0.0.1 (a secure context, where
// crypto.subtle exists). The automatic choice must pick Chromium's WebCrypto, and both it
// and the portable backend must give the vectors' answers and our verdicts on the
// "Taming the many EdDSAs" edge cases. On a page that is not a secure context (no
// crypto.subtle), the automatic choice must fall back to the portable backend.
// Chromium's path: CHROMIUM_PATH, else /usr/bin/chromium.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { VectorResults } from './browser-entry.js'
import { RFC5869_SHA256 } from './vectors/rfc5869.js'
import { RFC7748_DH } from './vectors/rfc7748.js'
import { RFC8032_ED25519 } from './vectors/rfc8032.js'
import { A3_THUMBPRINT } from './vectors/rfc8037.js'
import { RFC8439_2_8_2 } from './vectors/rfc8439.js'
import { TAMING_EDDSA } from './vectors/taming-eddsa.js'

type Checks = {
  secure: boolean
  initial: string
  automatic: string
  results: Record<string, VectorResults>
}

let browser: Browser
let server: Server
let checks: Checks
let insecure: Checks

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./browser-entry.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    conditions: ['@marque/source', 'browser'],
    write: false,
    logLevel: 'silent',
  })
  const script = bundle.outputFiles[0]!.text
  server = createServer((request, response) => {
    const js = request.url === '/checks.js'
    response.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' })
    response.end(js ? script : '<!doctype html><script src="/checks.js"></script>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' })
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${port}/`)
  checks = (await page.evaluate('globalThis.marqueChecks()')) as Checks
  const blank = await browser.newPage() // about:blank: not a secure context
  await blank.addScriptTag({ content: script })
  insecure = (await blank.evaluate('globalThis.marqueChecks()')) as Checks
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

describe('in Chromium', () => {
  it('starts on the portable backend and picks WebCrypto on the first signature', () => {
    expect(checks.secure).toBe(true)
    expect(checks.initial).toBe('noble')
    expect(checks.automatic).toBe('webcrypto')
    expect(Object.keys(checks.results).sort()).toEqual(['noble', 'webcrypto'])
  })

  it('falls back to the portable backend where there is no crypto.subtle', () => {
    expect(insecure.secure).toBe(false)
    expect(insecure.automatic).toBe('noble')
    expect(insecure.results.noble!.rfc8032.every((r) => r.verified)).toBe(true)
  })

  for (const backend of ['webcrypto', 'noble']) {
    it(`${backend}: RFC 8032, RFC 7748, RFC 5869, RFC 8439 and RFC 8037 answers`, () => {
      const r = checks.results[backend]!
      expect(r.rfc8032).toEqual(
        RFC8032_ED25519.map((v) => ({ publicKey: v.publicKey, signature: v.signature, verified: true })),
      )
      expect(r.x25519).toBe(RFC7748_DH.shared)
      expect(r.lowOrder.every((code) => code === 'CRYPTO_INVALID_KEY')).toBe(true)
      expect(r.hkdf).toBe(RFC5869_SHA256[0]!.okm)
      expect(r.aead).toBe(RFC8439_2_8_2.ciphertext + RFC8439_2_8_2.tag)
      expect(r.thumbprint).toBe(A3_THUMBPRINT)
    })
    it(`${backend}: our verdicts on the twelve "Taming the many EdDSAs" vectors`, () => {
      expect(checks.results[backend]!.taming).toEqual(TAMING_EDDSA.map((t) => t.accept))
    })
  }
})
