// The prose docs point at things that exist: npm scripts, files, anchors.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../helpers/shared.js'

const read = (f: string) => readFileSync(join(repoRoot, f), 'utf8')
const scripts = Object.keys(
  (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts
)
const docs = ['README.md', 'CONTRIBUTING.md', '.env.example', 'CHANGELOG.md']

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>()
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm))
    out.add(
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-')
    )
  return out
}

describe.each(docs)('%s', file => {
  const text = read(file)

  it('names only npm scripts that exist', () => {
    const named = [...text.matchAll(/npm run ([\w:-]+)/g)].map(m => m[1])
    expect(named.filter(n => !scripts.includes(n))).toEqual([])
  })

  it('links only to files and headings that exist', () => {
    const missing: string[] = []
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]
      if (/^[a-z]+:/.test(target)) continue
      const [path, hash] = target.split('#')
      const doc = path ? join(repoRoot, path) : join(repoRoot, file)
      if (!existsSync(doc)) missing.push(target)
      else if (hash && doc.endsWith('.md') && !anchors(readFileSync(doc, 'utf8')).has(hash))
        missing.push(target)
    }
    expect(missing).toEqual([])
  })
})

describe('README', () => {
  const readme = read('README.md')

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toContain('npm ci && npm test')
  })

  it('documents every phase the action reports', () => {
    for (const phase of [
      'Succeeded',
      'Failed',
      'Error',
      'Invalid',
      'TimedOut',
      'Cancelled',
      'Running',
      'Skipped',
      'DryRun'
    ])
      expect(readme).toContain(`\`${phase}\``)
  })
})
