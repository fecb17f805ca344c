// Stand-in did:marque operations for tests and benchmarks: the version 1 byte layout
// (docs/did-method.md, "Encoding": the CBOR array [operation map, signature], map keys in
// bytewise order) with random keys, hashes and signatures. They have the sizes and the
// shape real operations have, which is all the registry and its gas see; a resolver would
// refuse every one of them (their signatures verify nothing).
import { base58btc } from 'multiformats/bases/base58'
import { type Address, hexToBytes, sha256 } from 'viem'

function random(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n))
}

function cat(...parts: (number | Uint8Array)[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p])))
}

/** A CBOR byte string of 32 random bytes: a key or a hash. */
const bstr32 = () => cat(0x58, 0x20, random(32))
/** A CBOR byte string of 64 random bytes: the signature. */
const signature = () => cat(0x58, 0x40, random(64))

/** The DID whose genesis is `genesis`, with `locator`, on `network`. */
export function testDid(genesis: Uint8Array, locator: Uint8Array, network = 'default'): string {
  const id = base58btc.baseEncode(cat(locator, sha256(genesis, 'bytes').subarray(0, 16)))
  return network === 'default' ? `did:marque:${id}` : `did:marque:${network}:${id}`
}

/** The parameters of {@link testCreate}. */
export interface TestCreateParameters {
  /** 6 bytes. Default: random. */
  locator?: Uint8Array
  /** Field 10: the EVM account that may seal the DID (docs/did-method.md, "Operations"). */
  anchorAccount?: Address
}

/**
 * A create (genesis) with one device key, an update key and a recovery commitment: 186
 * bytes, or 208 with an anchor account. Returns its DID too.
 */
export function testCreate(parameters: TestCreateParameters = {}): {
  /** The DID the genesis makes, on the default network. */
  did: string
  /** The genesis operation's bytes. */
  bytes: Uint8Array
} {
  const locator = parameters.locator ?? random(6)
  const account = parameters.anchorAccount
  const bytes = cat(
    0x82,
    account === undefined ? 0xa6 : 0xa7,
    ...[0x00, 0x01, 0x01, 0x00], // version 1, type create
    ...[0x03, 0x46],
    locator,
    ...[0x04, 0x81],
    bstr32(), // keys: one device key
    0x07,
    bstr32(), // update key
    0x08,
    bstr32(), // recovery commitment
    ...(account === undefined ? [] : [0x0a, 0x54, ...hexToBytes(account)]),
    signature(),
  )
  return { did: testDid(bytes, locator), bytes }
}

/** An update rotating one device key: 143 bytes. */
export function testUpdate(): Uint8Array {
  return cat(0x82, 0xa3, 0x00, 0x01, 0x01, 0x01, 0x02, bstr32(), 0x04, 0x81, bstr32(), signature())
}

/** A transfer: 212 bytes. */
export function testTransfer(): Uint8Array {
  return cat(
    0x82,
    0xa6,
    0x00,
    0x01,
    0x01,
    0x02,
    0x02,
    bstr32(),
    0x07,
    bstr32(),
    0x08,
    bstr32(),
    0x09,
    bstr32(),
    signature(),
  )
}

/** A deactivate: 142 bytes, the only size a version 1 deactivate has. */
export function testDeactivate(): Uint8Array {
  return cat(0x82, 0xa4, 0x00, 0x01, 0x01, 0x03, 0x02, bstr32(), 0x09, bstr32(), signature())
}
