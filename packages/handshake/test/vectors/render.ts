// Renders a test vector as the text block of docs/handshake.md §9, so the document and
// handshake-v1.json can be checked against each other.
export function renderVector(output: Record<string, string>): string {
  const lines: string[] = []
  for (const [name, value] of Object.entries(output)) {
    const isHex = /^[0-9a-f]+$/.test(value) && name !== 'total_bytes'
    const label = isHex ? `${name} (${value.length / 2})` : name
    const chunks = isHex ? (value.match(/.{1,64}/g) ?? ['']) : [value]
    lines.push(`${label.padEnd(28)} = ${chunks[0]}`)
    for (const c of chunks.slice(1)) lines.push(`${' '.repeat(31)}${c}`)
  }
  return lines.join('\n')
}

/** The §9 block as it appears between the markers in docs/handshake.md. */
export function vectorBlock(output: Record<string, string>): string {
  return `<!-- vectors:begin -->\n\`\`\`\n${renderVector(output)}\n\`\`\`\n<!-- vectors:end -->`
}
