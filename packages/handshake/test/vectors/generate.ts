// Writes handshake-v1.json from the fixed inputs with the reference implementation:
//   node --conditions=@marque/source --import tsx packages/handshake/test/vectors/generate.ts
import { readFileSync, writeFileSync } from 'node:fs'
import { VECTOR_INPUTS } from './inputs.js'
import { computeVector } from './reference.js'
import { vectorBlock } from './render.js'

const vectors = []
for (const input of VECTOR_INPUTS) vectors.push({ input, output: await computeVector(input) })
const file = new URL('./handshake-v1.json', import.meta.url)
writeFileSync(
  file,
  `${JSON.stringify({ source: 'Marque handshake version 1, docs/handshake.md §9 (test vectors)', vectors }, null, 2)}\n`,
)
console.log(`wrote ${vectors.length} vectors to ${file.pathname}`)
// The first vector also goes into docs/handshake.md §9.
const doc = new URL('../../../../docs/handshake.md', import.meta.url)
const text = readFileSync(doc, 'utf8')
const block = /<!-- vectors:begin -->[\s\S]*<!-- vectors:end -->/
writeFileSync(doc, text.replace(block, vectorBlock(vectors[0]!.output)))
console.log(`updated ${doc.pathname}`)
