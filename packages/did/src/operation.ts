import {
  assertEd25519Encoding,
  assertEd25519PublicKey,
  assertX25519PublicKey,
  constantTimeEqual,
  toHex,
} from '@marque/crypto'
import { decodeStrict, encodeDeterministic } from './cbor.js'
import {
  ANCHOR_ACCOUNT_LENGTH,
  Field,
  LOCATOR_LENGTH,
  MAX_AGREEMENT_KEYS,
  MAX_ENDPOINT_LENGTH,
  MAX_KEYS,
  MAX_OPERATION_SIZE,
  MAX_SERVICE_ID,
  MAX_SERVICES,
  OPERATION_VERSION,
  OperationType,
  ServiceType,
} from './constants.js'
import { DidError, DidErrorCode } from './errors.js'

/** A service entry (docs/did-method.md, "Services"). */
export interface Service {
  /** 0 to 255; the document names it `#service-<id>`. */
  readonly id: number
  /** What the endpoint serves, one of {@link ServiceType}: the document's service `type`. */
  readonly type: ServiceType
  /** An absolute URI of printable ASCII, at most 200 bytes. */
  readonly endpoint: string
}

/** The genesis: signed by `keys[0]`, which proves the device holds it. */
export interface CreateOperation {
  /** A genesis (wire code 0). */
  readonly type: 'create'
  /** 6 bytes: the anchor locator, which leads the DID's id. */
  readonly locator: Uint8Array
  /** Ed25519 device keys (authentication and assertion), 1 to 8. */
  readonly keys: readonly Uint8Array[]
  /** X25519 key-agreement keys, 1 to 4 when present. */
  readonly agreementKeys?: readonly Uint8Array[]
  /** 1 to 8 when present. */
  readonly services?: readonly Service[]
  /** The controller's Ed25519 update key. */
  readonly updateKey: Uint8Array
  /** SHA-256 of the controller's next recovery public key (pre-rotation commitment). */
  readonly recoveryCommitment: Uint8Array
  /**
   * 20 bytes, not all zero: the EVM account an EVM registry lets seal the DID, that is make
   * it refuse every later operation for it (docs/ledger-evm.md, "Deactivation on chain").
   * Ledger metadata: it is in no DID document and changes nothing a resolver decides.
   */
  readonly anchorAccount?: Uint8Array
}

/** Replaces what it names; signed by the current update key; follows the head. */
export interface UpdateOperation {
  /** An update (wire code 1). */
  readonly type: 'update'
  /** SHA-256 of the signed operation this one follows (the current head). */
  readonly prev: Uint8Array
  /** Replaces the Ed25519 device keys, 1 to 8: a key rotation. */
  readonly keys?: readonly Uint8Array[]
  /** An empty list removes every key-agreement key. */
  readonly agreementKeys?: readonly Uint8Array[]
  /** An empty list removes every service. */
  readonly services?: readonly Service[]
  /** A new update key. */
  readonly updateKey?: Uint8Array
}

/**
 * Transfer of control (or the controller rotating or recovering its own keys): signed by the
 * recovery key it reveals, which must hash to the current commitment; follows the last
 * create or transfer.
 */
export interface TransferOperation {
  /** A transfer (wire code 2). */
  readonly type: 'transfer'
  /** SHA-256 of the last create or transfer operation. */
  readonly prev: Uint8Array
  /** The recovery public key, revealed: it must hash to the current recovery commitment. */
  readonly recoveryKey: Uint8Array
  /** The Ed25519 update key from now on (the new controller's). */
  readonly updateKey: Uint8Array
  /** SHA-256 of the next recovery public key, which the next transfer or deactivate reveals. */
  readonly recoveryCommitment: Uint8Array
  /** Replaces the Ed25519 device keys, 1 to 8; absent, they stay. */
  readonly keys?: readonly Uint8Array[]
  /** Replaces the X25519 key-agreement keys, at most 4 (an empty list removes them); absent, they stay. */
  readonly agreementKeys?: readonly Uint8Array[]
  /** Replaces the services, at most 8 (an empty list removes them); absent, they stay. */
  readonly services?: readonly Service[]
}

