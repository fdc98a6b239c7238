// npm run render:summary: what the job summaries of the demo look like on GitHub, checked by eye.
// Runs the demo flow (scripts/demo-flow.ts: a passing run with a preview and an edge diff, and a
// failing CSV), renders each job summary to HTML with a GitHub-flavoured renderer (marked, GFM),
// Mermaid blocks drawn by the mermaid browser bundle loaded offline from node_modules, and takes
// one full-page screenshot with headless Chromium into tmp/summary.png (git-ignored). Exits 1
// when it cannot render (no Chromium, or Chromium failed).
//
//   npm run render:summary                       # demo flow → HTML → tmp/summary.png
//   npm run render:summary -- --markdown f.md    # render an existing summary file instead
//   npm run render:summary -- --out other.png
//
// Chromium: Debian's `chromium` (or CHROMIUM=/path/to/chrome). Fonts: the page asks for the
// system sans-serif (DejaVu Sans / Liberation Sans on Debian) and "Noto Color Emoji"
// (fonts-noto-color-emoji) for the ✅/❌ icons, which otherwise render as empty boxes.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { Marked, type Tokens } from 'marked'
import { runDemoFlow } from './demo-flow.js'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const MERMAID_BUNDLE = join(repoRoot, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js')
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
/** The Chromium to use: CHROMIUM, else the first of the usual paths that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM) return existsSync(env.CHROMIUM) ? env.CHROMIUM : undefined
  return CHROMIUM_PATHS.find(p => existsSync(p))
}
const WIDTH = 1200

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

// A small subset of github-markdown-css: enough to judge tables, headings, quotes and code.
const GITHUB_CSS = `
  body { margin: 0; background: #f6f8fa; color: #1f2328;
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
      sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
  .frame { max-width: 1100px; margin: 24px auto; background: #fff; border: 1px solid #d1d9e0;
    border-radius: 6px; }
  .frame > header { padding: 12px 16px; border-bottom: 1px solid #d1d9e0; font-weight: 600; }
  .markdown-body { padding: 16px 24px 24px; word-wrap: break-word; }
  .markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3;
    margin: 16px 0; font-weight: 600; }
  .markdown-body h3 { font-size: 1.25em; margin: 24px 0 16px; font-weight: 600; }
  .markdown-body p, .markdown-body blockquote, .markdown-body table, .markdown-body pre,
  .markdown-body details, .markdown-body ul { margin: 0 0 16px; }
  .markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
  .markdown-body table { border-spacing: 0; border-collapse: collapse; display: block;
    width: max-content; max-width: 100%; overflow: auto; }
  .markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  .markdown-body th { font-weight: 600; }
  .markdown-body tr:nth-child(2n) { background: #f6f8fa; }
  .markdown-body code { padding: .2em .4em; font-size: 85%; background: #818b981f;
    border-radius: 6px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  .markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; background: #f6f8fa;
    border-radius: 6px; }
  .markdown-body pre code { padding: 0; background: transparent; }
  .markdown-body pre.mermaid { background: #fff; border: 1px solid #d1d9e0; text-align: center; }
  .markdown-body a { color: #0969da; text-decoration: none; }
`

export interface HtmlOptions {
  /** Page title. */
  title?: string
  /** file:// URL of the mermaid browser bundle; without it Mermaid blocks stay source text. */
  mermaidScriptUrl?: string
}

function markdownToHtml(markdown: string): string {
  const marked = new Marked({ gfm: true, breaks: false })
  marked.use({
    renderer: {
      code(token: Tokens.Code): string | false {
        // GitHub renders ```mermaid fences as diagrams; mermaid.run() picks up pre.mermaid.
        if (token.lang?.trim() === 'mermaid')
          return `<pre class="mermaid">${escapeHtml(token.text)}</pre>\n`
        return false
      }
    }
  })
  return marked.parse(markdown, { async: false })
}

/** The job-summary Markdown as a GitHub-like HTML page (GFM tables, Mermaid diagrams). */
export function summaryToHtml(markdown: string, opts: HtmlOptions = {}): string {
  return summariesToHtml([{ title: opts.title ?? 'Job summary', markdown }], opts)
}

