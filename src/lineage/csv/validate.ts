// One streaming pass over a lineage CSV: read records (reader.ts, on papaparse), apply the
// Lineage Builder's rules, hand each well-formed row to onRow, and hash the raw bytes. Memory
// does not grow with the file: it is bounded by the read chunk (64 KiB), the largest buffered
// record (maxRecordBytes) and the duplicate index (maxDistinctRows keys; see row-key.ts).
import { createHash, type Hash } from 'node:crypto'
import { isUsableSeparator } from '../../config/fields.js'
import { fmt } from '../../report/markdown.js'
import { open } from 'node:fs/promises'
import { readReused } from '../read-chunks.js'
import type { LineageRow, ValidationResult } from '../csv-types.js'
import {
  analyzeHeaders,
  missingColumnsMessage,
  REQUIRED_COLUMNS,
  type HeaderLayout
} from './headers.js'
import { CsvRecordReader, DEFAULT_MAX_RECORD, type CsvRecord } from './reader.js'
import { FindingSink, isBlank, RowRules } from './rules.js'

export interface ValidateOptions {
  /** Field separator, exactly one character (the package's field_separator). */
  separator: string
  /** A rerun: the workflow whose stored separator this is (advice then points at it, not the input). */
  rerunOf?: string
  /** lineage_case_sensitive: when false, duplicate detection ignores case. */
  caseSensitive: boolean
  /** Findings kept in the result (default 1000); counts keep counting past it. */
  maxFindings?: number
  /** Called for every non-blank record with the header's field count, in file order. */
  onRow?: (row: LineageRow) => void
  /** Largest record buffered, in characters (default 16 MiB); a longer one is reported, not parsed. */
  maxRecordBytes?: number
  /** Rows remembered for duplicate detection (default 1,000,000, 15 to 30 bytes each). */
  maxDistinctRows?: number
  /**
   * Only hand the rows to onRow (the same rows as a full check): no row rules, no duplicate
   * index, no findings kept (the header and record checks still count theirs), no sha256 (the
   * result's is empty). For a version whose findings are not reported: a diff's base version.
   */
  rowsOnly?: boolean
}

/** Push-based validator: push() chunks in order, then finish(). */
export class CsvValidator {
  private readonly sink: FindingSink
  private readonly hash: Hash | null
  private readonly reader: CsvRecordReader | null
  private readonly separator: string
  private layout: HeaderLayout | null = null
  private rules: RowRules | null = null
  private fatal: string | undefined
  private bytes = 0
  private rowsChecked = 0
  private rowsWithErrors = 0
  private blankRows = 0
  private recordsUnread = 0
  private done = false

  constructor(private readonly opts: ValidateOptions) {
    this.sink = new FindingSink(opts.rowsOnly ? 0 : (opts.maxFindings ?? 1000))
    this.hash = opts.rowsOnly ? null : createHash('sha256')
    this.separator = opts.separator
    const sep = opts.separator
    if (sep.length !== 1) {
      this.fatal = `The field separator must be exactly one character; got ${JSON.stringify(sep)}.`
    } else if (!isUsableSeparator(sep)) {
      this.fatal = `Unsupported field separator ${JSON.stringify(sep)}: use an ASCII character other than a quote or a line break.`
    }
    if (this.fatal !== undefined) {
      this.sink.add({
        severity: 'error',
        line: 1,
        rule: 'separator',
        message: this.fatal,
        hint: 'Set field_separator (for a rerun, the separator stored in the workflow in Atlan) to a single character such as "," or ";".'
      })
      this.reader = null
    } else {
      this.reader = new CsvRecordReader(sep, this.onRecord, {
        maxRecordBytes: opts.maxRecordBytes
      })
    }
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return
    this.hash?.update(chunk)
    this.bytes += chunk.byteLength
    this.reader?.push(chunk)
  }

  finish(): ValidationResult {
    if (this.done) throw new Error('finish() called twice')
    this.done = true
    this.reader?.end()
    if (this.layout === null && this.reader !== null) {
      this.fatal = missingColumnsMessage(REQUIRED_COLUMNS)
      this.sink.add({
        severity: 'error',
        line: 1,
        rule: 'missing-columns',
        message: this.fatal,
        hint: 'The file is empty: add the header row and at least one lineage row.'
      })
    }
    return {
      rowsChecked: this.rowsChecked,
      rowsWithErrors: this.rowsWithErrors,
      blankRows: this.blankRows,
      headers: this.layout?.headers ?? [],
      passThroughColumns: this.layout
        ? this.layout.passThrough.map(i => this.layout!.headers[i])
        : [],
      findings: this.sink.findings,
      counts: { ...this.sink.counts },
      ...(this.fatal !== undefined ? { fatal: this.fatal } : {}),
      recordsUnread: this.recordsUnread,
      bytes: this.bytes,
      sha256: this.hash?.digest('hex') ?? ''
    }
  }

