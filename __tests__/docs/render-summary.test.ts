// scripts/render-summary.ts without the screenshot: the demo flow's job summary, rendered to HTML
// the way GitHub renders it, has the run table, the diff table and a Mermaid diagram.
import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MERMAID_BUNDLE, demoSummary, summaryToHtml } from '../../scripts/render-summary.js'

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
    expect(html).not.toContain('<script')
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
  it('gives a summary with the run table, the edge diff and a Mermaid graph', async () => {
    const { summary, code } = await demoSummary()
    expect(code).toBe(0)
    const html = summaryToHtml(summary)
    expect(html).toMatch(
      /<h2[^>]*>✅ Atlan Lineage Builder: Succeeded · <a href="[^"]+">run csa-lineage-builder-\d+-\w+<\/a><\/h2>/
    )
    // The facts are a list: no key/value row rendered as a bold table header.
    expect(html).toContain('<li><strong>Workflow:</strong>')
    expect(html).not.toContain('<th><strong>')
    expect(html).toContain('<th>Change</th>')
    expect(summary).toMatch(/\*\*2 added, 1 removed, 1 changed\*\*/)
    expect(html).toContain('<pre class="mermaid">flowchart LR')
    expect(html).toContain('Green: added. Red, dotted: removed. Amber: changed.')
  }, 90_000)
})
