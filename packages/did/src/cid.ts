import { sha256 } from '@marque/crypto'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { CID_CODEC_CBOR, MULTIHASH_SHA2_256 } from './constants.js'

/** SHA-256 of a signed operation's bytes: what `prev` holds and what a DID's digest starts with. */
export function operationDigest(bytes: Uint8Array): Uint8Array {
  return sha256(bytes)
}

/**
 * The content address of a signed operation: CIDv1, multicodec `cbor` (0x51: the bytes are
 * CBOR with integer map keys, which DAG-CBOR does not allow), multihash sha2-256. Its string
 * form is base32 (`bafi…`). The wire form (`prev`) keeps only the 32-byte digest: the three
 * prefix bytes are the same for every version-1 operation.
 */
export function operationCid(bytesOrDigest: Uint8Array, isDigest = false): CID {
  const digest = isDigest ? bytesOrDigest : sha256(bytesOrDigest)
  return CID.createV1(CID_CODEC_CBOR, createDigest(MULTIHASH_SHA2_256, digest))
}
