// The one way out for untrusted text: what each function makes of hostile strings, and the step
// log writers (through @actions/core's real output) with every hostile string.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { clearSecrets, registerSecret } from '../../src/config/redact.js'
import {
  bound,
  describeError,
  forLog,
  log,
  mdBlock,
  mdLink,
  mdText,
  plain
} from '../../src/report/untrusted.js'
import {
  HOSTILE,
  HOSTILE_TEXT,
  INVISIBLE,
  copiedUrls,
  expectInert,
  expectOnlyOwnCommands,
  render
} from './hostile.js'

afterEach(() => clearSecrets())

describe('forLog: one inert log line', () => {
  it.each(Object.entries(HOSTILE))('%s cannot start a line or a command', (_name, text) => {
    const line = forLog(`before ${text} after`)
    expect(line).not.toMatch(/[\r\n]/)
    expectOnlyOwnCommands(line)
    expectOnlyOwnCommands(forLog(text.trimStart()))
  })

  it('a message that is itself a command is broken, a URL with a port is not', () => {
    expect(forLog('::error file=x::boom')).toBe(':\u200b:error file=x:\u200b:boom')
    expect(forLog('  ::stop-commands::tok').trimStart().startsWith('::')).toBe(false)
    expect(forLog('##[group]x')).not.toContain('##[')
    expect(forLog('see http://127.0.0.1:8080/a::1')).toBe('see http://127.0.0.1:8080/a::1')
  })

  it('line breaks of every kind show as ⏎; controls and bidi overrides are replaced', () => {
    expect(forLog('a\r\nb\rc\nd\u2028e')).toBe('a ⏎ b ⏎ c ⏎ d ⏎ e')
    expect(forLog('red \u001b[31mX\u001b[0m \u202Eevil')).toBe(
      'red \uFFFD[31mX\uFFFD[0m \uFFFDevil'
    )
  })

  it('every bidi control (Unicode Bidi_Control: embeddings, overrides, isolates, marks) is replaced', () => {
    const bidi = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e]
      .concat([0x2066, 0x2067, 0x2068, 0x2069])
      .map(c => String.fromCharCode(c))
    for (const c of bidi) {
      expect(forLog(`a${c}b`)).toBe('a\uFFFDb')
      expect(mdText(`a${c}b`)).toBe('a\uFFFDb')
      expect(plain(`a${c}b`, 10)).toBe('a\uFFFDb')
    }
  })

  it('is bounded, and redacts before it cuts', () => {
    registerSecret('s3cr3t-VALUE-0123456789')
    expect(forLog('x'.repeat(10_000))).toHaveLength(4000)
    // The cut falls inside the secret: a cut-then-redact would leave its first part.
    const text = `${'x'.repeat(3990)}s3cr3t-VALUE-0123456789`
    expect(forLog(text)).not.toContain('s3cr3t')
    expect(forLog(text)).toContain('***')
  })
})

