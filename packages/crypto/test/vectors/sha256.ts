// SHA-256 and HMAC-SHA-256 known answers.
// - FIPS 180-4 examples (NIST, "SHA256.pdf" and "SHA2_Additional.pdf" on csrc.nist.gov,
//   Examples with Intermediate Values): the one-block "abc" and the two-block message;
//   the empty message from the NIST CAVP SHAVS file SHA256ShortMsg.rsp (Len = 0).
// - RFC 4231 §4.3, Test Case 2 (HMAC-SHA-256 with key "Jefe").

export const FIPS180_SHA256 = [
  { message: 'abc', digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  {
    message: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    digest: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  },
  { message: '', digest: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
] as const

export const RFC4231_CASE2 = {
  key: 'Jefe',
  data: 'what do ya want for nothing?',
  hmacSha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
} as const
