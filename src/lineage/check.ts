// The plan stage's CSV check, the CSV side: validate the opened lineage file (source.ts) in one streaming
// pass. The preview (graph, base version, diff, Markdown) builds on this from
// src/preview/check.ts, so that lineage/ does not depend on preview/.
import type { Config } from '../config/types.js'
import type { Finding, LineageRow, ValidationResult } from './csv-types.js'
import { validateCsv } from './csv/index.js'
import type { LineageSource } from './source.js'
import { plural } from '../report/markdown.js'

export interface CsvFileCheck {
  /** The path as annotations need it: relative to the workspace. */
  file: string
  absolutePath: string
  validation: ValidationResult
}

/**
 * Validates the opened lineage file: one pass over its handle, stopped within a chunk when
 * `signal` aborts; every well-formed row goes to onRow. Records the digest of what was checked,
 * for the upload to compare with what it sends.
 */
export async function validateLineageFile(
  config: Config,
  source: LineageSource,
  signal?: AbortSignal,
  onRow?: (row: LineageRow) => void
): Promise<CsvFileCheck> {
  const validation = await validateCsv(source.reusedChunks(signal), {
    separator: config.options.fieldSeparator,
    caseSensitive: config.options.caseSensitive,
    rerunOf: config.options.rerunOf,
    onRow
  })
  source.validatedSha256 = validation.sha256
  return { file: source.relative, absolutePath: source.absolute, validation }
}

/** The log line after validation; a header error says that the rows were not checked. */
export function csvCheckedLine(csv: CsvFileCheck): string {
  const v = csv.validation
  const warnings = plural(v.counts.warning, 'warning')
  if (v.fatal) {
    return `${csv.file}: ${plural(v.counts.error, 'error')} before the rows could be checked (${plural(v.rowsChecked, 'row')} not checked), ${warnings}.`
  }
  return `Checked ${plural(v.rowsChecked, 'row')} of ${csv.file}: ${plural(v.counts.error, 'error')} in ${plural(v.rowsWithErrors, 'row')}, ${warnings}.`
}

/** The first finding of the rule that made the file fatal (its hint says what to do). */
function fatalFinding(v: ValidationResult): Finding | undefined {
  return v.findings.find(f => f.severity === 'error' && f.message === v.fatal)
}

/** What is wrong with the file, in one sentence without the fix; undefined when nothing is. */
export function csvProblem(csv: CsvFileCheck): { text: string; fatal: boolean } | undefined {
  const v = csv.validation
  if (v.fatal) {
    const f = fatalFinding(v)
    // A wrong separator makes the header one column: say that, not "ten columns missing".
    if (f?.hint && /-separated/.test(f.hint)) return { text: `${csv.file}: ${f.hint}`, fatal: true }
    const sentence = /[.!?]$/.test(v.fatal) ? v.fatal : `${v.fatal}.`
    return { text: `${csv.file}: ${sentence}${f?.hint ? ` ${f.hint}` : ''}`, fatal: true }
  }
  if (v.counts.error === 0) return undefined
  return {
    text: `${csv.file} has ${plural(v.counts.error, 'error')}${v.rowsWithErrors ? ` in ${plural(v.rowsWithErrors, 'row')}` : ''} (see the annotations and the job summary)`,
    fatal: false
  }
}
