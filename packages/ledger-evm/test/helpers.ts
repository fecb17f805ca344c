// Shared by the tests.

/** Random bytes from the platform's CSPRNG. */
export function random(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n))
}