/** Final. Signed by the revealed recovery key; follows the last create or transfer. */
export interface DeactivateOperation {
  /** A deactivation (wire code 3). */
  readonly type: 'deactivate'
  /** SHA-256 of the last create or transfer operation. */
  readonly prev: Uint8Array
  /** The recovery public key, revealed: it must hash to the current recovery commitment. */
  readonly recoveryKey: Uint8Array
}

/** An operation before its signature. */
export type UnsignedOperation = CreateOperation | UpdateOperation | TransferOperation | DeactivateOperation

/** A signed operation decoded from its bytes. */
export interface DecodedOperation {
  /** The operation map, each field checked; nothing about the DID's chain is checked. */
  readonly operation: UnsignedOperation
  /** 64 bytes, Ed25519. */
  readonly signature: Uint8Array
  /** The deterministic CBOR of the operation map: what the signing input carries. */
  readonly unsignedBytes: Uint8Array
  /** The signed operation's bytes. */
  readonly bytes: Uint8Array
}

const TYPE_NAMES = Object.keys(OperationType) as OperationType[]
const SERVICE_NAMES = Object.keys(ServiceType) as ServiceType[]

// Which fields each type carries: required, then optional.
const SHAPE: Record<OperationType, { required: readonly number[]; optional: readonly number[] }> = {
  create: {
    required: [
      Field.version,
      Field.type,
      Field.locator,
      Field.keys,
      Field.updateKey,
      Field.recoveryCommitment,
    ],
    optional: [Field.agreementKeys, Field.services, Field.anchorAccount],
  },
  update: {
    required: [Field.version, Field.type, Field.prev],
    optional: [Field.keys, Field.agreementKeys, Field.services, Field.updateKey],
  },
  transfer: {
    required: [
      Field.version,
      Field.type,
      Field.prev,
      Field.updateKey,
      Field.recoveryCommitment,
      Field.recoveryKey,
    ],
    optional: [Field.keys, Field.agreementKeys, Field.services],
  },
  deactivate: { required: [Field.version, Field.type, Field.prev, Field.recoveryKey], optional: [] },
}

const FIELD_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Field).map(([k, v]) => [v, k]))

/**
 * The deterministic CBOR of an unsigned operation: a map with integer keys (docs/did-method.md,
 * "Encoding"), after checking every field as a resolver would.
 * @throws DidError with a `DID_OP_*` code naming the first problem found.
 */
export function encodeUnsignedOperation(operation: UnsignedOperation): Uint8Array {
  return encodeDeterministic(toMap(checkOperation(operation)))
}

/**
 * The bytes of a signed operation: the CBOR array `[operation map, signature]`. The
 * operation map's bytes sit unchanged inside, from offset 1 to 66 bytes before the end.
 * @throws DidError with a `DID_OP_*` code for a bad operation or a signature that is not 64 bytes.
 */
export function encodeOperation(operation: UnsignedOperation, signature: Uint8Array): Uint8Array {
  checkOperation(operation)
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    throw new DidError(DidErrorCode.InvalidField, 'the signature must be 64 bytes')
  }
  return encodeDeterministic([toMap(operation), signature])
}

function toMap(op: UnsignedOperation): Map<number, unknown> {
  const map = new Map<number, unknown>()
  map.set(Field.version, OPERATION_VERSION)
  map.set(Field.type, OperationType[op.type])
  const put = (key: number, value: unknown) => {
    if (value !== undefined) map.set(key, value)
  }
  switch (op.type) {
    case 'create':
      put(Field.locator, op.locator)
      put(Field.anchorAccount, op.anchorAccount)
      break
    default:
      put(Field.prev, op.prev)
  }
  if (op.type !== 'deactivate') {
    put(Field.keys, op.keys)
    put(Field.agreementKeys, op.agreementKeys)
    put(
      Field.services,
      op.services?.map((s) => [s.id, ServiceType[s.type], s.endpoint]),
    )
    put(Field.updateKey, op.updateKey)
  }
  if (op.type === 'create' || op.type === 'transfer') put(Field.recoveryCommitment, op.recoveryCommitment)
  if (op.type === 'transfer' || op.type === 'deactivate') put(Field.recoveryKey, op.recoveryKey)
  return map
}