describe('mdText: inline Markdown that shows the text and nothing else', () => {
  it('issue references cannot link or cross-reference: #123, owner/repo#123, GH-123', () => {
    expect(mdText('see #123, acme/lineage#45 and GH-6')).toBe(
      'see \\#\u200b123, acme/lineage\\#\u200b45 and GH-\u200b6'
    )
    // What GitHub renders has no "#" or "GH-" directly before a digit, so no reference is found.
    const html = render(mdText('#1 x#2 gh-3 (#4)'))
    expect(html).not.toMatch(/#\d|GH-\d/i)
    expect(html).toBe('<p>#\u200b1 x#\u200b2 gh-\u200b3 (#\u200b4)</p>\n')
    // A heading marker or a word with "#" not before a digit is escaped as before, unbroken.
    expect(mdText('# title C# #tag')).toBe('\\# title C\\# \\#tag')
  })

  it('tables, HTML, links, code and emphasis are escaped; newlines folded', () => {
    expect(mdText('a|b\nc\r\nd\re')).toBe('a\\|b c d e')
    expect(mdText('<img src=x onerror=alert(1)> & *b* _i_ `c` [l](u) ~s~ @team $x$')).toBe(
      '&lt;img src=x onerror=alert(1)&gt; &amp; \\*b\\* \\_i\\_ \\`c\\` \\[l\\](u) \\~s\\~ @\u200bteam \\$x\\$'
    )
    expect(mdText('back\\slash|')).toBe('back\\\\slash\\|')
    // Inside a word an underscore cannot start emphasis, so it is left readable.
    expect(mdText('fail_on_errors _x_')).toBe('fail_on_errors \\_x\\_')
    expect(render(mdText('a_b_c _d_'))).toBe('<p>a_b_c _d_</p>\n')
    expect(mdText(undefined)).toBe('')
  })

  it('renders as plain text in a table cell, a heading and a quote', () => {
    const t = mdText(HOSTILE_TEXT, 1000)
    const md = `## Title ${t}\n\n> ${t}\n\n| a | b |\n| --- | --- |\n| ${t} | end |\n\nLAST`
    expectInert(md)
    const html = render(md)
    // The table kept its two columns and the text after the fence is still a paragraph.
    expect(html).toMatch(/<td>end<\/td>/)
    expect(html).toMatch(/<p>LAST<\/p>/)
    expect(html).toContain('[Atlan token expired]')
  })

  it('a URL becomes a code span: not linked, no mention, and it copies exactly', () => {
    const url = 'https://acme.atlan.com/workflows/profile/x/runs?name=y&z=@team_a'
    const t = mdText(`Open ${url}. Or (www.example.com/a_b), then see x://y [link]`)
    expect(t).toBe(`Open \`${url}\`. Or (\`www.example.com/a_b\`), then see \`x://y\` \\[link\\]`)
    const html = render(`| a |\n| --- |\n| ${t} |\n\n> ${t}`)
    expect(html).not.toMatch(/<a /)
    expect(
      [...html.matchAll(/<code>([^<]*)<\/code>/g)].map(m => m[1].replaceAll('&amp;', '&'))
    ).toEqual([url, 'www.example.com/a_b', 'x://y', url, 'www.example.com/a_b', 'x://y'])
    expect(t).not.toMatch(INVISIBLE)
    expect(copiedUrls(t)).toEqual([url, 'www.example.com/a_b'])
  })

  it('a scheme GitHub would not take is escaped, not broken: it shows and copies as written', () => {
    expect(mdText('1://x and www. alone')).toBe('1\\://x and www\\. alone')
    expect(render(mdText('1://x and www. alone'))).toBe('<p>1://x and www. alone</p>\n')
  })

  it('is bounded before escaping (an escape is never cut in half) and redacts first', () => {
    const t = mdText('|'.repeat(300), 100)
    expect(t).toBe(`${'\\|'.repeat(99)}…`)
    registerSecret('tok_[secret]_value')
    expect(mdText('key tok_[secret]_value here')).toBe('key \\*\\*\\* here')
  })
})

describe('mdLink, mdBlock, plain', () => {
  it('mdLink escapes the label, encodes the target, and refuses non-http targets', () => {
    expect(mdLink('run [x](y)', 'https://t.example/a b(c)')).toBe(
      '[run \\[x\\](y)](https://t.example/a%20b%28c%29)'
    )
    expect(mdLink('x', 'javascript:alert(1)')).toBe('x')
    expectInert(mdLink(HOSTILE.link, 'http://127.0.0.1:1/r'))
  })

  it('mdBlock uses a fence longer than any backtick run in the text', () => {
    const block = mdBlock('a\n````\nb', 'json')
    expect(block.startsWith('`````json\n')).toBe(true)
    const html = render(`${block}\n\nAFTER`)
    expect(html).toMatch(/<p>AFTER<\/p>/)
  })

  it('plain keeps line breaks unless asked, normalises CR, redacts and bounds', () => {
    registerSecret('plain-secret-123')
    expect(plain('a\rb\r\nc plain-secret-123', 100)).toBe('a\nb\nc ***')
    expect(plain('a\nb', 100, true)).toBe('a b')
    expect(plain('x'.repeat(300), 255)).toHaveLength(255)
  })

  it('bound never splits a surrogate pair', () => {
    expect(bound('ab😀cd', 3)).toBe('ab…')
    expect(bound('a😀cd', 3)).toBe('a…')
  })
})

describe('log: every core writer gets one inert, redacted line', () => {
  let written: string
  beforeEach(() => {
    written = ''
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written += String(chunk)
      return true
    })
    process.exitCode = undefined
  })
  afterEach(() => {
    jest.restoreAllMocks()
    process.exitCode = undefined
  })

  it.each(['debug', 'info', 'notice', 'warning', 'error', 'setFailed'] as const)(
    'log.%s',
    writer => {
      registerSecret('writer-secret-987654')
      log[writer](`${HOSTILE_TEXT} writer-secret-987654`)
      expectOnlyOwnCommands(written)
      expect(written.trimEnd().split('\n')).toHaveLength(1)
      expect(written).not.toContain('writer-secret')
      expect(written).not.toContain(Buffer.from('writer-secret-987654').toString('base64'))
    }
  )

  it('annotation titles are one redacted line', () => {
    registerSecret('title-secret-24680')
    log.error('m', { title: `T\n::error::x title-secret-24680`, file: 'a.csv', startLine: 2 })
    expect(written).toBe('::error title=T %3A%3Aerror%3A%3Ax ***,file=a.csv,line=2::m\n')
  })
})

describe('describeError: whatever was thrown, as one line', () => {
  it('an Error by its message, a string as is, anything else as JSON', () => {
    expect(describeError(new Error('boom'))).toBe('boom')
    expect(describeError('plain')).toBe('plain')
    expect(describeError({ a: 1 })).toBe('{"a":1}')
  })
})