  /** A record whose quoting is broken; true when it was reported. */
  private badQuote(rec: CsvRecord): boolean {
    if (rec.unterminated) {
      this.sink.add({
        severity: 'error',
        line: rec.line,
        rule: 'unterminated-quote',
        message: `A quoted field in the record starting on line ${rec.line} is never closed: the rest of the file is read as one field.`,
        hint: 'Close the quote, and double every quote inside a quoted field ("").'
      })
      return true
    }
    if (rec.strayQuote) {
      this.sink.add({
        severity: 'error',
        line: rec.line,
        rule: 'stray-quote',
        message: `A quoted field in the record starting on line ${rec.line} has text after its closing quote.`,
        hint: 'Quote the whole value, and double every quote inside it (""); or remove the quotes.'
      })
      return true
    }
    return false
  }

  private readonly onRecord = (rec: CsvRecord): void => {
    const layout = this.layout
    // Empty lines are skipped by the package's reader (FastCSV skipEmptyLines), before the
    // header too.
    if (rec.empty) {
      this.blankRows++
      return
    }
    if (layout === null) {
      this.onHeader(rec)
      return
    }
    if (rec.oversized) {
      this.rowsChecked++
      this.rowsWithErrors++
      this.recordsUnread++
      if (!this.badQuote(rec)) {
        this.sink.add({
          severity: 'error',
          line: rec.line,
          rule: 'record-too-large',
          message: `The record starting on line ${rec.line} is longer than ${fmt(this.opts.maxRecordBytes ?? DEFAULT_MAX_RECORD)} characters and was not checked.`,
          hint: 'Look for a stray quote that makes many lines one field.'
        })
      }
      return
    }
    if (rec.unterminated || rec.strayQuote) {
      this.rowsChecked++
      this.rowsWithErrors++
      this.recordsUnread++
      this.badQuote(rec)
      return
    }
    const fields = rec.fields
    const expected = layout.headers.length
    if (fields.length !== expected) {
      // The package's reader rejects the file (errorOnDifferentFieldCount) before it looks for
      // blank rows, so a short all-blank line is an error too.
      this.rowsChecked++
      this.recordsUnread++
      if (this.rules === null) return // fatal header error: count only
      this.rowsWithErrors++
      const n = fields.length
      this.sink.add({
        severity: 'error',
        line: rec.line,
        rule: 'field-count',
        message: `Line ${rec.line} has ${n} field${n === 1 ? '' : 's'}; the header has ${expected}.`,
        hint:
          n > expected
            ? `Quote values that contain the separator ${JSON.stringify(this.separator)}, or remove the extra fields.`
            : `Add the missing fields (empty ones still need their separators).`
      })
      return
    }
    if (fields.every(isBlank)) {
      this.blankRows++
      return
    }
    this.rowsChecked++
    if (this.rules === null) {
      this.recordsUnread++ // a fatal header: no row reaches onRow
      return
    }
    if (this.opts.rowsOnly) this.opts.onRow?.(this.rules.toRow(fields, rec.line))
    else if (this.rules.check(fields, rec.line) > 0) this.rowsWithErrors++
  }

  private onHeader(rec: CsvRecord): void {
    this.badQuote(rec)
    const layout = analyzeHeaders(
      rec.fields,
      rec.line,
      this.separator,
      f => this.sink.add(f),
      this.opts.rerunOf
    )
    this.layout = layout
    if (layout.missingRequired.length > 0) {
      this.fatal = missingColumnsMessage(layout.missingRequired)
      return
    }
    this.rules = new RowRules(
      layout,
      this.opts.caseSensitive,
      this.sink,
      this.opts.onRow,
      this.opts.rowsOnly ? 0 : this.opts.maxDistinctRows
    )
  }
}

export async function validateCsv(
  source: AsyncIterable<Uint8Array>,
  opts: ValidateOptions
): Promise<ValidationResult> {
  const v = new CsvValidator(opts)
  for await (const chunk of source) v.push(chunk)
  return v.finish()
}

async function* readChunks(path: string): AsyncGenerator<Uint8Array> {
  const fh = await open(path, 'r')
  try {
    yield* readReused(fh)
  } finally {
    await fh.close()
  }
}

export async function validateCsvFile(
  path: string,
  opts: ValidateOptions
): Promise<ValidationResult> {
  return validateCsv(readChunks(path), opts)
}
