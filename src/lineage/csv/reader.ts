// Streaming CSV records with their physical line numbers, on papaparse's core parser (the
// `Papa.Parser` class behind `Papa.parse`, fed one decoded chunk at a time).
//
// What this adds around the parser, and why:
// - Line numbers: papaparse reports where each record ends (`meta.cursor`); the line breaks
//   inside [start, end) are counted, so a record's line is exact even after quoted multi-line
//   fields. Annotations need the line where a record starts.
// - Mixed line endings: the Lineage Builder's reader (FastCSV) ends a line at LF, CRLF or a lone
//   CR, in any mix; papaparse uses one line ending per input. Every CRLF and lone CR is turned
//   into LF before parsing (a CR at the end of a chunk waits for the next one).
// - Bounded memory: a record still incomplete after maxRecordBytes characters (a huge field, or
//   a stray quote that makes the rest of the file one field) is not buffered any further: its
//   end is found by a quote-aware scan and it is reported as oversized, with no fields.
// Everything else (quotes, `""` escapes, separators) is papaparse's.
import { StringDecoder } from 'node:string_decoder'
import Papa from 'papaparse'

export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number
  /** The field values; [] when oversized. */
  fields: string[]
  /** The record is an empty line (not even a separator or a quote). */
  empty: boolean
  /** A quoted field was still open at the end of the input (the record runs to EOF). */
  unterminated: boolean
  /** A closing quote was followed by text other than the separator or a line break. */
  strayQuote: boolean
  /** Longer than maxRecordBytes: its fields were not parsed. */
  oversized: boolean
}

export interface ReaderOptions {
  /** Largest record buffered, in characters (default 16 MiB). */
  maxRecordBytes?: number
}

export const DEFAULT_MAX_RECORD = 16 * 1024 * 1024

interface Skipping {
  line: number
  /** Line breaks inside quotes so far. */
  breaks: number
  /** 0 at a field start, 1 in an unquoted field, 2 inside quotes, 3 a quote seen inside quotes. */
  state: 0 | 1 | 2 | 3
}

export class CsvRecordReader {
  private readonly decoder = new StringDecoder('utf8')
  private readonly parser: Papa.Parser
  private readonly maxRecord: number
  /** Text from the start of the record the last parse could not finish. */
  private pending = ''
  private heldCR = false
  private started = false
  private ended = false
  private line = 1
  private skipping: Skipping | null = null
  // The text being parsed, where its last record ended, and its next LF at or after that.
  private input = ''
  private consumed = 0
  private nextLF = -1

  constructor(
    private readonly separator: string,
    private readonly onRecord: (rec: CsvRecord) => void,
    opts: ReaderOptions = {}
  ) {
    this.maxRecord = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD
    this.parser = new Papa.Parser({
      delimiter: separator,
      newline: '\n',
      quoteChar: '"',
      step: this.onStep
    })
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('push after end')
    const b = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    this.feed(this.decoder.write(b), false)
  }

  end(): void {
    if (this.ended) return
    this.ended = true
    this.feed(this.decoder.end(), true)
  }

  private feed(text: string, final: boolean): void {
    if (!this.started) {
      if (text === '' && !final) return
      this.started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    if (this.heldCR) {
      text = '\r' + text
      this.heldCR = false
    }
    if (!final && text.charCodeAt(text.length - 1) === 13) {
      text = text.slice(0, -1)
      this.heldCR = true
    }
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n')
    if (this.skipping !== null) {
      const rest = this.skip(text, final)
      if (rest === null) return
      text = rest
    }
    this.parse(this.pending + text, final)
  }

  private parse(input: string, final: boolean): void {
    this.pending = ''
    if (input === '') return
    this.input = input
    this.consumed = 0
    this.nextLF = input.indexOf('\n')
    // Always with ignoreLastRow: at the end of the input papaparse would otherwise add an empty
    // record after the final line break. What is left at the end is the last record, unfinished.
    this.parser.parse(input, 0, true)
    const rest = input.slice(this.consumed)
    this.input = ''
    if (final) {
      if (rest !== '') this.parseLast(rest)
      return
    }
    if (rest.length <= this.maxRecord) {
      this.pending = rest
      return
    }
    this.skipping = { line: this.line, breaks: 0, state: 0 }
    const after = this.skip(rest, false)
    if (after !== null) this.parse(after, false)
  }

  /** The last record, without a line break after it, or with an unterminated quote. */
  private parseLast(input: string): void {
    this.input = input
    this.consumed = 0
    this.nextLF = input.indexOf('\n')
    this.parser.parse(input, 0, false)
    this.input = ''
  }

  private readonly onStep = (res: Papa.ParseStepResult<string[][]>): void => {
    const start = this.consumed
    const end = res.meta.cursor
    const input = this.input
    let breaks = 0
    let lf = this.nextLF
    while (lf >= 0 && lf < end) {
      breaks++
      lf = input.indexOf('\n', lf + 1)
    }
    this.nextLF = lf
    this.consumed = end
    let unterminated = false
    let strayQuote = false
    for (const e of res.errors) {
      if (e.code === 'MissingQuotes') unterminated = true
      else if (e.code === 'InvalidQuotes') strayQuote = true
    }
    const line = this.line
    this.line += breaks
    this.onRecord({
      line,
      fields: res.data[0],
      empty: end === start || (end === start + 1 && input.charCodeAt(start) === 10),
      unterminated,
      strayQuote,
      oversized: false
    })
  }

  /**
   * Follows an oversized record through `text` without keeping it. Returns the text after the
   * record's line break, or null when the whole text belongs to the record.
   */
  private skip(text: string, final: boolean): string | null {
    const s = this.skipping as Skipping
    const sep = this.separator
    for (let k = 0; k < text.length; k++) {
      const c = text[k]
      if (s.state === 2) {
        if (c === '"') s.state = 3
        else if (c === '\n') s.breaks++
        continue
      }
      if (s.state === 3) {
        if (c === '"') {
          s.state = 2
          continue
        }
        s.state = 1
      }
      if (c === '\n') {
        this.endSkip(false)
        return text.slice(k + 1)
      }
      if (c === sep) s.state = 0
      else if (s.state === 0) s.state = c === '"' ? 2 : 1
    }
    if (final) this.endSkip(s.state === 2)
    return null
  }

  private endSkip(unterminated: boolean): void {
    const s = this.skipping as Skipping
    this.skipping = null
    this.line = s.line + s.breaks + 1
    this.onRecord({
      line: s.line,
      fields: [],
      empty: false,
      unterminated,
      strayQuote: false,
      oversized: true
    })
  }
}
