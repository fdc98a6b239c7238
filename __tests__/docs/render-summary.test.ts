// scripts/render-summary.ts: the demo flow's two job summaries, rendered to HTML the way GitHub
// renders them, and (with Chromium installed) the full-page screenshot of both.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  MERMAID_BUNDLE,
  demoSummaries,
  findChromium,
  summariesToHtml,
  summaryToHtml
} from '../../scripts/render-summary.js'
import { repoRoot } from '../helpers/shared.js'

describe('summaryToHtml', () => {
  const markdown = [
    '## ✅ Atlan Lineage Builder: Succeeded',
    '',
    '| | |',
    '| --- | --- |',
    '| **Phase** | ✅ Succeeded |',
    '',
    '```mermaid',
    'flowchart LR',
    '  n1["A<br/>Table"] -->|"p & q"| n2["B"]',
    '```',
    '',
    '```json',
    '{"a": 1}',
    '```'
  ].join('\n')

  it('renders GFM tables, and Mermaid fences as pre.mermaid with the source escaped', () => {
    const html = summaryToHtml(markdown)
    expect(html).toContain('<table>')
    expect(html).toContain('<strong>Phase</strong>')
    expect(html).toContain('<pre class="mermaid">flowchart LR')
    expect(html).toContain('n1[&quot;A&lt;br/&gt;Table&quot;] --&gt;|&quot;p &amp; q&quot;|')
    // Other code blocks stay code.
    expect(html).toMatch(/<pre><code class="language-json">/)
    expect(html).not.toContain('<script src')
  })

  it('loads the mermaid browser bundle from node_modules when asked', () => {
    expect(existsSync(MERMAID_BUNDLE)).toBe(true)
    const url = `file://${MERMAID_BUNDLE}`
    const html = summaryToHtml(markdown, { mermaidScriptUrl: url })
    expect(html).toContain(`<script src="${url}"></script>`)
    expect(html).toContain("mermaid.run({ querySelector: 'pre.mermaid' })")
    expect(fileURLToPath(url)).toBe(MERMAID_BUNDLE)
  })
})

describe('the demo flow', () => {
  it('gives two summaries: a passing run with the edge diff, and a failing CSV', async () => {
    const [pass, fail] = await demoSummaries()
    expect(pass.code).toBe(0)
    const html = summaryToHtml(pass.markdown)
    expect(html).toMatch(
      /<h2[^>]*>✅ Atlan Lineage Builder: Succeeded · <a href="[^"]+">run csa-lineage-builder-\d+-\w+<\/a><\/h2>/
    )
    // The facts are a list: no key/value row rendered as a bold table header.
    expect(html).toContain('<li><strong>Workflow:</strong>')
    expect(html).not.toContain('<th><strong>')
    expect(html).toContain('<th>Change</th>')
    expect(pass.markdown).toMatch(/\*\*2 added, 1 removed, 1 changed\*\*/)
    expect(html).toContain('<pre class="mermaid">flowchart LR')
    expect(html).toContain('Green: added. Red, dotted: removed. Amber: changed.')

    expect(fail.code).toBe(1)
    expect(fail.markdown).toMatch(/Invalid/)
    expect(fail.markdown).toContain('Source Connection is empty')
    // One page, one frame per outcome.
    const page = summariesToHtml([pass, fail])
    expect(page.match(/<div class="frame">/g)).toHaveLength(2)
  }, 90_000)
})

function renderSummary(env: Record<string, string | undefined>, out: string) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx/esm', 'scripts/render-summary.ts', '--out', out],
    { cwd: repoRoot, encoding: 'utf8', timeout: 150_000, env: { ...process.env, ...env } }
  )
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file)
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

describe('npm run render:summary', () => {
  it('exits 1, naming what to install, when there is no Chromium', () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-test-'))
    try {
      const r = renderSummary({ CHROMIUM: join(dir, 'no-chromium') }, join(dir, 'x.png'))
      expect(r.status).toBe(1)
      expect(r.stderr).toContain('No Chromium found')
      expect(r.stderr).toContain('apt-get install -y chromium')
      expect(existsSync(join(dir, 'x.png'))).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 30_000)

  const chromium = findChromium()
  if (!chromium)
    process.stderr.write(
      'NOTICE: skipping the render:summary screenshot test: no Chromium (apt-get install chromium).\n'
    )
  ;(chromium ? it : it.skip)(
    'screenshots both summaries as one full page, taller than a window',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'render-test-'))
      try {
        const png = join(dir, 'summary.png')
        const r = renderSummary({}, png)
        expect(r.stderr).toBe('')
        expect(r.status).toBe(0)
        const { width, height } = pngSize(png)
        expect(width).toBe(1200)
        // Both outcomes with their graphs do not fit the old fixed 1600 px window.
        expect(height).toBeGreaterThan(1600)
        expect(r.stdout).toContain(`1200×${height}, the whole page`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    180_000
  )
})
