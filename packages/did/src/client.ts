import { constantTimeEqual, randomBytes, type Signer, sha256 } from '@marque/crypto'
import { type Ledger, type LedgerOperation, MAX_BATCH_OPERATIONS } from '@marque/ledger'
import type { DIDDocument } from 'did-resolver'
import { operationCid } from './cid.js'
import { LOCATOR_LENGTH } from './constants.js'
import { checkNetwork, formatDid, parseDid } from './did.js'
import { buildDidDocument, type VerificationMethodIds, verificationMethodIds } from './document.js'
import { DidError, DidErrorCode } from './errors.js'
import type { CreateOperation, Service, UnsignedOperation } from './operation.js'
import type { MarqueResolver } from './resolver.js'
import { checkDomain, recoveryCommitment, signOperation } from './signing.js'
import { type DidHistory, type DidState, type DidVersion, genesisState, readHistory } from './state.js'

/** A public key, given as bytes or as the Signer that holds it. */
export type PublicKeyInput = Uint8Array | Signer

/** Parameters of {@link createDidClient}. */
export interface CreateDidClientParameters {
  /** The ledger of the network the client writes to. */
  ledger: Ledger
  /** A resolver whose cache the client clears after each of its writes. */
  resolver?: MarqueResolver
  /** Makes a 6-byte anchor locator; injectable for tests. Default: 6 random bytes. */
  locator?: () => Uint8Array
}

/** Parameters of {@link DidClient.create}: what the genesis operation holds. */
export interface CreateDidParameters {
  /**
   * The device's first Ed25519 key. It signs the genesis, which proves the device holds it.
   * For a key made on the device, wrap the device's signing call with `defineSigner`: only
   * its public key and its signature over the genesis leave the device.
   */
  deviceKey: Signer
  /** More Ed25519 device keys (public). */
  additionalKeys?: readonly PublicKeyInput[]
  /** X25519 key-agreement public keys. */
  agreementKeys?: readonly Uint8Array[]
  /** Services of the DID document, at most 8 with distinct ids. Default: none. */
  services?: readonly Service[]
  /** The controller's update key (public): signs updates. */
  updateKey: PublicKeyInput
  /** The controller's next recovery key (public); only its SHA-256 goes on the ledger. Give this or `recoveryCommitment`. */
  recoveryKey?: PublicKeyInput
  /** SHA-256 of the recovery public key, for a controller that keeps even the public key back. */
  recoveryCommitment?: Uint8Array
  /** 6 bytes. Default: from the client's `locator` (random). A factory batch may share one. */
  locator?: Uint8Array
  /**
   * 20 bytes, the genesis's field 10: an EVM account (the manufacturer's anchoring service,
   * or the owner) that an EVM registry lets seal the DID, making it refuse every later
   * operation for the DID (docs/ledger-evm.md, "Deactivation on chain"). It cannot change
   * keys. Leave it out for a DID no account may seal. From a viem address: `hexToBytes(address)`.
   */
  anchorAccount?: Uint8Array
}

/** What every write returns. */
export interface DidWriteResult {
  /** The DID written, in its one canonical form (`did:marque:[network:]id`). */
  readonly did: string
  /** The version this write made. */
  readonly versionId: string
  /** The CID of the operation written. */
  readonly cid: string
  /** The operation's bytes, as anchored. */
  readonly operation: Uint8Array
  /** The DID document after the write (`application/did+ld+json`). */
  readonly document: DIDDocument
  /** The ids of the document's verification methods after the write, by relationship. */
  readonly verificationMethodIds: VerificationMethodIds
}
/** What {@link DidClient.create} returns: the genesis, as written and confirmed. */
export type CreateDidReturnType = DidWriteResult

/** Parameters of {@link DidClient.createBatch}. */
export interface CreateBatchParameters {
  /** At most MAX_BATCH_OPERATIONS devices: one ledger append, atomic. */
  devices: readonly Omit<CreateDidParameters, 'locator'>[]
  /** One locator for the whole batch (lets an indexed ledger file the batch under one key; links its devices: docs/did-method.md, "Privacy"). Default: one random locator per device. */
  locator?: Uint8Array
  /**
   * The anchor account of every device that names none itself (see
   * {@link CreateDidParameters.anchorAccount}): a factory's anchoring service, say. Each
   * genesis carries it (22 bytes more).
   */
  anchorAccount?: Uint8Array
}
/** What {@link DidClient.createBatch} returns. */
export interface CreateBatchReturnType {
  /** The anchor that carried the whole batch: a batch id (SQLite) or a transaction hash (EVM). */
  readonly anchorId: string
  /** Whole seconds since the epoch. */
  readonly time: number
  /** One per device, in the order given. */
  readonly dids: readonly DidWriteResult[]
}