/**
 * Decodes a signed operation strictly: exactly one CBOR item in core deterministic encoding,
 * every field of its type and no other, each of the right type, length and count.
 * Nothing about the chain (signature, predecessor) is checked here.
 * @throws DidError `DID_OP_TOO_LARGE`, `DID_OP_MALFORMED`, `DID_OP_INDEFINITE_LENGTH`,
 *   `DID_OP_NON_CANONICAL`, `DID_OP_DUPLICATE_KEY`, `DID_OP_TRAILING_BYTES`,
 *   `DID_OP_UNKNOWN_VERSION`, `DID_OP_UNKNOWN_TYPE`, `DID_OP_UNKNOWN_FIELD`,
 *   `DID_OP_MISSING_FIELD`, `DID_OP_INVALID_FIELD`, `DID_OP_INVALID_KEY`,
 *   `DID_OP_INVALID_SERVICE`, `DID_OP_DUPLICATE_ENTRY`, `DID_OP_LIMIT_EXCEEDED`,
 *   `DID_OP_EMPTY_UPDATE`.
 */
export function decodeOperation(bytes: Uint8Array): DecodedOperation {
  if (!(bytes instanceof Uint8Array)) {
    throw new DidError(DidErrorCode.Malformed, 'an operation must be a Uint8Array')
  }
  if (bytes.length > MAX_OPERATION_SIZE) {
    throw new DidError(
      DidErrorCode.OperationTooLarge,
      `an operation is at most ${MAX_OPERATION_SIZE} bytes`,
      {
        details: `got ${bytes.length} bytes`,
      },
    )
  }
  const value = decodeStrict(bytes)
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !(value[0] instanceof Map) ||
    !(value[1] instanceof Uint8Array)
  ) {
    throw new DidError(DidErrorCode.Malformed, 'an operation is the CBOR array [operation map, signature]')
  }
  const map = value[0] as Map<unknown, unknown>
  const signature = value[1] as Uint8Array
  const operation = fromMap(map)
  if (signature.length !== 64) {
    throw new DidError(DidErrorCode.InvalidField, 'the signature must be 64 bytes', {
      details: `got ${signature.length} bytes`,
    })
  }
  checkOperation(operation)
  // RFC 8949 §4.2.1: re-encoding what was read must give the same bytes. This rejects
  // unsorted map keys, floats standing for integers and strings that are not valid UTF-8,
  // which the decoder alone lets through.
  const again = encodeDeterministic([toMap(operation), signature])
  if (!constantTimeEqual(again, bytes)) {
    throw new DidError(DidErrorCode.NonCanonical, 'the operation is not in deterministic CBOR', {
      details: 'the bytes differ from the core deterministic encoding of the same operation',
      hint: 'encode with RFC 8949 §4.2.1 core deterministic encoding (map keys in bytewise order)',
    })
  }
  return { operation, signature, unsignedBytes: bytes.subarray(1, bytes.length - 66), bytes }
}

