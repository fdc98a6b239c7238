// The prose docs point at things that exist: npm scripts, files, anchors.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
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

  it('gives each set-up command as one line that installs first', () => {
    const local = readme.slice(readme.indexOf('## Try it locally'))
    const block = /```sh\n([\s\S]*?)```/.exec(local)?.[1] ?? ''
    const commands = block
      .split('\n')
      .map(l => l.replace(/#.*/, '').trim())
      .filter(Boolean)
    expect(commands).toEqual(['npm ci && npm run demo', 'npm ci && npm test'])
  })

  it('says which tests skip without ../shared, naming files that use describeShared', () => {
    const local = readme.slice(readme.indexOf('## Try it locally'))
    const named = [...local.matchAll(/`((?:__tests__\/)?[\w-]+\/[\w-]+)`/g)].map(m =>
      m[1].replace(/^__tests__\//, '')
    )
    expect(named.length).toBeGreaterThanOrEqual(6)
    for (const name of named) expect(read(`__tests__/${name}.test.ts`)).toMatch(/describeShared\(/)
  })

  it('pins the action by a full commit SHA in the Quick start, with fetch-depth 0', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Which'))
    expect(quick).toMatch(/uses: OWNER\/atlan-lineage-action@[0-9a-f]{40}\b/)
    expect(quick).toContain('fetch-depth: 0')
    expect(quick).toContain('branches: [main]')
    expect(quick).toContain('cancel-in-progress: false')
    expect(quick).toContain('/workflows/profile/<name>')
  })

  it('pins this action by a full commit SHA everywhere, and says how to pin a tag once one exists', () => {
    // No release is tagged yet, so there is no @v1 to pin; a SHA stays right after one is.
    const files = [
      'README.md',
      ...readdirSync(join(repoRoot, 'examples', 'workflows')).map(f => `examples/workflows/${f}`)
    ]
    const pins = files.flatMap(f =>
      [...read(f).matchAll(/atlan-lineage-action@([\w.-]+)/g)].map(m => `${f}: ${m[1]}`)
    )
    expect(pins.length).toBeGreaterThanOrEqual(files.length)
    expect(pins.filter(p => !/: [0-9a-f]{40}$/.test(p))).toEqual([])
    for (const f of files)
      expect(read(f)).toMatch(
        /Once a\s+release\s+is\s+tagged\s+you\s+can\s+pin\s+`?@v1`?\s+instead/
      )
  })

  it('states what mode: auto does (src/run/resolve.ts): a named workflow that is missing is an error, never a create', () => {
    const row = read('README.md')
      .split('\n')
      .find(l => l.startsWith('| Either | `mode: auto` |'))
    expect(row).toBeDefined()
    expect(row).toMatch(/With `workflow_name`: .*when it does not, the step fails/)
    expect(row).toMatch(
      /Without `workflow_name`: when no Lineage Builder workflow exists, one is created/
    )
    expect(row).not.toMatch(/if it exists, else create/)
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
