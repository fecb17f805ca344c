// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title MarqueRegistry
/// @notice Anchors did:marque operations in batches on any EVM chain (docs/ledger-evm.md).
/// The registry only orders and timestamps: `anchor` never parses an operation, and anyone
/// may anchor anything. Resolvers validate and ignore what is invalid, so junk can only ever
/// add entries, never hide, reorder or block a DID's valid operations. Only sealing (the
/// deactivation the registry enforces) parses anything: it walks a genesis's CBOR map for
/// its anchor account, and checks a deactivate's fixed form.
///
/// Storage is kept to what a resolver needs to find one DID's operations without scanning
/// the chain: a list of block numbers per anchor locator (genesis operations, one write per
/// batch) and per DID (later operations). The operations themselves live in event data.
contract MarqueRegistry {
    /// @notice One operation for one DID. `did` is the DID's 22-byte id (the 6-byte anchor
    /// locator, then 16 bytes of SHA-256 over its signed genesis) left-aligned, or, for an
    /// identifier of another form, any 32-byte key its ledger adapter chose.
    event Anchored(bytes32 indexed did, bytes operation);

    /// @notice `did` is deactivated for good: the registry refuses every later operation
    /// for it. `sealer` is the account that sealed it.
    event Sealed(bytes32 indexed did, address sealer);

    /// @notice The account allowed to seal `did` is now `sealer`.
    event SealerChanged(bytes32 indexed did, address sealer);

    /// @notice The batch is not a sequence of well-formed records; `offset` is where the
    /// first bad record starts.
    error MalformedBatch(uint256 offset);

    /// @notice `did` was sealed: the registry takes no more operations for it.
    error DidSealed(bytes32 did);

    /// @notice The caller (or the signer of a relayed request) is not the account allowed
    /// to seal `did`.
    error NotSealer(bytes32 did);

    /// @notice `genesis` is not `did`'s signed genesis operation, or names no anchor account.
    error InvalidGenesis(bytes32 did);

    /// @notice The operation given to {seal} is not a did:marque version 1 deactivate.
    error NotDeactivate(bytes32 did);

    /// @notice The relayed signature is malformed or not an EIP-712 signature over the request.
    error InvalidSignature();

    /// @notice A new sealer must be an account (not the zero address).
    error InvalidSealer();

    /// @notice The chain's block number no longer fits the 40 bits a list entry holds.
    error BlockNumberTooLarge();

    // Batch records (docs/ledger-evm.md, "Batch encoding"): a 2-byte big-endian header
    // whose top two bits give the kind and whose low 14 bits give the operation's length,
    // then the kind's fields, then the operation.
    /// A genesis operation that also sets the batch's current locator (6 bytes follow).
    uint256 private constant KIND_GENESIS_LOCATOR = 1;
    /// A genesis operation under the current locator.
    uint256 private constant KIND_GENESIS = 2;
    /// Any other operation, filed under the 32-byte DID key that follows.
    uint256 private constant KIND_KEYED = 3;
    uint256 private constant LENGTH_MASK = 0x3fff;
    /// The largest operation a Ledger accepts (MAX_OPERATION_BYTES in the ledger package).
    uint256 private constant MAX_OPERATION_BYTES = 4096;

    uint256 private constant LOCATOR_MASK = ~uint256(0) << 208; // bytes 0..5
    uint256 private constant DIGEST_MASK = ((uint256(1) << 128) - 1) << 80; // bytes 6..21

    // A block list is a mapping from word index to word. Word 0 holds entries 0..4
    // (40 bits each, from bit 0) and the entry count at bits 200..239; each later word
    // holds six entries. Forty bits number blocks for far longer than any chain will run.
    uint256 private constant ENTRY_BITS = 40;
    uint256 private constant ENTRY_MASK = (uint256(1) << 40) - 1;
    uint256 private constant HEAD_ENTRIES = 5;
    uint256 private constant WORD_ENTRIES = 6;
    uint256 private constant COUNT_SHIFT = 200;

    /// Bit 255 of a DID list's word 0: the DID is sealed. Of a locator list's word 0: some
    /// DID under that locator is sealed, so its genesis records are checked one by one.
    uint256 private constant SEALED = uint256(1) << 255;

    mapping(bytes32 locator => mapping(uint256 word => uint256)) private _locatorBlocks;
    mapping(bytes32 did => mapping(uint256 word => uint256)) private _didBlocks;

    // did:marque version 1 (docs/did-method.md, "Encoding"): a signed operation is the CBOR
    // array [operation map, 64-byte signature] in deterministic encoding. A create begins
    // 82 (array of 2), the map header, 00 01 (version 1), 01 00 (type create), 03 46 and the
    // 6-byte locator; its other entries follow in ascending key order, and its field 10, the
    // anchor account, is a byte string of 20 bytes (54 <20 bytes>). The anchor account is
    // found by walking the map's entries, never by its position from the end: a recovery
    // commitment (32 bytes of the creator's choosing) may hold any bytes, `0a 54` included.
    // A deactivate is exactly 142 bytes: 82 A4 00 01 01 03 02 58 20 <prev> 09 58 20
    // <recovery key> 58 40 <sig>.
    bytes6 private constant CREATE_PREFIX = 0x000101000346;
    /// Map headers of a create: 3 entries (those CREATE_PREFIX holds) to 23 (one-byte header).
    uint256 private constant MAP_3 = 0xa3;
    uint256 private constant MAP_23 = 0xb7;
    /// The keys a create may hold after its prefix: 4 keys, 5 agreement keys, 6 services,
    /// 7 update key, 8 recovery commitment, 10 anchor account.
    uint256 private constant CREATE_KEYS = (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10);
    uint256 private constant ANCHOR_ACCOUNT_KEY = 10;
    bytes1 private constant ANCHOR_ACCOUNT_HEADER = 0x54; // a byte string of 20 bytes
    bytes2 private constant SIGNATURE_FIELD = 0x5840;
    bytes6 private constant DEACTIVATE_PREFIX = 0x82a400010103;
    uint256 private constant DEACTIVATE_LENGTH = 142;
    uint256 private constant SIGNATURE_TAIL = 66;
    uint256 private constant ID_TAIL_MASK = (uint256(1) << 80) - 1; // bytes 22..31 of a did:marque key

    // EIP-712 (https://eips.ethereum.org/EIPS/eip-712): relayed requests bind this chain and
    // this registry, so a signature is never valid on another chain or another deployment.
    bytes32 private constant EIP712_DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("MarqueRegistry");
    bytes32 private constant VERSION_HASH = keccak256("1");
    bytes32 private constant SEAL_TYPEHASH = keccak256("Seal(bytes32 did,bytes32 operation)");
    bytes32 private constant SET_SEALER_TYPEHASH = keccak256("SetSealer(bytes32 did,address sealer,uint256 nonce)");
    /// secp256k1n / 2 (EIP-2): a signature with a larger `s` has a twin and is refused.
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// did → nonce (bits 160..255) and the sealer set on chain (bits 0..159). While no
    /// sealer was set, the anchor account of the DID's genesis is the sealer.
    mapping(bytes32 did => uint256) private _control;

    /// @notice The block this registry was deployed in: where an index starts reading. (A
    /// storage slot, not an immutable, so the runtime code is the same in every deployment
    /// and a client can check it byte for byte.)
    uint256 public deployedAt;

    constructor() {
        deployedAt = block.number;
    }

    /// @notice Anchors a batch of operations, in order, in this transaction's block.
    /// @param batch Records as described at KIND_*: the anchoring service packs them so
    /// calldata (which EIP-7623 prices at 40 gas a non-zero byte) carries little more than
    /// the operations themselves.
    /// @dev A genesis record's DID is computed, not given: its locator followed by the
    /// first 16 bytes of the operation's SHA-256. So a genesis record can only ever be
    /// filed under the DID whose id commits to it.
    function anchor(bytes calldata batch) external {
        uint256 end = batch.length;
        if (end == 0) revert MalformedBatch(0);
        uint256 base;
        uint256 scratch;
        assembly {
            base := batch.offset
            // Each operation is copied to the same scratch area, ABI-encoded as the
            // event's data: (offset 0x20, length, bytes). Nothing else allocates memory
            // inside the loop, so memory never grows with the batch.
            scratch := mload(0x40)
            mstore(scratch, 0x20)
        }
        // The current locator (bytes 0..5) and flags (HAVE_LOCATOR, LOCATOR_SEALED).
        uint256 cursor;
        uint256 p;
        while (p < end) {
            (p, cursor) = _record(base, end, p, scratch, cursor);
        }
    }

    uint256 private constant HAVE_LOCATOR = 1;
    uint256 private constant LOCATOR_SEALED = 2;

    /// Anchors the record at `p`; returns where the next one starts and the new cursor.
    function _record(uint256 base, uint256 end, uint256 p, uint256 scratch, uint256 cursor)
        private
        returns (uint256, uint256)
    {
        if (end - p < 2) revert MalformedBatch(p);
        uint256 header;
        assembly {
            header := shr(240, calldataload(add(base, p)))
        }
        uint256 kind = header >> 14;
        uint256 length = header & LENGTH_MASK;
        uint256 at = p + 2;
        bytes32 did;
        if (kind == KIND_KEYED) {
            if (end - at < 32) revert MalformedBatch(p);
            assembly {
                did := calldataload(add(base, at))
            }
            at += 32;
            if (_push(_didBlocks[did]) & SEALED != 0) revert DidSealed(did);
        } else if (kind == KIND_GENESIS_LOCATOR) {
            if (end - at < 6) revert MalformedBatch(p);
            uint256 locator;
            assembly {
                locator := calldataload(add(base, at))
            }
            at += 6;
            locator &= LOCATOR_MASK;
            cursor = locator | HAVE_LOCATOR;
            if (_push(_locatorBlocks[bytes32(locator)]) & SEALED != 0) cursor |= LOCATOR_SEALED;
        } else if (kind != KIND_GENESIS || cursor & HAVE_LOCATOR == 0) {
            revert MalformedBatch(p);
        }
        if (length == 0 || length > MAX_OPERATION_BYTES || end - at < length) revert MalformedBatch(p);
        uint256 data = scratch + 0x40;
        assembly {
            calldatacopy(data, add(base, at), length)
            // Zero the padding after the operation (an earlier, longer one left bytes).
            mstore(add(data, length), 0)
            mstore(add(scratch, 0x20), length)
        }
        if (kind != KIND_KEYED) {
            bool ok;
            uint256 digest;
            assembly {
                // SHA-256 precompile (address 0x02) into scratch space 0x00.
                ok := staticcall(gas(), 0x02, data, length, 0x00, 0x20)
                digest := mload(0x00)
            }
            if (!ok) revert MalformedBatch(p);
            did = bytes32((cursor & LOCATOR_MASK) | ((digest >> 48) & DIGEST_MASK));
            if (cursor & LOCATOR_SEALED != 0 && _didBlocks[did][0] & SEALED != 0) revert DidSealed(did);
        }
        bytes32 topic = Anchored.selector;
        assembly {
            log2(scratch, add(0x40, and(add(length, 31), not(31))), topic, did)
        }
        return (at + length, cursor);
    }

    /// @notice Where to look for one DID's operations: the blocks that anchored genesis
    /// records under its locator, and the blocks that anchored its other records. At most
    /// `limit` entries of each list (the first ones); page on with {blocks}.
    /// @param did The DID key as {Anchored} names it.
    /// @return head The current block number, so a reader can count confirmations.
    function lookup(bytes32 did, uint256 limit)
        external
        view
        returns (
            uint256 head,
            uint256 locatorTotal,
            uint256[] memory locatorBlocks,
            uint256 didTotal,
            uint256[] memory didBlocks
        )
    {
        head = block.number;
        (locatorTotal, locatorBlocks) = _list(_locatorBlocks[bytes32(uint256(did) & LOCATOR_MASK)], 0, limit);
        (didTotal, didBlocks) = _list(_didBlocks[did], 0, limit);
    }

    /// @notice A page of one block list: the locator list of `did`'s locator when
    /// `locatorList`, else `did`'s own list.
    function blocks(bytes32 did, bool locatorList, uint256 start, uint256 limit)
        external
        view
        returns (uint256 total, uint256[] memory entries)
    {
        return locatorList
            ? _list(_locatorBlocks[bytes32(uint256(did) & LOCATOR_MASK)], start, limit)
            : _list(_didBlocks[did], start, limit);
    }

    /// @notice Anchors `operation`, `did`'s deactivation, and seals `did`: from then on the
    /// registry refuses every operation for it, so nothing written later can revive it.
    /// The caller must be `did`'s sealer: the account set with {setSealer}, or else the
    /// anchor account named in `did`'s genesis.
    /// @param genesis `did`'s signed genesis operation, checked against the digest in `did`;
    /// may be empty once a sealer was set on chain.
    /// @param operation A did:marque version 1 deactivate. The registry checks its form, not
    /// its signature (it cannot verify Ed25519): resolvers do.
    function seal(bytes32 did, bytes calldata genesis, bytes calldata operation) external {
        _seal(did, genesis, operation, msg.sender);
    }

    /// @notice {seal}, relayed: anyone submits (and pays gas) with the sealer's EIP-712
    /// signature over `Seal(bytes32 did, bytes32 operation)`, `operation` being the
    /// keccak256 of the operation's bytes. Sealing happens once, so it needs no nonce.
    function sealWithSignature(
        bytes32 did,
        bytes calldata genesis,
        bytes calldata operation,
        bytes calldata signature
    ) external {
        bytes32 digest = _typedDataHash(keccak256(abi.encode(SEAL_TYPEHASH, did, keccak256(operation))));
        _seal(did, genesis, operation, _recover(digest, signature));
    }

    /// @notice Hands the right to seal `did` to `sealer` (the sale of a device, say). The
    /// caller must be the current sealer. Setting it is final for the genesis's anchor
    /// account: it never applies again.
    function setSealer(bytes32 did, bytes calldata genesis, address sealer) external {
        _setSealer(did, genesis, sealer, msg.sender);
    }

    /// @notice {setSealer}, relayed, with the current sealer's EIP-712 signature over
    /// `SetSealer(bytes32 did, address sealer, uint256 nonce)`; the nonce is `did`'s
    /// current one (see {sealerOf}), so each signature works once.
    function setSealerWithSignature(
        bytes32 did,
        bytes calldata genesis,
        address sealer,
        bytes calldata signature
    ) external {
        uint256 nonce = _control[did] >> 160;
        bytes32 digest = _typedDataHash(keccak256(abi.encode(SET_SEALER_TYPEHASH, did, sealer, nonce)));
        _setSealer(did, genesis, sealer, _recover(digest, signature));
    }

    /// @notice `did`'s sealer as set on chain (zero while the genesis's anchor account
    /// applies), the nonce a relayed {setSealerWithSignature} must sign, and whether `did`
    /// is sealed.
    function sealerOf(bytes32 did) external view returns (address sealer, uint256 nonce, bool isSealed) {
        uint256 control = _control[did];
        return (address(uint160(control)), control >> 160, _didBlocks[did][0] & SEALED != 0);
    }

    /// @notice The anchor account `genesis` names, after checking that `genesis` is
    /// `did`'s signed genesis. Reverts with {InvalidGenesis} otherwise.
    function genesisSealer(bytes32 did, bytes calldata genesis) external pure returns (address) {
        return _genesisSealer(did, genesis);
    }

    /// @notice The EIP-712 domain separator of this registry on this chain.
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(EIP712_DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    function _seal(bytes32 did, bytes calldata genesis, bytes calldata operation, address actor) private {
        mapping(uint256 => uint256) storage list = _didBlocks[did];
        if (list[0] & SEALED != 0) revert DidSealed(did);
        if (actor != _sealer(did, genesis)) revert NotSealer(did);
        if (operation.length != DEACTIVATE_LENGTH || bytes6(operation[0:6]) != DEACTIVATE_PREFIX) {
            revert NotDeactivate(did);
        }
        list[0] = _push(list) | SEALED;
        _locatorBlocks[bytes32(uint256(did) & LOCATOR_MASK)][0] |= SEALED;
        emit Anchored(did, operation);
        emit Sealed(did, actor);
    }

    function _setSealer(bytes32 did, bytes calldata genesis, address sealer, address actor) private {
        if (_didBlocks[did][0] & SEALED != 0) revert DidSealed(did);
        if (sealer == address(0)) revert InvalidSealer();
        if (actor != _sealer(did, genesis)) revert NotSealer(did);
        _control[did] = (((_control[did] >> 160) + 1) << 160) | uint160(sealer);
        emit SealerChanged(did, sealer);
    }

    function _sealer(bytes32 did, bytes calldata genesis) private view returns (address sealer) {
        sealer = address(uint160(_control[did]));
        if (sealer == address(0)) sealer = _genesisSealer(did, genesis);
    }

    /// The anchor account of `did`'s genesis. The genesis is authenticated by its hash: the
    /// digest in `did` is the first 16 bytes of its SHA-256, so only its creator could have
    /// written the account in it. The map is walked entry by entry, so the account read is
    /// the one the did:marque decoder reads from every genesis it accepts; what else the
    /// entries hold (keys, services) is for resolvers to check, not the registry.
    function _genesisSealer(bytes32 did, bytes calldata g) private pure returns (address account) {
        uint256 n = g.length;
        if (
            n < 14 + SIGNATURE_TAIL ||
            n > MAX_OPERATION_BYTES ||
            uint256(did) & ID_TAIL_MASK != 0 ||
            g[0] != 0x82 ||
            uint8(g[1]) < MAP_3 ||
            uint8(g[1]) > MAP_23 ||
            bytes6(g[2:8]) != CREATE_PREFIX ||
            bytes6(g[8:14]) != bytes6(did) ||
            bytes16(sha256(g)) != bytes16(did << 48)
        ) revert InvalidGenesis(did);
        uint256 end = n - SIGNATURE_TAIL;
        uint256 p = 14;
        uint256 last = 3;
        for (uint256 entries = uint8(g[1]) - MAP_3; entries > 0; entries--) {
            if (p >= end) revert InvalidGenesis(did);
            // A key is one byte (an unsigned integer under 24), above the one before it.
            uint256 key = uint8(g[p++]);
            if (key <= last || key > ANCHOR_ACCOUNT_KEY || (CREATE_KEYS >> key) & 1 == 0) {
                revert InvalidGenesis(did);
            }
            last = key;
            if (key == ANCHOR_ACCOUNT_KEY) {
                if (end - p < 21 || g[p] != ANCHOR_ACCOUNT_HEADER) revert InvalidGenesis(did);
                account = address(bytes20(g[p + 1:p + 21]));
                p += 21;
            } else {
                p = _skip(did, g, p, end, 0);
            }
        }
        if (p != end || bytes2(g[end:end + 2]) != SIGNATURE_FIELD || account == address(0)) {
            revert InvalidGenesis(did);
        }
    }

    /// Where the CBOR data item at `p` ends, for the items a create's values are made of
    /// (RFC 8949 §3): unsigned integers, byte and text strings, and arrays of them nested at
    /// most twice (the services, each `[id, type, endpoint]`). Arguments of one or two bytes
    /// are all an operation of at most 4096 bytes needs. Reverts with {InvalidGenesis} on
    /// any other item or one that runs past `end`; each item takes at least a byte, so the
    /// walk ends within `end - p` steps.
    function _skip(bytes32 did, bytes calldata g, uint256 p, uint256 end, uint256 depth)
        private
        pure
        returns (uint256)
    {
        if (p >= end) revert InvalidGenesis(did);
        uint256 initial = uint8(g[p++]);
        uint256 major = initial >> 5;
        uint256 argument = initial & 31;
        if (argument == 24) {
            if (p >= end) revert InvalidGenesis(did);
            argument = uint8(g[p++]);
        } else if (argument == 25) {
            if (end - p < 2) revert InvalidGenesis(did);
            argument = uint16(bytes2(g[p:p + 2]));
            p += 2;
        } else if (argument > 23) {
            revert InvalidGenesis(did);
        }
        if (major == 0) return p;
        if (major == 2 || major == 3) {
            if (argument > end - p) revert InvalidGenesis(did);
            return p + argument;
        }
        if (major != 4 || depth == 2) revert InvalidGenesis(did);
        for (uint256 i = 0; i < argument; i++) {
            p = _skip(did, g, p, end, depth + 1);
        }
        return p;
    }

    function _typedDataHash(bytes32 structHash) private view returns (bytes32) {
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(), structHash));
    }

    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address signer) {
        if (signature.length != 65) revert InvalidSignature();
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (uint256(s) > HALF_ORDER || (v != 27 && v != 28)) revert InvalidSignature();
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature();
    }

    /// Appends this block to a list unless it is already the list's last entry (block
    /// numbers only grow, so that keeps every block once). Returns the list's word 0.
    function _push(mapping(uint256 => uint256) storage list) private returns (uint256 head) {
        head = list[0];
        uint256 count = (head >> COUNT_SHIFT) & ENTRY_MASK;
        uint256 blockNumber = block.number;
        if (blockNumber > ENTRY_MASK) revert BlockNumberTooLarge();
        if (count != 0 && _entry(list, head, count - 1) == blockNumber) return head;
        if (count < HEAD_ENTRIES) {
            head |= blockNumber << (ENTRY_BITS * count);
        } else {
            uint256 i = count - HEAD_ENTRIES;
            list[1 + i / WORD_ENTRIES] |= blockNumber << (ENTRY_BITS * (i % WORD_ENTRIES));
        }
        head += uint256(1) << COUNT_SHIFT;
        list[0] = head;
    }

    function _entry(mapping(uint256 => uint256) storage list, uint256 head, uint256 i)
        private
        view
        returns (uint256)
    {
        if (i < HEAD_ENTRIES) return (head >> (ENTRY_BITS * i)) & ENTRY_MASK;
        i -= HEAD_ENTRIES;
        return (list[1 + i / WORD_ENTRIES] >> (ENTRY_BITS * (i % WORD_ENTRIES))) & ENTRY_MASK;
    }

    function _list(mapping(uint256 => uint256) storage list, uint256 start, uint256 limit)
        private
        view
        returns (uint256 total, uint256[] memory entries)
    {
        uint256 head = list[0];
        total = (head >> COUNT_SHIFT) & ENTRY_MASK;
        uint256 n = start >= total ? 0 : total - start;
        if (n > limit) n = limit;
        entries = new uint256[](n);
        for (uint256 k = 0; k < n; k++) {
            entries[k] = _entry(list, head, start + k);
        }
    }
}