function fromMap(map: Map<unknown, unknown>): UnsignedOperation {
  const version = map.get(Field.version)
  if (version === undefined) throw missing(Field.version, 'operation')
  if (!Number.isInteger(version)) throw invalidField(Field.version, 'an unsigned integer')
  if (version !== OPERATION_VERSION) {
    throw new DidError(DidErrorCode.UnknownVersion, `operation version ${String(version)} is not supported`, {
      hint: `this implementation reads version ${OPERATION_VERSION}; a newer version needs a newer resolver`,
    })
  }
  const code = map.get(Field.type)
  if (code === undefined) throw missing(Field.type, 'operation')
  if (!Number.isInteger(code)) throw invalidField(Field.type, 'an unsigned integer')
  const type = TYPE_NAMES.find((t) => OperationType[t] === code)
  if (type === undefined) {
    throw new DidError(DidErrorCode.UnknownType, `operation type ${String(code)} is not known`, {
      details: 'known types: 0 create, 1 update, 2 transfer, 3 deactivate',
    })
  }
  const shape = SHAPE[type]
  for (const key of map.keys()) {
    if (typeof key !== 'number' || !(shape.required.includes(key) || shape.optional.includes(key))) {
      const name = typeof key === 'number' && FIELD_NAMES[key] !== undefined ? ` (${FIELD_NAMES[key]})` : ''
      throw new DidError(
        DidErrorCode.UnknownField,
        `field ${String(key)}${name} is not part of ${anOperation(type)}`,
      )
    }
  }
  for (const key of shape.required) if (!map.has(key)) throw missing(key, type)
  const bytes = (key: number, length: number) => readBytes(map, key, length)
  const keys = (key: number) => readKeys(map, key)
  switch (type) {
    case 'create':
      return omitUndefined({
        type,
        locator: bytes(Field.locator, LOCATOR_LENGTH)!,
        keys: keys(Field.keys)!,
        agreementKeys: keys(Field.agreementKeys),
        services: readServices(map),
        updateKey: bytes(Field.updateKey, 32)!,
        recoveryCommitment: bytes(Field.recoveryCommitment, 32)!,
        anchorAccount: bytes(Field.anchorAccount, ANCHOR_ACCOUNT_LENGTH),
      })
    case 'update':
      return omitUndefined({
        type,
        prev: bytes(Field.prev, 32)!,
        keys: keys(Field.keys),
        agreementKeys: keys(Field.agreementKeys),
        services: readServices(map),
        updateKey: bytes(Field.updateKey, 32),
      })
    case 'transfer':
      return omitUndefined({
        type,
        prev: bytes(Field.prev, 32)!,
        recoveryKey: bytes(Field.recoveryKey, 32)!,
        updateKey: bytes(Field.updateKey, 32)!,
        recoveryCommitment: bytes(Field.recoveryCommitment, 32)!,
        keys: keys(Field.keys),
        agreementKeys: keys(Field.agreementKeys),
        services: readServices(map),
      })
    case 'deactivate':
      return { type, prev: bytes(Field.prev, 32)!, recoveryKey: bytes(Field.recoveryKey, 32)! }
  }
}

// With exactOptionalPropertyTypes an absent field and one set to undefined differ: drop the latter.
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>
}
function omitUndefined<T extends object>(value: T): Defined<T> {
  for (const k of Object.keys(value) as (keyof T)[]) if (value[k] === undefined) delete value[k]
  return value as Defined<T>
}

function readBytes(map: Map<unknown, unknown>, key: number, length: number): Uint8Array | undefined {
  const value = map.get(key)
  if (value === undefined) return undefined
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw invalidField(key, `a byte string of ${length} bytes`)
  }
  return value
}

function readKeys(map: Map<unknown, unknown>, key: number): Uint8Array[] | undefined {
  const value = map.get(key)
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((k) => k instanceof Uint8Array && k.length === 32)) {
    throw invalidField(key, 'an array of 32-byte byte strings')
  }
  return value as Uint8Array[]
}

function readServices(map: Map<unknown, unknown>): Service[] | undefined {
  const value = map.get(Field.services)
  if (value === undefined) return undefined
  if (!Array.isArray(value)) throw invalidField(Field.services, 'an array of [id, type, endpoint]')
  return value.map((entry) => {
    if (
      !Array.isArray(entry) ||
      entry.length !== 3 ||
      !Number.isInteger(entry[0]) ||
      !Number.isInteger(entry[1]) ||
      typeof entry[2] !== 'string'
    ) {
      throw invalidField(Field.services, 'an array of [id (uint), type (uint), endpoint (text)]')
    }
    const type = SERVICE_NAMES.find((t) => ServiceType[t] === entry[1])
    if (type === undefined) {
      throw new DidError(DidErrorCode.InvalidService, `service type ${String(entry[1])} is not known`, {
        details: `known types: ${SERVICE_NAMES.map((t) => `${ServiceType[t]} ${t}`).join(', ')}`,
      })
    }
    return { id: entry[0] as number, type, endpoint: entry[2] as string }
  })
}

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7e]+$/