/** Several job summaries, one frame each, on one page. */
export function summariesToHtml(
  sections: ReadonlyArray<{ title: string; markdown: string }>,
  opts: HtmlOptions = {}
): string {
  const title = escapeHtml(opts.title ?? sections[0]?.title ?? 'Job summary')
  const frames = sections
    .map(
      s => `<div class="frame"><header>${escapeHtml(s.title)}</header><article class="markdown-body">
${markdownToHtml(s.markdown)}
</article></div>`
    )
    .join('\n')
  // data-height: the page's full height once Mermaid has drawn, for the full-page screenshot.
  const measure = `document.body.setAttribute('data-height', String(document.documentElement.scrollHeight))`
  const script = opts.mermaidScriptUrl
    ? `<script src="${escapeHtml(opts.mermaidScriptUrl)}"></script>
<script>
  mermaid.initialize({ startOnLoad: false, theme: 'default', securityLevel: 'strict' })
  mermaid.run({ querySelector: 'pre.mermaid' }).then(
    () => { document.body.setAttribute('data-mermaid', 'done'); ${measure} },
    e => { document.body.setAttribute('data-mermaid', 'error: ' + e); ${measure} }
  )
</script>`
    : `<script>${measure}</script>`
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><style>${GITHUB_CSS}</style></head>
<body>
${frames}
${script}
</body>
</html>
`
}

/** The demo flow's job summaries (scripts/demo-flow.ts), one section per outcome. */
export async function demoSummaries(): Promise<
  Array<{ title: string; markdown: string; code: number | null }>
> {
  const outcomes = await runDemoFlow()
  return outcomes.map(o => {
    if (!o.run.summary.trim())
      throw new Error(
        `${o.title}: the action wrote no job summary (exit ${o.run.code}):\n${o.run.stdout}\n${o.run.stderr}`
      )
    return { title: `${o.title} (${o.source})`, markdown: o.run.summary, code: o.run.code }
  })
}

function chromium(binary: string, args: string[], profile: string) {
  return spawnSync(
    binary,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      // Lets the page's scripts (Mermaid) finish before the page is read.
      '--virtual-time-budget=10000',
      `--user-data-dir=${profile}`,
      ...args
    ],
    { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }
  )
}

/**
 * Full-page screenshot of `htmlFile`: a first pass reads the page's height once Mermaid has
 * drawn (data-height), the second takes the picture at that height. Throws when Chromium fails.
 */
export function screenshot(binary: string, htmlFile: string, png: string): { height: number } {
  const profile = mkdtempSync(join(tmpdir(), 'render-summary-chromium-'))
  try {
    const url = pathToFileURL(htmlFile).href
    const dom = chromium(binary, ['--dump-dom', `--window-size=${WIDTH},800`, url], profile)
    const height = Number(/data-height="(\d+)"/.exec(dom.stdout ?? '')?.[1])
    if (dom.status !== 0 || !height)
      throw new Error(
        `chromium could not lay out the page (exit ${dom.status ?? dom.signal}): ${dom.stderr || dom.error || 'no data-height'}`
      )
    rmSync(png, { force: true })
    const shot = chromium(
      binary,
      [`--screenshot=${png}`, `--window-size=${WIDTH},${height}`, url],
      profile
    )
    if (shot.status !== 0 || !existsSync(png))
      throw new Error(
        `chromium took no screenshot (exit ${shot.status ?? shot.signal}): ${shot.stderr || shot.error}`
      )
    return { height }
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      markdown: { type: 'string' },
      out: { type: 'string', default: join(repoRoot, 'tmp', 'summary.png') }
    }
  })
  // Before the demo runs: without Chromium there is nothing to show for it.
  const binary = findChromium()
  if (!binary) {
    console.error(
      `No Chromium found (${process.env.CHROMIUM ? `CHROMIUM=${process.env.CHROMIUM}` : CHROMIUM_PATHS.join(', ')}). ` +
        'Install it (Debian/Ubuntu: sudo apt-get install -y chromium fonts-noto-color-emoji) or set ' +
        'CHROMIUM to its path, then run npm run render:summary again.'
    )
    process.exitCode = 1
    return
  }
  let sections: Array<{ title: string; markdown: string }>
  if (values.markdown)
    sections = [{ title: values.markdown, markdown: readFileSync(values.markdown, 'utf8') }]
  else {
    console.log('Running the demo flow (dist/index.js against the Atlan simulator)…')
    sections = await demoSummaries()
  }
  const dir = mkdtempSync(join(tmpdir(), 'render-summary-'))
  const htmlFile = join(dir, 'summary.html')
  writeFileSync(
    htmlFile,
    summariesToHtml(sections, {
      title: 'Atlan Lineage Builder — job summaries',
      mermaidScriptUrl: existsSync(MERMAID_BUNDLE) ? pathToFileURL(MERMAID_BUNDLE).href : undefined
    })
  )
  console.log(`HTML: ${htmlFile}`)
  const png = resolve(values.out!)
  mkdirSync(dirname(png), { recursive: true })
  try {
    const { height } = screenshot(binary, htmlFile, png)
    console.log(`Screenshot (${WIDTH}×${height}, the whole page): ${png}`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main()
}
