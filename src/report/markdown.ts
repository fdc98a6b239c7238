// Small helpers for GitHub-flavoured markdown built as plain strings (reused by the job summary
// and the check run, which cannot share core.summary's buffer).

/** A table cell: pipes escaped, newlines folded, length bounded. */
export function cell(text: string | number | undefined, max = 200): string {
  if (text === undefined || text === '') return '—'
  let s = String(text).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')
  if (s.length > max) s = `${s.slice(0, max - 1)}…`
  return s
}

export function table(head: string[], rows: Array<Array<string | number | undefined>>): string {
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
  for (const row of rows) lines.push(`| ${row.map(c => cell(c)).join(' | ')} |`)
  return lines.join('\n')
}

export function link(text: string, url?: string): string {
  if (!url) return cell(text)
  return `[${cell(text).replace(/[[\]]/g, '\\$&')}](${url.replace(/[()\s]/g, encodeURIComponent)})`
}
