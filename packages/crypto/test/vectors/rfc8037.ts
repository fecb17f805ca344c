// RFC 8037 "CFRG Elliptic Curve Diffie-Hellman (ECDH) and Signatures in JSON Object Signing
// and Encryption (JOSE)", Appendix A "Examples", copied from the RFC text
// (https://www.rfc-editor.org/rfc/rfc8037#appendix-A).

/** A.1: Ed25519 private key. */
export const A1_PRIVATE_JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
} as const

/** A.2: Ed25519 public key. */
export const A2_PUBLIC_JWK = {
  kty: 'OKP',
  crv: 'Ed25519',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
} as const

/** A.3: JWK thumbprint canonicalization: the JSON hashed, its SHA-256, and the thumbprint. */
export const A3_THUMBPRINT_INPUT =
  '{"crv":"Ed25519","kty":"OKP","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}'
export const A3_THUMBPRINT_SHA256 = '90facafea9b1556698540f70c0117a22ea37bd5cf3ed3c47093c1707282b4b89'
export const A3_THUMBPRINT = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'

/** A.4: Ed25519 signing: the JWS signing input (protected header `{"alg":"EdDSA"}` . payload). */
export const A4_PROTECTED = 'eyJhbGciOiJFZERTQSJ9'
export const A4_PAYLOAD = 'RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc' // "Example of Ed25519 signing"
export const A4_SIGNING_INPUT = `${A4_PROTECTED}.${A4_PAYLOAD}`
export const A4_SIGNATURE =
  'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg'
/** A.5: the JWS of A.4 in compact serialization, validated with the A.2 key. */
export const A5_JWS = `${A4_SIGNING_INPUT}.${A4_SIGNATURE}`

/** A.6: ECDH-ES with X25519 (the RFC 7748 §6.1 keys). */
export const A6_RECIPIENT_PUBLIC_JWK = {
  kty: 'OKP',
  crv: 'X25519',
  kid: 'Bob',
  x: '3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08',
} as const
export const A6_EPHEMERAL_SECRET = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'
export const A6_EPHEMERAL_PUBLIC_JWK = {
  kty: 'OKP',
  crv: 'X25519',
  x: 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo',
} as const
export const A6_Z = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'
