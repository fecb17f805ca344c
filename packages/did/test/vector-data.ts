// did:marque's own regression vector (docs/did-method.md, "Test vectors"); not from an external spec.
// OUR vector: seeds 0x01…(device), 0x02…(update), 0x03…(recovery), locator 0a0b0c0d0e0f,
// ledger domain "marque:memory:default".
export const GENESIS_VECTOR = {
  domain: 'marque:memory:default',
  locator: '0a0b0c0d0e0f',
  unsigned:
    'a60001010003460a0b0c0d0e0f048158208a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c0758208139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394085820b62e867fa2f33afe62d5d6b1642e1621d543307846b2a57b897e710919b76709',
  signature:
    'c7662e3e79273f7be47ab0700d2d88ce3f94c8756ae037e8df36a5700a5b1d9955b522ddc27925d089f111860fc3d4438e72cd5f7ce00c6f8a30639fae0afc03',
  did: 'did:marque:3j6fcp5vWs9rgUk4U2Vd7BdTB89po3',
}

// OUR second vector: the same genesis naming an anchor account (field 10), the Ethereum
// address of the secp256k1 private key 1 (0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf).
export const ANCHORED_GENESIS_VECTOR = {
  domain: 'marque:memory:default',
  locator: '0a0b0c0d0e0f',
  anchorAccount: '7e5f4552091a69125d5dfcb7b8c2659029395bdf',
  unsigned:
    'a70001010003460a0b0c0d0e0f048158208a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c0758208139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394085820b62e867fa2f33afe62d5d6b1642e1621d543307846b2a57b897e710919b767090a547e5f4552091a69125d5dfcb7b8c2659029395bdf',
  signature:
    '3ab9ebae9251fa152ac382b5dc8f68ab74d40c5299ec3aefc7ba20c803192e14519a09502be50ad4a5b72f33ed363f8afba022a32064f8287b7942bcae02fd0e',
  did: 'did:marque:3j6fcp5vCdQe8n8ZVkuQBVJGnxkYSy',
}
