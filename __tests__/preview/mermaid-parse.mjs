/* global process, console, Buffer */
// Parses Mermaid diagrams with the real `mermaid` package (its `mermaid.parse()`), under jsdom.
// Run as a separate Node process because jsdom (CommonJS that requires ESM) cannot be loaded by
// Jest's ESM VM on Node 20.
//
//   node __tests__/preview/mermaid-parse.mjs a.mmd b.mmd      # files
//   echo '["flowchart LR\n a --> b"]' | node __tests__/preview/mermaid-parse.mjs   # JSON array on stdin
//
// Prints a JSON array [{ok: true, type} | {ok: false, error}] and exits 1 if any failed.

import { readFile } from 'node:fs/promises'
import { JSDOM } from 'jsdom'

const dom = new JSDOM('<!doctype html><html><body></body></html>')
globalThis.window = dom.window
globalThis.document = dom.window.document
// DOMPurify, which mermaid imports, looks for `window` when it is first loaded.
const { default: mermaid } = await import('mermaid')
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })

async function readStdin() {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  return Buffer.concat(chunks).toString('utf8')
}

const files = process.argv.slice(2)
const texts =
  files.length > 0
    ? await Promise.all(files.map(f => readFile(f, 'utf8')))
    : JSON.parse(await readStdin())

const results = []
for (const text of texts) {
  try {
    const r = await mermaid.parse(text)
    results.push({ ok: true, type: r.diagramType })
  } catch (e) {
    results.push({ ok: false, error: String(e?.message ?? e) })
  }
}
console.log(JSON.stringify(results))
process.exit(results.every(r => r.ok) ? 0 : 1)
