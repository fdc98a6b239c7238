// Runs the real Mermaid parser (mermaid.parse under jsdom) in a child Node process.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const helper = fileURLToPath(new URL('./mermaid-parse.mjs', import.meta.url))

export interface ParseResult {
  ok: boolean
  type?: string
  error?: string
}

export function parseMermaid(texts: string[]): ParseResult[] {
  const r = spawnSync(process.execPath, [helper], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000
  })
  const out = r.stdout.trim()
  if (!out.startsWith('[')) throw new Error(`mermaid-parse.mjs failed: ${r.stderr || out}`)
  return JSON.parse(out) as ParseResult[]
}
