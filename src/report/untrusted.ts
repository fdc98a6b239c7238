// The one way out for text this action did not write itself: CSV cells and headers, file names,
// anything a server returns. Each function redacts secrets first (config/redact.ts), then makes
// the text harmless for where it goes, then bounds its length. Our own fixed wording needs none
// of this, but messages that interpolate such text go through the same functions whole.
import * as core from '@actions/core'
import type { AnnotationProperties } from '@actions/core'
import { redact } from '../config/redact.js'

/** Characters of one log line at most (a longer server reply is cut, with '…'). */
export const LOG_LIMIT = 4000

// The runner's line reader ends a line at LF, CR or CRLF; Unicode separators are folded too.
const BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g
// C0/C1 controls (ANSI escapes could hide or recolour text) and every bidi control: embeddings,
// overrides, isolates and marks (they reorder it).
const CONTROLS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Bidi_Control}]/gu
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const ZWSP = '\u200b'

/**
 * Whatever was thrown, as one line: an Error's message (every error this action raises says its
 * cause and fix there; a library's may carry a server's reply), anything else as is. Like any
 * text from outside, it reaches the user through the functions below.
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  if (typeof err === 'string') return err
  try {
    return JSON.stringify(err) ?? String(err)
  } catch {
    return String(err)
  }
}

/** At most `max` characters, cut with '…' and never inside a surrogate pair. */
export function bound(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = Math.max(0, max - 1)
  const last = text.charCodeAt(cut - 1)
  if (last >= 0xd800 && last <= 0xdbff) cut--
  return `${text.slice(0, cut)}…`
}

function clean(text: unknown): string {
  return redact(String(text ?? ''))
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(CONTROLS, '\uFFFD')
}

/**
 * One line for the step log. Line breaks become a visible ⏎ so nothing after them can start a
 * line. A line starting with `::` (after blanks) is a workflow command to the runner and `##[`
 * anywhere in a line is its legacy form: both are broken with a zero-width space, and so is any
 * `::name` inside the line, so a copied line cannot carry a live command either.
 */
export function forLog(text: unknown, max = LOG_LIMIT): string {
  const line = bound(clean(text).replace(BREAKS, ' ⏎ ').replace(/\t/g, ' '), max)
  return line
    .replace(/^(\s*):(?=:)/, `$1:${ZWSP}`)
    .replace(/::(?=[A-Za-z])/g, `:${ZWSP}:`)
    .replace(/##\[/g, `#${ZWSP}#[`)
}

/**
 * Plain text for surfaces that render no Markdown (annotation titles and messages, the check
 * run's title): redacted, controls removed, CR alone made LF, bounded. `oneLine` folds breaks.
 */
export function plain(text: unknown, max: number, oneLine = false): string {
  const t = clean(text).replace(/\r\n?/g, '\n')
  return bound(oneLine ? t.replace(BREAKS, ' ').replace(/\s+/g, ' ').trim() : t, max)
}

const MD_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }

/** What mdText escapes outside URLs: each character that means something in Markdown. */
function escapeInline(t: string): string {
  return (
    t
      .replace(/[&<>]/g, c => MD_ESCAPES[c])
      .replace(/[\\`*[\]#!|~$]/g, c => `\\${c}`)
      // An underscore inside a word cannot start emphasis (GFM): fail_on_errors stays readable.
      .replace(/_/g, (u, at: number, all: string) =>
        /[\p{L}\p{N}]/u.test(all[at - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[at + 1] ?? '')
          ? u
          : '\\_'
      )
      // GitHub links a bare URL at an unescaped ":" before "//", and at "www." (cmark-gfm's
      // autolink extension); an escaped character shows as itself and pastes as itself.
      .replace(/:\/\//g, '\\://')
      .replace(/\b(www)\./gi, '$1\\.')
      // "@name" would notify a GitHub user (an e-mail address stays plain text too).
      .replace(/@/g, `@${ZWSP}`)
      // "#123", "owner/repo#123" and "GH-123" would link (and cross-reference) an issue or pull
      // request: GitHub finds references in the rendered text, so the backslash alone is not
      // enough.
      .replace(/\\#(?=\d)/g, `\\#${ZWSP}`)
      .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`)
  )
}

/**
 * A URL in the text: a scheme and "://", or "www.", up to a blank or a character that could
 * end a code span or a table cell; trailing punctuation is the sentence's, not the URL's.
 */
const URL_IN_TEXT = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s`<>|\\]*[^\s`<>|\\.,:;!?'")\]}*_~]/gi

/**
 * Inline Markdown that shows the text and nothing else: safe in a table cell, a heading, a list
 * item or a quote. HTML is entity-escaped; every character with a Markdown meaning (links,
 * images, code, emphasis, tables, headings) is backslash-escaped; line breaks are folded, so no
 * code fence or block can start. A URL becomes a code span: GitHub neither links it nor reads
 * a mention in it, and it copies as it is (no invisible character in it). Empty text gives ''.
 */
export function mdText(text: unknown, max = 200): string {
  const t = bound(clean(text).replace(BREAKS, ' ').replace(/\s+/g, ' ').trim(), max)
  let out = ''
  let from = 0
  for (const m of t.matchAll(URL_IN_TEXT)) {
    out += `${escapeInline(t.slice(from, m.index))}\`${m[0]}\``
    from = m.index + m[0].length
  }
  return out + escapeInline(t.slice(from))
}

/** A Markdown link whose text is escaped and whose target must be http(s); else just the text. */
export function mdLink(text: unknown, url: string | undefined, max = 200): string {
  const label = mdText(text, max)
  if (!url || !/^https?:\/\//i.test(url)) return label
  // Percent-encode what could end the target or open HTML; the URL itself is redacted too.
  const target = redact(url).replace(/[\s()<>[\]"'`\\|]/g, c =>
    /[()']/.test(c) ? `%${c.charCodeAt(0).toString(16).toUpperCase()}` : encodeURIComponent(c)
  )
  return `[${label || 'link'}](${target})`
}

/**
 * A fenced code block that the text cannot close: the fence is longer than any backtick run in
 * it. Redacted, controls removed, bounded in characters.
 */
export function mdBlock(text: unknown, lang = '', max = 60_000): string {
  const body = bound(clean(text).replace(/\r\n?/g, '\n'), max)
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map(r => r.length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${lang}\n${body}\n${fence}`
}

function props(p?: AnnotationProperties): AnnotationProperties | undefined {
  if (!p) return undefined
  // core escapes property values; the title is shown, so it is redacted and bounded like text.
  return { ...p, ...(p.title !== undefined ? { title: plain(p.title, 255, true) } : {}) }
}

/**
 * The step log. Every message this action writes goes through here whole (the writers elsewhere
 * take it as their `log`), so text interpolated into a message cannot add lines or commands.
 */
export const log = {
  debug: (message: string): void => core.debug(forLog(message, 4 * LOG_LIMIT)),
  info: (message: string): void => core.info(forLog(message)),
  notice: (message: string, p?: AnnotationProperties): void =>
    core.notice(forLog(message), props(p)),
  warning: (message: string, p?: AnnotationProperties): void =>
    core.warning(forLog(message), props(p)),
  error: (message: string, p?: AnnotationProperties): void => core.error(forLog(message), props(p)),
  setFailed: (message: string): void => core.setFailed(forLog(message))
}
