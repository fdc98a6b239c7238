// npm run render:summary: what the job summary looks like on GitHub, checked by eye.
// Runs the demo flow (the bundled action against the embedded Atlan simulator) on a push whose
// base commit holds an older version of the CSV, so the summary has a preview *and* an edge diff;
// renders the summary Markdown to HTML with a GitHub-flavoured renderer (marked, GFM), Mermaid
// blocks drawn by the mermaid browser bundle loaded offline from node_modules; and screenshots the
// page with headless Chromium into tmp/summary.png (git-ignored).
//
//   npm run render:summary                       # demo flow → HTML → tmp/summary.png
//   npm run render:summary -- --markdown f.md    # render an existing summary file instead
//   npm run render:summary -- --out other.png
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { Marked, type Tokens } from 'marked'
import { startSimulator } from '../sim/server.js'
import { runAction } from './action-runner.js'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const MERMAID_BUNDLE = join(repoRoot, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js')
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

// A small subset of github-markdown-css: enough to judge tables, headings, quotes and code.
const GITHUB_CSS = `
  body { margin: 0; background: #f6f8fa; color: #1f2328;
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
      sans-serif, "Apple Color Emoji", "Segoe UI Emoji"; }
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

/** The job-summary Markdown as a GitHub-like HTML page (GFM tables, Mermaid diagrams). */
export function summaryToHtml(markdown: string, opts: HtmlOptions = {}): string {
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
  const body = marked.parse(markdown, { async: false })
  const title = escapeHtml(opts.title ?? 'Job summary')
  const script = opts.mermaidScriptUrl
    ? `<script src="${escapeHtml(opts.mermaidScriptUrl)}"></script>
<script>
  mermaid.initialize({ startOnLoad: false, theme: 'default', securityLevel: 'strict' })
  mermaid.run({ querySelector: 'pre.mermaid' }).then(
    () => document.body.setAttribute('data-mermaid', 'done'),
    e => { document.body.setAttribute('data-mermaid', 'error: ' + e) }
  )
</script>`
    : ''
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><style>${GITHUB_CSS}</style></head>
<body>
<div class="frame"><header>${title}</header><article class="markdown-body">
${body}
</article></div>
${script}
</body>
</html>
`
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'demo',
      GIT_AUTHOR_EMAIL: 'demo@example.com',
      GIT_COMMITTER_NAME: 'demo',
      GIT_COMMITTER_EMAIL: 'demo@example.com'
    }
  })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout.trim()
}

/**
 * A throw-away repository whose base commit holds an older lineage/orders.csv (one edge that is
 * gone now, one process renamed since, two edges not there yet) and whose work tree holds
 * examples/lineage.csv: the preview then shows added, removed and changed edges.
 */
export function demoWorkspace(dir: string): { baseSha: string; file: string } {
  const head = readFileSync(join(repoRoot, 'examples', 'lineage.csv'), 'utf8')
  const lines = head.trimEnd().split('\n')
  const removed =
    'Table,snowflake,analytics-prod,RAW/SALES/ORDERS,ORDERS,Table,snowflake,analytics-prod,' +
    'LEGACY/EXPORTS/ORDERS_EXPORT,ORDERS_EXPORT,dbt,dbt-cloud,orders_export,export orders,,Old export'
  const base = [
    lines[0],
    lines[1],
    lines[2],
    lines[3].replace('build fct_orders', 'build fct_orders (v1)'),
    removed
  ].join('\n')
  mkdirSync(join(dir, 'lineage'), { recursive: true })
  git(dir, 'init', '-q')
  writeFileSync(join(dir, 'lineage', 'orders.csv'), `${base}\n`)
  git(dir, 'add', '.')
  git(dir, 'commit', '-q', '-m', 'base')
  const baseSha = git(dir, 'rev-parse', 'HEAD')
  writeFileSync(join(dir, 'lineage', 'orders.csv'), head)
  return { baseSha, file: 'lineage/orders.csv' }
}

/** The demo flow of scripts/demo.ts, on a push with a base commit; returns the job summary. */
export async function demoSummary(): Promise<{ summary: string; code: number | null }> {
  const work = mkdtempSync(join(tmpdir(), 'render-summary-ws-'))
  const sim = await startSimulator({ scenario: { pendingMs: 300, runningMs: 1200 } })
  try {
    const { baseSha, file } = demoWorkspace(work)
    const eventPath = join(work, '..', `${work.split('/').pop()}-event.json`)
    writeFileSync(eventPath, JSON.stringify({ before: baseSha, after: 'f'.repeat(40) }))
    const workflow = sim.seed({
      prefix: 'lineage',
      key: 'orders.csv',
      runs: [{ phase: 'Succeeded', durationS: 4 }]
    })
    const r = await runAction({
      cwd: work,
      env: { GITHUB_EVENT_PATH: eventPath },
      inputs: {
        atlan_base_url: sim.url,
        atlan_api_key: sim.token,
        workflow_name: workflow,
        lineage_file: file,
        poll_interval: '1s'
      },
      timeoutMs: 60_000
    })
    rmSync(eventPath, { force: true })
    if (!r.summary.trim())
      throw new Error(`the action wrote no job summary (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
    return { summary: r.summary, code: r.code }
  } finally {
    await sim.close()
    rmSync(work, { recursive: true, force: true })
  }
}

/** Headless Chromium screenshot of `htmlFile`; false (with the reason printed) if it failed. */
export function screenshot(htmlFile: string, png: string): boolean {
  const profile = mkdtempSync(join(tmpdir(), 'render-summary-chromium-'))
  try {
    const r = spawnSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        // Lets the page's scripts (Mermaid) finish before the picture is taken.
        '--virtual-time-budget=10000',
        `--user-data-dir=${profile}`,
        `--screenshot=${png}`,
        '--window-size=1200,1600',
        pathToFileURL(htmlFile).href
      ],
      { encoding: 'utf8', timeout: 120_000 }
    )
    if (r.status !== 0 || !existsSync(png)) {
      console.error(`chromium failed (exit ${r.status ?? r.signal}): ${r.stderr || r.error}`)
      return false
    }
    return true
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
  let markdown: string
  if (values.markdown) markdown = readFileSync(values.markdown, 'utf8')
  else {
    console.log('Running the demo flow (dist/index.js against the Atlan simulator)…')
    const demo = await demoSummary()
    markdown = demo.summary
    console.log(`The action exited ${demo.code}; job summary: ${markdown.length} characters.`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'render-summary-'))
  const htmlFile = join(dir, 'summary.html')
  writeFileSync(
    htmlFile,
    summaryToHtml(markdown, {
      title: 'Atlan Lineage Builder — job summary',
      mermaidScriptUrl: existsSync(MERMAID_BUNDLE) ? pathToFileURL(MERMAID_BUNDLE).href : undefined
    })
  )
  console.log(`HTML: ${htmlFile}`)
  if (!existsSync(CHROMIUM)) {
    console.log(
      `No Chromium at ${CHROMIUM}, so no screenshot. Install it with: sudo apt-get install -y chromium ` +
        '(or set CHROMIUM to its path), then run npm run render:summary again. Open the HTML above in a browser meanwhile.'
    )
    return
  }
  const png = resolve(values.out!)
  mkdirSync(dirname(png), { recursive: true })
  if (!screenshot(htmlFile, png)) {
    process.exitCode = 1
    return
  }
  console.log(`Screenshot: ${png}`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main()
}
