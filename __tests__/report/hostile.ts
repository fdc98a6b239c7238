// Hostile strings and the two readers they target: the runner, which executes workflow commands
// found in the step log, and GitHub's Markdown renderer (job summary, check run).
import { expect } from '@jest/globals'
import { marked } from 'marked'

/** Each would do something if it reached a surface raw. */
export const HOSTILE = {
  command: '\n::error file=x::pwned',
  stop: '\n::stop-commands::tok',
  legacy: '##[error]legacy pwned',
  link: '[Atlan token expired](https://evil.example/login)',
  image: '<img src=x>',
  cr: 'lone\rCR',
  fence: '\n```\nswallowed',
  autolink: 'https://evil.example/autolink'
}
export const HOSTILE_TEXT = Object.values(HOSTILE).join(' ')

/** Commands the runner would execute, read like the runner reads stdout (LF, CR and CRLF end lines). */
export function runnerCommands(stdout: string): Array<{ name: string; line: string }> {
  const found: Array<{ name: string; line: string }> = []
  for (const raw of stdout.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart()
    const v2 = /^::([A-Za-z-]+)/.exec(line)
    if (v2) {
      found.push({ name: v2[1], line })
      continue
    }
    // Only when a line is no command, the runner looks for the legacy form anywhere in it.
    const v1 = /##\[([A-Za-z-]+)/.exec(raw)
    if (v1) found.push({ name: `legacy:${v1[1]}`, line: raw })
  }
  return found
}

/** Only the commands this action writes, and none with the hostile properties. */
export function expectOnlyOwnCommands(stdout: string): void {
  const commands = runnerCommands(stdout)
  const own = new Set(['add-mask', 'debug', 'error', 'warning', 'notice', 'save-state'])
  expect(commands.filter(c => !own.has(c.name))).toEqual([])
  expect(commands.filter(c => /^::error file=x::/.test(c.line))).toEqual([])
  expect(stdout).not.toMatch(/^\s*::stop-commands::/m)
}

/** Characters a reader cannot see that break a URL pasted into a browser or an input. */
export const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/

/** The text a reader copies from the rendered Markdown (tags dropped, entities decoded). */
export function copiedText(markdown: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }
  return render(markdown)
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => entities[e])
}

/**
 * Every URL a reader can copy from the rendered Markdown: the URLs in its text, as a browser
 * would take them (a URL broken by an invisible character keeps it, for the caller to see),
 * then the targets of its links ("Copy link address").
 */
export function copiedUrls(markdown: string): string[] {
  const inText = [...copiedText(markdown).matchAll(/\b(?:https?|www)[^\s<>`"')|]*/gi)].map(m =>
    m[0].replace(/[.,:;!?]+$/, '')
  )
  const targets = [...render(markdown).matchAll(/<a [^>]*href="([^"]*)"/g)].map(m =>
    m[1].replaceAll('&amp;', '&')
  )
  return [...inText, ...targets]
}

/** The HTML GitHub would render from the Markdown (GFM: tables, autolinks, raw HTML). */
export function render(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false })
}

/** Nothing hostile renders live: no link to, or image from, anywhere the text chose; no raw HTML. */
export function expectInert(
  markdown: string,
  ownLinks: RegExp = /^http:\/\/127\.0\.0\.1:\d+\//
): void {
  const html = render(markdown)
  expect(html).not.toMatch(/<img/i)
  const hrefs = [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map(m => m[1])
  expect(hrefs.filter(h => !ownLinks.test(h))).toEqual([])
  expect(html).not.toContain('evil.example/login"')
  // A fence in the text must not open a code block: every block is one of ours.
  const blocks = [...html.matchAll(/<pre><code(?: class="language-(\w+)")?>/g)].map(m => m[1])
  expect(blocks.filter(lang => lang !== 'mermaid' && lang !== 'json')).toEqual([])
}

/**
 * Text that would notify people or teams if GitHub saw it as a mention, or link (and
 * cross-reference) issues as a reference.
 */
export const MENTIONS = '@acme/security-team cc @octocat, see #123, acme/lineage#45 and GH-6'

/**
 * No live mention or issue reference in the rendered Markdown: every `@`, `#` and `GH-` is
 * followed by something no name or number starts with.
 */
export function expectNoMentions(markdown: string): void {
  const text = render(markdown).replace(/<[^>]*>/g, ' ')
  expect(text.match(/@[A-Za-z0-9][\w/-]*/g) ?? []).toEqual([])
  // `&#39;` is an HTML entity of the rendering, not text.
  expect(text.match(/(?<!&)#\d+|\bGH-\d+/gi) ?? []).toEqual([])
}
