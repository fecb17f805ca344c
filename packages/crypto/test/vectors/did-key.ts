// The did:key Method test vectors (W3C Credentials Community Group, https://github.com/w3c-ccg/did-method-key,
// file test-vectors/ed25519-x25519.json): a 32-byte seed gives the Ed25519 key of the DID,
// and the X25519 key agreement key listed beside it. base58btc as the file prints it.

export interface DidKeyVector {
  seed: string
  did: string
  ed25519PublicKeyBase58: string
  x25519Id: string
  x25519PublicKeyBase58: string
  x25519PrivateKeyBase58: string
}

export const DID_KEY_ED25519: readonly DidKeyVector[] = [
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000000',
    did: 'did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp',
    ed25519PublicKeyBase58: '4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS',
    x25519Id: 'z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW',
    x25519PublicKeyBase58: '7By6kV2t2d188odEM4ExAve1UithKT6dLva4dwsDT3ak',
    x25519PrivateKeyBase58: '6QN8DfuN9hjgHgPvLXqgzqYE3jRRGRrmJQZkd5tL8paR',
  },
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000001',
    did: 'did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG',
    ed25519PublicKeyBase58: '6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt',
    x25519Id: 'z6LSrHyXiPBhUbvPUtyUCdf32sniiMGPTAesgHrtEa4FePtr',
    x25519PublicKeyBase58: 'FcoNC5NqP9CePWbhfz95iHaEsCjGkZUioK9Ck7Qiw286',
    x25519PrivateKeyBase58: 'HBTcN2MrXNRj9xF9oi8QqYyuEPv3JLLjQKuEgW9oxVKP',
  },
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000002',
    did: 'did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf',
    ed25519PublicKeyBase58: '8pM1DN3RiT8vbom5u1sNryaNT1nyL8CTTW3b5PwWXRBH',
    x25519Id: 'z6LSkkqoZRC34AEpbkhZCqLDcHQVAxuLpQ7kC8XCXMVUfvjE',
    x25519PublicKeyBase58: 'A5fe37PAxhX5WNKngBpGHhC1KpNE7nwbK9oX2tqwxYxU',
    x25519PrivateKeyBase58: 'ACa4PPJ1LnPNq1iwS33V3Akh7WtnC71WkKFZ9ccM6sX2',
  },
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000003',
    did: 'did:key:z6MkvqoYXQfDDJRv8L4wKzxYeuKyVZBfi9Qo6Ro8MiLH3kDQ',
    ed25519PublicKeyBase58: 'HPYVwAQmskwT1qEEeRzhoomyfyupJGASQQtCXSNG8XS2',
    x25519Id: 'z6LSiUo6AEDat8Ze4nQzDo67SGuHLLwsUGkxndHGUjsywHow',
    x25519PublicKeyBase58: '7ocvdvQinfqtyQ3Dh9aA7ggoVCQkmfaoueZazHETDv3B',
    x25519PrivateKeyBase58: 'FZrzd1osCnbK6y6MJzMBW1RcVfL524sNKhSbqRwMuwHT',
  },
  {
    seed: '0000000000000000000000000000000000000000000000000000000000000004',
    did: 'did:key:z6MkwW6aqMnjgrhJXFUko3NnZPGzVpkNzhYK7yEhnsibmLwL',
    ed25519PublicKeyBase58: 'J3qYF7YJMKCqQke47UQwiHizgFUXapHxRxKmxbkar89x',
    x25519Id: 'z6LSrGb3qm4xMCEBjvwkLb2WEcXfTM94Tu1RyGCbT5wbg8i9',
    x25519PublicKeyBase58: 'FbQtKTG6FjWSeYZyowWYv2KBcCbwmHqH6HUuxdJ4xkwP',
    x25519PrivateKeyBase58: '8Zybi2bqQ8YB4uPm3iy2rkDCmbB4wkG2Y2ig5YAkgNdg',
  },
]
