import { constantTimeEqual, toHex } from '@marque/crypto'
import type { AnchoredOperation, Ledger } from '@marque/ledger'
import { operationCid, operationDigest } from './cid.js'
import type { OperationType } from './constants.js'
import { matchesDid, type ParsedMarqueDid, parseDid } from './did.js'
import { DidError, DidErrorCode } from './errors.js'
import { type CreateOperation, type DecodedOperation, decodeOperation, type Service } from './operation.js'
import { checkDomain, recoveryCommitment, verifyOperationSignature } from './signing.js'

/** What a DID holds at one version. */
export interface DidState {
  /** Ed25519 device keys: authentication and assertionMethod. */
  readonly keys: readonly Uint8Array[]
  /** X25519 keys: keyAgreement. */
  readonly agreementKeys: readonly Uint8Array[]
  /** The services the document lists, in the order the operation that set them gave. */
  readonly services: readonly Service[]
  /** The controller's update key. */
  readonly updateKey: Uint8Array
  /** SHA-256 of the controller's next recovery key. */
  readonly recoveryCommitment: Uint8Array
  /**
   * The EVM account the genesis names (field 10), when it names one; no later operation
   * changes it. Ledger metadata: no DID document shows it (docs/did-method.md, "DID documents").
   */
  readonly anchorAccount?: Uint8Array
  /** True from a valid deactivate on: keys and services are then empty, and nothing follows. */
  readonly deactivated: boolean
}

/** One valid operation and the state it led to. */
export interface DidVersion {
  /** `"1"` for the genesis, then `"2"`, `"3"`, … in ledger order of valid operations. */
  readonly versionId: string
  /** The type of the operation that made this version. */
  readonly type: OperationType
  /** The operation's CID (base32). */
  readonly cid: string
  /** SHA-256 of the operation's bytes. */
  readonly digest: Uint8Array
  /** The operation's place in ledger order: strictly increasing across the whole ledger. */
  readonly position: number
  /** Whole seconds since the epoch, as the ledger anchored it. */
  readonly time: number
  /** The anchor that carried the operation: a batch id (SQLite) or a transaction hash (EVM). */
  readonly anchorId: string
  /** What the DID holds after this operation. */
  readonly state: DidState
}

/** An operation the resolver ignored, and why. */
export interface IgnoredOperation {
  /** The operation's place in ledger order: strictly increasing across the whole ledger. */
  readonly position: number
  /** Whole seconds since the epoch, as the ledger anchored it. */
  readonly time: number
  /** The anchor that carried the operation: a batch id (SQLite) or a transaction hash (EVM). */
  readonly anchorId: string
  /** The CID of the bytes as anchored. */
  readonly cid: string
  /** Why it was ignored: a `DID_OP_*` code (docs/did-method.md, "Validation"). */
  readonly code: DidErrorCode
  /** The same reason in a sentence, for people. */
  readonly message: string
}

/** A DID's whole history as a resolver sees it. */
export interface DidHistory {
  /** The DID, in its canonical form. */
  readonly did: string
  /** Valid operations in ledger order; empty when the DID has no valid genesis. */
  readonly versions: readonly DidVersion[]
  /** Every other operation filed under the DID, in ledger order, with the reason it was ignored. */
  readonly ignored: readonly IgnoredOperation[]
}

/** Parameters of {@link replayOperations}. */
export interface ReplayOperationsParameters {
  /** The DID the operations are for, as a string or as {@link parseDid} gives it. */
  did: string | ParsedMarqueDid
  /** The ledger's domain, which every signature binds. */
  domain: string
  /** The DID's operations as the ledger returned them; ledger order is ascending `position`. */
  operations: readonly AnchoredOperation[]
  /**
   * When true, an operation whose signature fails under the key it needed is also tried
   * under every key the DID held before, to report `DID_OP_UNAUTHORIZED_KEY` rather than
   * `DID_OP_BAD_SIGNATURE`. Costs verifications; for diagnosis, not for resolution.
   */
  explain?: boolean
}