/**
 * Checks an unsigned operation as a resolver does (the rules of docs/did-method.md,
 * "Validity of a single operation"), and returns it.
 * @throws DidError with a `DID_OP_*` code.
 */
export function checkOperation<T extends UnsignedOperation>(op: T): T {
  if (op === null || typeof op !== 'object' || !TYPE_NAMES.includes(op.type)) {
    throw new DidError(
      DidErrorCode.UnknownType,
      'the operation type must be create, update, transfer or deactivate',
    )
  }
  const allowed = SHAPE[op.type]
  const present = Object.entries(op)
    .filter(([name, value]) => name !== 'type' && value !== undefined)
    .map(([name]) => {
      const key = (Field as Record<string, number>)[name]
      if (key === undefined || !(allowed.required.includes(key) || allowed.optional.includes(key))) {
        throw new DidError(DidErrorCode.UnknownField, `${name} is not part of ${anOperation(op.type)}`)
      }
      return key
    })
  for (const key of allowed.required) {
    if (key !== Field.version && key !== Field.type && !present.includes(key)) throw missing(key, op.type)
  }
  const o = op as AnyFields
  if (o.locator !== undefined) checkBytes(o.locator, Field.locator, LOCATOR_LENGTH)
  if (o.anchorAccount !== undefined) checkAnchorAccount(o.anchorAccount)
  if (o.prev !== undefined) checkBytes(o.prev, Field.prev, 32)
  if (o.recoveryCommitment !== undefined) checkBytes(o.recoveryCommitment, Field.recoveryCommitment, 32)
  if (o.updateKey !== undefined) checkKey(o.updateKey, Field.updateKey, 'Ed25519')
  if (o.recoveryKey !== undefined) checkKey(o.recoveryKey, Field.recoveryKey, 'Ed25519')
  // A create's first key signs it, and validation verifies that signature next, which decodes
  // the point and fails for one off the curve: the (costly) on-curve test would be done twice.
  if (o.keys !== undefined) checkKeyList(o.keys, Field.keys, 'Ed25519', 1, MAX_KEYS, op.type === 'create')
  const min = op.type === 'create' ? 1 : 0 // a create omits an empty list: one spelling per meaning
  if (o.agreementKeys !== undefined) {
    checkKeyList(o.agreementKeys, Field.agreementKeys, 'X25519', min, MAX_AGREEMENT_KEYS)
  }
  if (o.services !== undefined) checkServices(o.services, min)
  if (op.type === 'update' && present.length === 1) {
    throw new DidError(
      DidErrorCode.EmptyUpdate,
      'an update must change keys, key-agreement keys, services or the update key',
    )
  }
  return op
}

interface AnyFields {
  locator?: Uint8Array
  anchorAccount?: Uint8Array
  prev?: Uint8Array
  recoveryCommitment?: Uint8Array
  updateKey?: Uint8Array
  recoveryKey?: Uint8Array
  keys?: readonly Uint8Array[]
  agreementKeys?: readonly Uint8Array[]
  services?: readonly Service[]
}

function checkBytes(value: unknown, key: number, length: number): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw invalidField(key, `a byte string of ${length} bytes`)
  }
}

// An all-zero account is refused so that "no anchor account" has one spelling, the field's
// absence; an EVM registry treats both alike (no account signs as the zero address).
function checkAnchorAccount(value: unknown): void {
  checkBytes(value, Field.anchorAccount, ANCHOR_ACCOUNT_LENGTH)
  if ((value as Uint8Array).every((b) => b === 0)) {
    throw invalidField(Field.anchorAccount, `${ANCHOR_ACCOUNT_LENGTH} bytes, not all zero`, {
      hint: 'leave the field out for a DID that no account may seal',
    })
  }
}

