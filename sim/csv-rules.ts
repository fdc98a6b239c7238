// The Lineage Builder's own input rules (docs/atlan-contract.md §6), applied by a run to the file it reads.
// An RFC 4180 parser of its own, independent of the action's streaming validator on purpose.

export const REQUIRED_COLUMNS = [
  'Source Type',
  'Source Connector',
  'Source Connection',
  'Source Identity',
  'Source Name',
  'Target Type',
  'Target Connector',
  'Target Connection',
  'Target Identity',
  'Target Name'
] as const

export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number
  fields: string[]
  /** True when any field was quoted (tells `""` apart from an empty line). */
  quoted: boolean
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string
  ) {
    super(message)
  }
}

/** Records of `text`; quoted fields may hold separators, `""` and line breaks (CRLF, LF or CR). */
export function* parseCsv(text: string, separator = ','): Generator<CsvRecord> {
  const n = text.length
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  let line = 1
  while (i < n) {
    const record: CsvRecord = { line, fields: [], quoted: false }
    for (;;) {
      let field = ''
      if (text[i] === '"') {
        const startLine = line
        record.quoted = true
        i++
        for (;;) {
          if (i >= n) {
            throw new CsvSyntaxError(
              startLine,
              `unterminated quoted field starting at line ${startLine}`
            )
          }
          const c = text[i]
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"'
              i += 2
              continue
            }
            i++
            break
          }
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++
          field += c
          i++
        }
      }
      // Unquoted field, or lenient text after a closing quote (as the Java readers accept).
      while (i < n && text[i] !== separator && text[i] !== '\n' && text[i] !== '\r')
        field += text[i++]
      record.fields.push(field)
      if (i < n && text[i] === separator) {
        i++
        continue
      }
      if (text[i] === '\r') i++
      if (text[i] === '\n') i++
      line++
      break
    }
    yield record
  }
}

export type Outcome = { phase: 'Succeeded'; rows: number } | { phase: 'Failed'; message: string }

export const NO_INPUT_MESSAGE = 'No input file was provided for lineage.'

/** What the Lineage Builder makes of `bytes` (undefined: no object at the key). */
export function lineageOutcome(bytes: Buffer | undefined, separator: unknown = ','): Outcome {
  if (bytes === undefined) return { phase: 'Failed', message: NO_INPUT_MESSAGE }
  const sep = separator === undefined || separator === null || separator === '' ? ',' : separator
  if (typeof sep !== 'string' || [...sep].length !== 1) {
    return {
      phase: 'Failed',
      message: `Error (exit code 2): field_separator must be a single character, got ${JSON.stringify(sep)}.`
    }
  }
  try {
    const records = parseCsv(bytes.toString('utf8'), sep)
    const first = records.next()
    const header = first.done ? [] : first.value.fields
    const missing = REQUIRED_COLUMNS.filter(c => !header.includes(c))
    if (missing.length > 0) {
      return {
        phase: 'Failed',
        message: `Invalid input file received. Input CSV is missing required columns: [${missing.join(', ')}]`
      }
    }
    let rows = 0
    for (const r of records) {
      if (!r.quoted && r.fields.length === 1 && r.fields[0] === '') continue // empty line
      if (r.fields.length !== header.length) {
        return {
          phase: 'Failed',
          message: `Invalid input file received. Record at line ${r.line} has ${r.fields.length} fields, but the header has ${header.length}.`
        }
      }
      if (r.fields.every(f => f.trim() === '')) continue // all-blank rows are skipped
      rows++
    }
    return { phase: 'Succeeded', rows }
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      return {
        phase: 'Failed',
        message: `Invalid input file received. Malformed CSV: ${e.message}.`
      }
    }
    throw e
  }
}