/**
 * The state machine of docs/did-method.md, "Validation": walks a DID's operations in ledger
 * order and keeps each that is valid against the state so far. The first valid operation
 * that extends the head wins; every invalid one is recorded and skipped, so no operation
 * can block or hide a valid one.
 * @throws DidError `DID_INVALID_DID` when `did` is not a did:marque DID;
 *   `DID_INVALID_PARAMETER` when `domain` is not 1 to 255 printable ASCII characters (no
 *   signature could bind it, so every operation would be ignored and the DID look absent).
 */
export async function replayOperations(parameters: ReplayOperationsParameters): Promise<DidHistory> {
  const parsed = typeof parameters.did === 'string' ? parseDid(parameters.did) : parameters.did
  if ('error' in parsed) throw new DidError(DidErrorCode.InvalidDid, parsed.message)
  const domain = checkDomain(parameters.domain)
  const ordered = [...parameters.operations].sort((a, b) => a.position - b.position)
  const versions: DidVersion[] = []
  const ignored: IgnoredOperation[] = []
  const seen = new Set<string>()
  const knownKeys = new Map<string, Uint8Array>()
  let state: DidState | undefined
  let head: Uint8Array | undefined
  let controlHead: Uint8Array | undefined

  for (const anchored of ordered) {
    const digest = operationDigest(anchored.bytes)
    const hex = toHex(digest)
    try {
      if (anchored.did !== parsed.did)
        reject(DidErrorCode.WrongDid, 'the operation is filed under another DID')
      if (seen.has(hex)) reject(DidErrorCode.Replay, 'this operation is already part of the DID')
      if (state?.deactivated) reject(DidErrorCode.AfterDeactivation, 'the DID is deactivated')
      const decoded = decodeOperation(anchored.bytes)
      const op = decoded.operation
      let next: DidState
      if (op.type === 'create') {
        if (!matchesDid(parsed, op.locator, digest)) {
          reject(DidErrorCode.WrongDid, 'this genesis does not hash to the DID')
        }
        if (state !== undefined) reject(DidErrorCode.Fork, 'the DID already has a genesis')
        await checkSignature(decoded, op.keys[0]!, domain)
        next = genesisState(op)
      } else {
        if (state === undefined || head === undefined || controlHead === undefined) {
          reject(DidErrorCode.NoGenesis, 'no valid genesis precedes this operation')
        }
        if (op.type === 'update') {
          if (!constantTimeEqual(op.prev, head))
            reject(DidErrorCode.Fork, 'the operation does not follow the head')
          if (
            !(await verifyOperationSignature(
              decoded.unsignedBytes,
              decoded.signature,
              state.updateKey,
              domain,
            ))
          ) {
            await explainSignature(decoded, [...knownKeys.values()], domain)
          }
          next = {
            ...state,
            ...(op.keys && { keys: op.keys }),
            ...(op.agreementKeys && { agreementKeys: op.agreementKeys }),
            ...(op.services && { services: op.services }),
            ...(op.updateKey && { updateKey: op.updateKey }),
          }
        } else {
          if (!constantTimeEqual(op.prev, controlHead)) {
            reject(DidErrorCode.Fork, 'the operation does not follow the last create or transfer')
          }
          if (!constantTimeEqual(recoveryCommitment(op.recoveryKey), state.recoveryCommitment)) {
            reject(DidErrorCode.CommitmentMismatch, 'the revealed recovery key does not match the commitment')
          }
          await checkSignature(decoded, op.recoveryKey, domain)
          next =
            op.type === 'deactivate'
              ? { ...state, keys: [], agreementKeys: [], services: [], deactivated: true }
              : {
                  ...state,
                  keys: op.keys ?? state.keys,
                  agreementKeys: op.agreementKeys ?? state.agreementKeys,
                  services: op.services ?? state.services,
                  updateKey: op.updateKey,
                  recoveryCommitment: op.recoveryCommitment,
                  deactivated: false,
                }
        }
      }
      state = next
      if (parameters.explain) remember(knownKeys, state)
      head = digest
      if (op.type === 'create' || op.type === 'transfer') controlHead = digest
      seen.add(hex)
      versions.push(
        withCid(
          {
            versionId: String(versions.length + 1),
            type: op.type,
            digest,
            position: anchored.position,
            time: anchored.time,
            anchorId: anchored.anchorId,
            state,
          },
          digest,
        ),
      )
    } catch (error) {
      if (!(error instanceof DidError)) throw error
      ignored.push(
        withCid(
          {
            position: anchored.position,
            time: anchored.time,
            anchorId: anchored.anchorId,
            code: error.code,
            message: error.message,
          },
          digest,
        ),
      )
    }
  }
  return { did: parsed.did, versions, ignored }
}

