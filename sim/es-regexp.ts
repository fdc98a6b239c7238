// Lucene/Elasticsearch regexp → JS RegExp. ES regexps match the whole term, so the result is
// anchored ^…$; `^` and `$` are plain characters in Lucene and get escaped.

export class UnsupportedRegexp extends Error {}

const passThrough = new Set(['?', '+', '*', '|', '{', '}', '(', ')'])

export function esRegexp(source: string): RegExp {
  let out = ''
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') {
      // A backslash escapes any character, literally.
      out += escapeChar(source[++i] ?? '\\')
    } else if (c === '[') {
      const end = classEnd(source, i)
      out += source.slice(i, end + 1)
      i = end
    } else if (c === '"') {
      const end = source.indexOf('"', i + 1)
      if (end < 0) throw new UnsupportedRegexp(`unterminated string in regexp: ${source}`)
      out += [...source.slice(i + 1, end)].map(escapeChar).join('')
      i = end
    } else if (c === '@') {
      out += '[^]*' // anystring
    } else if (c === '#') {
      out += '(?!)' // the empty language
    } else if (c === '~' || c === '&' || c === '<') {
      throw new UnsupportedRegexp(`regexp operator "${c}" is not supported by the simulator`)
    } else if (c === '.') {
      out += '[^]' // Lucene's dot matches newlines too
    } else if (passThrough.has(c)) {
      out += c
    } else {
      out += escapeChar(c)
    }
  }
  try {
    return new RegExp(`^(?:${out})$`)
  } catch (e) {
    throw new UnsupportedRegexp(`invalid regexp ${JSON.stringify(source)}: ${(e as Error).message}`)
  }
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(c) ? `\\${c}` : c
}

/** Index of the `]` closing the class opened at `start` (a leading `]` or `^]` is literal). */
function classEnd(source: string, start: number): number {
  let i = start + 1
  if (source[i] === '^') i++
  if (source[i] === ']') i++
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++
    else if (source[i] === ']') return i
  }
  throw new UnsupportedRegexp(`unterminated character class in regexp: ${source}`)
}