/** Parameters of {@link DidClient.update}. Each field left out stays as it is. */
export interface UpdateDidParameters {
  /** The DID to change (a DID, not a DID URL). */
  did: string
  /** The current update key. */
  updateKey: Signer
  /** Replaces the Ed25519 device keys. */
  keys?: readonly PublicKeyInput[]
  /** Replaces the X25519 keys; `[]` removes them all. */
  agreementKeys?: readonly Uint8Array[]
  /** Replaces the services; `[]` removes them all. */
  services?: readonly Service[]
  /** A new update key. */
  newUpdateKey?: PublicKeyInput
}
/** What {@link DidClient.update} returns: the new version, as written and confirmed. */
export type UpdateDidReturnType = DidWriteResult

/** Parameters of {@link DidClient.rotate}. */
export interface RotateDidParameters {
  /** The DID whose device keys rotate (a DID, not a DID URL). */
  did: string
  /** The current update key. */
  updateKey: Signer
  /** The new Ed25519 device keys; every key not listed is rotated out. */
  keys: readonly PublicKeyInput[]
  /** New X25519 keys, when they rotate too. */
  agreementKeys?: readonly Uint8Array[]
}
/** What {@link DidClient.rotate} returns: the new version, as written and confirmed. */
export type RotateDidReturnType = DidWriteResult

/** Parameters of {@link DidClient.transfer}. */
export interface TransferDidParameters {
  /** The DID whose control passes (a DID, not a DID URL). */
  did: string
  /** The current recovery key: its SHA-256 must be the DID's recovery commitment. */
  recoveryKey: Signer
  /** The new controller's update key. */
  updateKey: PublicKeyInput
  /** The new controller's next recovery key (public). Give this or `nextRecoveryCommitment`. */
  nextRecoveryKey?: PublicKeyInput
  /**
   * SHA-256 of the new controller's next recovery public key, for a controller that keeps
   * even the public key back. Give this or `nextRecoveryKey`.
   */
  nextRecoveryCommitment?: Uint8Array
  /** Replaces the device keys (a recovery after theft does). */
  keys?: readonly PublicKeyInput[]
  /** Replaces the X25519 key-agreement keys; `[]` removes them all. Left out, they stay. */
  agreementKeys?: readonly Uint8Array[]
  /** Replaces the services; `[]` removes them all. Left out, they stay. */
  services?: readonly Service[]
}
/** What {@link DidClient.transfer} returns: the new version, as written and confirmed. */
export type TransferDidReturnType = DidWriteResult

/** Parameters of {@link DidClient.deactivate}. */
export interface DeactivateDidParameters {
  /** The DID to deactivate (a DID, not a DID URL). */
  did: string
  /** The current recovery key. */
  recoveryKey: Signer
  /**
   * Anchors the signed deactivate instead of `ledger.append([operation])`; the client reads
   * back afterwards as after any write. On an EVM registry, sealing deactivates the DID and
   * makes the registry refuse every later operation for it, in one transaction:
   * `anchor: ({ bytes }) => ledger.seal({ did, genesis, operation: bytes })`.
   */
  anchor?: (operation: LedgerOperation) => Promise<unknown>
}
/** What {@link DidClient.deactivate} returns: the final version, whose document holds its id alone. */
export type DeactivateDidReturnType = DidWriteResult

/** Writes did:marque operations to one ledger; made by {@link createDidClient}. */
export interface DidClient {
  /** The ledger the client reads and writes: the one it was created with. */
  readonly ledger: Ledger
  /** Registers one DID. @throws DidError; LedgerError from the ledger. */
  create(parameters: CreateDidParameters): Promise<CreateDidReturnType>
  /** Registers many DIDs in one ledger append. @throws DidError; LedgerError. */
  createBatch(parameters: CreateBatchParameters): Promise<CreateBatchReturnType>
  /** Changes keys, services or the update key. @throws DidError; LedgerError. */
  update(parameters: UpdateDidParameters): Promise<UpdateDidReturnType>
  /** Replaces the device keys. @throws DidError; LedgerError. */
  rotate(parameters: RotateDidParameters): Promise<RotateDidReturnType>
  /** Hands control to a new controller (or rotates the controller's own keys). @throws DidError; LedgerError. */
  transfer(parameters: TransferDidParameters): Promise<TransferDidReturnType>
  /** Deactivates the DID for good. @throws DidError; LedgerError. */
  deactivate(parameters: DeactivateDidParameters): Promise<DeactivateDidReturnType>
  /** Every valid version and every ignored operation, with the reason. @throws DidError; LedgerError. */
  history(did: string): Promise<DidHistory>
}

/**
 * A client that writes did:marque operations through any Ledger and any Signer. Each write
 * reads the DID's state, signs an operation that extends it, appends it, and reads back to
 * confirm it was the one that won (`DID_CONFLICT` when another operation got there first).
 * @throws DidError `DID_INVALID_PARAMETER` when the ledger's network or domain is malformed.
 */