// A CID's string form costs more than the rest of a version's bookkeeping, and resolution
// never shows it: compute it on first read.
function withCid<T extends object>(target: T, digest: Uint8Array): T & { readonly cid: string } {
  let cid: string | undefined
  return Object.defineProperty(target, 'cid', {
    enumerable: true,
    get: () => {
      cid ??= operationCid(digest, true).toString()
      return cid
    },
  }) as T & { readonly cid: string }
}

/** The state a genesis operation sets. */
export function genesisState(op: CreateOperation): DidState {
  return {
    keys: op.keys,
    agreementKeys: op.agreementKeys ?? [],
    services: op.services ?? [],
    updateKey: op.updateKey,
    recoveryCommitment: op.recoveryCommitment,
    ...(op.anchorAccount !== undefined && { anchorAccount: op.anchorAccount }),
    deactivated: false,
  }
}

// Every key the DID has held, for explain mode.
function remember(known: Map<string, Uint8Array>, state: DidState): void {
  for (const key of [state.updateKey, ...state.keys]) known.set(toHex(key), key)
}

function reject(code: DidErrorCode, message: string): never {
  throw new DidError(code, message)
}

async function checkSignature(decoded: DecodedOperation, key: Uint8Array, domain: string): Promise<void> {
  if (!(await verifyOperationSignature(decoded.unsignedBytes, decoded.signature, key, domain))) {
    reject(DidErrorCode.BadSignature, 'the signature does not verify')
  }
}

async function explainSignature(
  decoded: DecodedOperation,
  former: Uint8Array[],
  domain: string,
): Promise<never> {
  for (const key of former) {
    if (await verifyOperationSignature(decoded.unsignedBytes, decoded.signature, key, domain)) {
      reject(
        DidErrorCode.UnauthorizedKey,
        'signed by a key that may not sign this operation (rotated out, or a device key)',
      )
    }
  }
  reject(DidErrorCode.BadSignature, 'the signature does not verify under the update key')
}

/** Parameters of {@link readHistory}. */
export interface ReadHistoryParameters {
  /** The ledger to read: it must serve the network the DID names. */
  ledger: Ledger
  /** The DID whose history to read, as a string or as {@link parseDid} gives it. */
  did: string | ParsedMarqueDid
  /**
   * Reports `DID_OP_UNAUTHORIZED_KEY` rather than `DID_OP_BAD_SIGNATURE` for an update signed
   * by a former update key or a device key (see {@link ReplayOperationsParameters.explain}).
   * Costs verifications; for diagnosis. Default false.
   */
  explain?: boolean
  /** Cancels the ledger read: the call then rejects with `signal.reason`. */
  signal?: AbortSignal
}

/**
 * Reads a DID's operations from its ledger and replays them ({@link replayOperations}).
 * @throws DidError `DID_INVALID_DID`, `DID_NETWORK_MISMATCH` when the ledger serves another
 *   network than the DID names, `DID_INVALID_PARAMETER` when its domain is malformed;
 *   LedgerError from the ledger.
 */
export async function readHistory(parameters: ReadHistoryParameters): Promise<DidHistory> {
  const { ledger } = parameters
  const parsed = typeof parameters.did === 'string' ? parseDid(parameters.did) : parameters.did
  if ('error' in parsed) throw new DidError(DidErrorCode.InvalidDid, parsed.message)
  if (ledger.network !== parsed.network) {
    throw new DidError(DidErrorCode.NetworkMismatch, `the DID is on network "${parsed.network}"`, {
      details: `the ledger serves "${ledger.network}"`,
      hint: 'use the ledger of the network the DID names',
    })
  }
  const operations = await ledger.read(parsed.did, parameters.signal ? { signal: parameters.signal } : {})
  return replayOperations({
    did: parsed,
    domain: ledger.domain,
    operations,
    ...(parameters.explain !== undefined && { explain: parameters.explain }),
  })
}