function checkKey(value: unknown, key: number, type: 'Ed25519' | 'X25519', encodingOnly = false): void {
  checkBytes(value, key, 32)
  try {
    if (type === 'Ed25519' && encodingOnly) assertEd25519Encoding(value as Uint8Array, FIELD_NAMES[key])
    else if (type === 'Ed25519') assertEd25519PublicKey(value as Uint8Array, FIELD_NAMES[key])
    else assertX25519PublicKey(value as Uint8Array, FIELD_NAMES[key])
  } catch (cause) {
    throw new DidError(DidErrorCode.InvalidKey, `${FIELD_NAMES[key]} holds an invalid ${type} public key`, {
      cause,
    })
  }
}

function checkKeyList(
  value: readonly Uint8Array[],
  key: number,
  type: 'Ed25519' | 'X25519',
  min: number,
  max: number,
  firstSigns = false,
): void {
  if (!Array.isArray(value)) throw invalidField(key, 'an array of keys')
  if (value.length > max) {
    throw new DidError(DidErrorCode.LimitExceeded, `${FIELD_NAMES[key]} holds at most ${max} keys`, {
      details: `got ${value.length}`,
    })
  }
  if (value.length < min) throw invalidField(key, `an array of ${min} to ${max} keys`)
  const seen = new Set<string>()
  for (const [i, k] of value.entries()) {
    checkKey(k, key, type, firstSigns && i === 0)
    const hex = toHex(k)
    if (seen.has(hex))
      throw new DidError(DidErrorCode.DuplicateEntry, `${FIELD_NAMES[key]} lists a key twice`)
    seen.add(hex)
  }
}

function checkServices(value: readonly Service[], min: number): void {
  if (!Array.isArray(value)) throw invalidField(Field.services, 'an array of services')
  if (value.length > MAX_SERVICES) {
    throw new DidError(DidErrorCode.LimitExceeded, `a DID holds at most ${MAX_SERVICES} services`, {
      details: `got ${value.length}`,
    })
  }
  if (value.length < min) throw invalidField(Field.services, `an array of ${min} to ${MAX_SERVICES} services`)
  const ids = new Set<number>()
  for (const s of value) {
    if (s === null || typeof s !== 'object') throw invalidField(Field.services, 'an array of services')
    if (!Number.isInteger(s.id) || s.id < 0 || s.id > MAX_SERVICE_ID) {
      throw new DidError(
        DidErrorCode.InvalidService,
        `a service id is an integer from 0 to ${MAX_SERVICE_ID}`,
        {
          details: `got ${String(s.id)}`,
        },
      )
    }
    if (ids.has(s.id)) throw new DidError(DidErrorCode.DuplicateEntry, `service id ${s.id} appears twice`)
    ids.add(s.id)
    if (!SERVICE_NAMES.includes(s.type)) {
      throw new DidError(DidErrorCode.InvalidService, `service type ${String(s.type)} is not known`, {
        details: `known types: ${SERVICE_NAMES.join(', ')}`,
      })
    }
    if (typeof s.endpoint !== 'string' || s.endpoint.length > MAX_ENDPOINT_LENGTH || !URI.test(s.endpoint)) {
      throw new DidError(
        DidErrorCode.InvalidService,
        `a service endpoint is an absolute URI of printable ASCII, at most ${MAX_ENDPOINT_LENGTH} bytes`,
        { details: `service ${s.id}` },
      )
    }
  }
}

/** "a create operation", "an update operation". */
function anOperation(type: string): string {
  return `${type === 'update' ? 'an' : 'a'} ${type} operation`
}

function missing(key: number, type: string): DidError {
  return new DidError(
    DidErrorCode.MissingField,
    `${anOperation(type)} needs field ${key} (${FIELD_NAMES[key]})`,
  )
}

function invalidField(key: number, expected: string, options: { hint?: string } = {}): DidError {
  return new DidError(
    DidErrorCode.InvalidField,
    `field ${key} (${FIELD_NAMES[key]}) must be ${expected}`,
    options,
  )
}