export function createDidClient(parameters: CreateDidClientParameters): DidClient {
  const { ledger, resolver } = parameters
  const network = checkNetwork(ledger?.network)
  const domain = checkDomain(ledger.domain)
  const makeLocator = parameters.locator ?? (() => randomBytes(LOCATOR_LENGTH))

  const genesis = async (p: CreateDidParameters, locator: Uint8Array, batchAccount?: Uint8Array) => {
    if (p === null || typeof p !== 'object' || typeof p.deviceKey !== 'function') {
      throw new DidError(DidErrorCode.InvalidParameter, 'deviceKey must be a Signer')
    }
    const agreementKeys = p.agreementKeys?.length ? { agreementKeys: p.agreementKeys } : {}
    const services = p.services?.length ? { services: p.services } : {}
    const anchorAccount = p.anchorAccount ?? batchAccount
    const operation: CreateOperation = {
      type: 'create',
      locator,
      keys: [p.deviceKey.publicKey, ...(p.additionalKeys ?? []).map(publicKeyOf)],
      ...agreementKeys,
      ...services,
      updateKey: publicKeyOf(p.updateKey),
      recoveryCommitment: commitmentOf(p.recoveryKey, p.recoveryCommitment),
      ...(anchorAccount !== undefined && { anchorAccount }),
    }
    const signed = await signOperation({ operation, domain, signer: p.deviceKey })
    const did = formatDid({ locator, digest: signed.digest, network })
    return { did, bytes: signed.bytes, digest: signed.digest, state: genesisState(operation) }
  }

  const confirm = async (did: string, digest: Uint8Array, bytes: Uint8Array): Promise<DidWriteResult> => {
    resolver?.invalidate(did)
    const history = await readHistory({ ledger, did })
    const cid = operationCid(digest, true).toString()
    const version = history.versions.find((v) => v.cid === cid)
    if (version === undefined) {
      const ignored = history.ignored.find((i) => i.cid === cid)
      throw new DidError(
        DidErrorCode.Conflict,
        'the operation was anchored but another one extended the DID first',
        {
          details: ignored === undefined ? 'not found on the ledger' : `${ignored.code}: ${ignored.message}`,
          hint: 'read the DID again (history or resolve) and retry against its new state',
        },
      )
    }
    return result(did, version, bytes)
  }

  // Reads the DID, checks that `signer` may sign the next operation, signs what `build`
  // makes, appends it and confirms it won.
  const write = async (
    did: string,
    signer: Signer,
    role: 'update' | 'recovery',
    build: (state: DidState, head: Uint8Array, controlHead: Uint8Array) => UnsignedOperation,
    anchor: (operation: LedgerOperation) => Promise<unknown> = (operation) => ledger.append([operation]),
  ): Promise<DidWriteResult> => {
    const parsed = parseDid(did)
    if ('error' in parsed) throw new DidError(DidErrorCode.InvalidDid, parsed.message)
    if (typeof signer !== 'function' || !(signer.publicKey instanceof Uint8Array)) {
      throw new DidError(DidErrorCode.InvalidParameter, `${role}Key must be a Signer`)
    }
    const { versions } = await readHistory({ ledger, did: parsed })
    const last = versions[versions.length - 1]
    if (last === undefined) {
      throw new DidError(DidErrorCode.NotFound, `${did} has no valid genesis on this ledger`)
    }
    if (last.state.deactivated) {
      throw new DidError(DidErrorCode.Deactivated, `${did} is deactivated`, {
        hint: 'deactivation is final; register a new DID',
      })
    }
    const allowed =
      role === 'update'
        ? constantTimeEqual(signer.publicKey, last.state.updateKey)
        : constantTimeEqual(sha256(signer.publicKey), last.state.recoveryCommitment)
    if (!allowed) {
      throw new DidError(DidErrorCode.WrongKey, `the signer is not the DID's current ${role} key`, {
        hint:
          role === 'update'
            ? 'sign with the update key the DID names now (see controller in its document)'
            : 'sign with the recovery key whose SHA-256 the DID committed to',
      })
    }
    const control = [...versions].reverse().find((v) => v.type === 'create' || v.type === 'transfer')!
    const operation = build(last.state, last.digest, control.digest)
    const signed = await signOperation({ operation, domain, signer })
    await anchor({ did: parsed.did, bytes: signed.bytes })
    return confirm(parsed.did, signed.digest, signed.bytes)
  }

  const update = (p: UpdateDidParameters) =>
    write(p.did, p.updateKey, 'update', (_state, head) => ({
      type: 'update',
      prev: head,
      ...(p.keys !== undefined && { keys: p.keys.map(publicKeyOf) }),
      ...(p.agreementKeys !== undefined && { agreementKeys: p.agreementKeys }),
      ...(p.services !== undefined && { services: p.services }),
      ...(p.newUpdateKey !== undefined && { updateKey: publicKeyOf(p.newUpdateKey) }),
    }))

  return {
    ledger,
    async create(p) {
      const locator = p?.locator ?? makeLocator()
      const g = await genesis(p, locator)
      await ledger.append([{ did: g.did, bytes: g.bytes }])
      return confirm(g.did, g.digest, g.bytes)
    },
    async createBatch(p) {
      const devices = p?.devices
      if (!Array.isArray(devices) || devices.length === 0 || devices.length > MAX_BATCH_OPERATIONS) {
        throw new DidError(DidErrorCode.BatchTooLarge, `a batch holds 1 to ${MAX_BATCH_OPERATIONS} devices`, {
          details: Array.isArray(devices) ? `got ${devices.length}` : 'devices is not an array',
          hint: 'split the devices into several calls',
        })
      }
      const made = await Promise.all(
        devices.map((d) => genesis(d, p.locator ?? makeLocator(), p.anchorAccount)),
      )
      const seen = new Set<string>()
      for (const g of made) {
        if (seen.has(g.did)) {
          throw new DidError(
            DidErrorCode.InvalidParameter,
            'two devices in the batch would get the same DID',
            {
              details: g.did,
              hint: 'give each device its own key, or leave the locator to the client (one random locator per device)',
            },
          )
        }
        seen.add(g.did)
      }
      const appended = await ledger.append(made.map((g) => ({ did: g.did, bytes: g.bytes })))
      for (const g of made) resolver?.invalidate(g.did)
      const dids = made.map((g, i) =>
        result(
          g.did,
          {
            versionId: '1',
            type: 'create',
            cid: operationCid(g.digest, true).toString(),
            digest: g.digest,
            position: appended.positions[i]!,
            time: appended.time,
            anchorId: appended.anchorId,
            state: g.state,
          },
          g.bytes,
        ),
      )
      return { anchorId: appended.anchorId, time: appended.time, dids }
    },
    update,
    rotate(p) {
      if (!Array.isArray(p?.keys)) throw new DidError(DidErrorCode.InvalidParameter, 'keys must be an array')
      return update({
        did: p.did,
        updateKey: p.updateKey,
        keys: p.keys,
        ...(p.agreementKeys !== undefined && { agreementKeys: p.agreementKeys }),
      })
    },
    transfer(p) {
      return write(p.did, p.recoveryKey, 'recovery', (_state, _head, controlHead) => ({
        type: 'transfer',
        prev: controlHead,
        recoveryKey: p.recoveryKey.publicKey,
        updateKey: publicKeyOf(p.updateKey),
        recoveryCommitment: commitmentOf(p.nextRecoveryKey, p.nextRecoveryCommitment),
        ...(p.keys !== undefined && { keys: p.keys.map(publicKeyOf) }),
        ...(p.agreementKeys !== undefined && { agreementKeys: p.agreementKeys }),
        ...(p.services !== undefined && { services: p.services }),
      }))
    },
    async deactivate(p) {
      if (p?.anchor !== undefined && typeof p.anchor !== 'function') {
        throw new DidError(
          DidErrorCode.InvalidParameter,
          'anchor must be a function that anchors the operation',
        )
      }
      return write(
        p.did,
        p.recoveryKey,
        'recovery',
        (_state, _head, controlHead) => ({
          type: 'deactivate',
          prev: controlHead,
          recoveryKey: p.recoveryKey.publicKey,
        }),
        p.anchor,
      )
    },
    async history(did) {
      return readHistory({ ledger, did, explain: true })
    },
  }
}

function result(did: string, version: DidVersion, operation: Uint8Array): DidWriteResult {
  return {
    did,
    versionId: version.versionId,
    cid: version.cid,
    operation,
    document: buildDidDocument({ did, state: version.state }),
    verificationMethodIds: verificationMethodIds(did, version.state),
  }
}

function publicKeyOf(key: PublicKeyInput): Uint8Array {
  if (key instanceof Uint8Array) return key
  if (typeof key === 'function' && key.publicKey instanceof Uint8Array) return key.publicKey
  throw new DidError(DidErrorCode.InvalidParameter, 'a public key is a Uint8Array or a Signer')
}

function commitmentOf(key: PublicKeyInput | undefined, commitment: Uint8Array | undefined): Uint8Array {
  if ((key === undefined) === (commitment === undefined)) {
    throw new DidError(DidErrorCode.InvalidParameter, 'give the recovery key or its commitment, exactly one')
  }
  return commitment ?? recoveryCommitment(publicKeyOf(key!))
}
