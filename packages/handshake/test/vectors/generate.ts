// Writes handshake-v1.json from the fixed inputs with the reference implementation:
//   node --conditions=@marque/source --import tsx packages/handshake/test/vectors/generate.ts
import { writeFileSync } from 'node:fs'
import { VECTOR_INPUTS } from './inputs.js'
import { computeVector } from './reference.js'

const vectors = []
for (const input of VECTOR_INPUTS) vectors.push({ input, output: await computeVector(input) })
const file = new URL('./handshake-v1.json', import.meta.url)
writeFileSync(
  file,
  `${JSON.stringify({ source: 'Marque handshake version 1, docs/handshake.md §9 (test vectors)', vectors }, null, 2)}\n`,
)
console.log(`wrote ${vectors.length} vectors to ${file.pathname}`)
