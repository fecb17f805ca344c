// A SQLite ledger file edited on disk, byte by byte, behind the ledger's back.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteLedger } from '@marque/ledger/sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { createDidClient, createResolver, DidErrorCode, readHistory } from '../src/index.js'
import { generateKeys } from './fixtures.js'

describe('a ledger file edited on disk', () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })

  /** A file holding one DID with two versions; returns it closed, with the update's bytes. */
  async function fileWithDid() {
    const dir = await mkdtemp(join(tmpdir(), 'marque-did-tamper-'))
    dirs.push(dir)
    const path = join(dir, 'ledger.db')
    const ledger = await openSqliteLedger({ path })
    const keys = await generateKeys()
    const client = createDidClient({ ledger })
    const { did, operation: genesis } = await client.create({
      deviceKey: keys.device,
      updateKey: keys.update,
      recoveryKey: keys.recovery,
    })
    const update = await client.update({
      did,
      updateKey: keys.update,
      services: [{ id: 1, type: 'LinkedDomains', endpoint: 'https://maker.example' }],
    })
    await ledger.close() // checkpoints the write-ahead log into the file
    return { path, did, genesis, update: update.operation }
  }

  /** Flips one bit of `target`'s bytes where they sit in the file. */
  async function flip(path: string, target: Uint8Array, offset: number) {
    const file = await readFile(path)
    const at = Buffer.from(file).indexOf(Buffer.from(target))
    expect(at).toBeGreaterThan(0)
    file[at + offset]! ^= 0x01
    await writeFile(path, file)
  }

  it('makes a verifying ledger refuse the read: the resolver answers internalError LEDGER_TAMPERED', async () => {
    const { path, did, update } = await fileWithDid()
    await flip(path, update, update.length - 1)
    const ledger = await openSqliteLedger({ path })
    try {
      const r = await createResolver({ ledgers: { default: ledger } }).resolve(did)
      expect(r.didResolutionMetadata).toMatchObject({ error: 'internalError', code: 'LEDGER_TAMPERED' })
      expect(r.didDocument).toBeNull()
    } finally {
      await ledger.close()
    }
  })

  it('never passes validation when the ledger hands the edit through: the edited update is ignored', async () => {
    const { path, did, update } = await fileWithDid()
    await flip(path, update, update.length - 1) // the last byte of the signature
    const ledger = await openSqliteLedger({ path, verifyReads: false })
    try {
      const history = await readHistory({ ledger, did })
      expect(history.versions.map((v) => v.type)).toEqual(['create'])
      expect(history.ignored.map((i) => i.code)).toEqual([DidErrorCode.BadSignature])
      const r = await createResolver({ ledgers: { default: ledger } }).resolve(did)
      expect(r.didDocumentMetadata.versionId).toBe('1')
      expect(r.didDocument?.service).toBeUndefined()
    } finally {
      await ledger.close()
    }
  })

  it('loses the DID, and never yields another document, when its genesis is edited', async () => {
    const { path, did, genesis } = await fileWithDid()
    // The last byte of the signature: the bytes still decode, but no longer hash to the id.
    await flip(path, genesis, genesis.length - 1)
    const ledger = await openSqliteLedger({ path, verifyReads: false })
    try {
      const history = await readHistory({ ledger, did })
      expect(history.versions).toEqual([])
      expect(history.ignored.map((i) => i.code)).toEqual([DidErrorCode.WrongDid, DidErrorCode.NoGenesis])
      const r = await createResolver({ ledgers: { default: ledger } }).resolve(did)
      expect(r.didResolutionMetadata.error).toBe('notFound')
    } finally {
      await ledger.close()
    }
  })
})
