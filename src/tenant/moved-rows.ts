// Prune's guard for a row moved to another CSV in the same push (docs/atlan-contract.md §10.10):
// Atlan keeps no trace of a write that changes nothing, so the other CSV's run may already have
// written the process without a sign. The other lineage CSVs the push changed are read whole,
// and a removed row whose process one of them still names is not retired.
import { KNOWN_COLUMNS, REQUIRED_COLUMNS, normalizeHeader } from '../lineage/csv/headers.js'
import { KeyTable, validateCsv } from '../lineage/csv/index.js'
import { openLineageFile, type LineageSource } from '../lineage/source.js'
import { changedSince } from '../preview/base.js'
import { namedProcessKey } from './rows.js'

/** The separators tried, after the step's own, on a CSV whose header the step's does not split. */
const SEPARATORS = [',', ';', '\t', '|']
/** A push that changed more files than this is not searched: prune retires nothing. */
export const MAX_CHANGED_FILES = 1000
/** Known column names in a first line that make a file a lineage CSV, even one we cannot read. */
const LOOKS_LIKE_LINEAGE = 3

export interface MovedRowsInput {
  workspace: string
  /** The lineage file's real path (LineageSource.absolute): not one of the others. */
  lineageFile: string
  baseSha: string
  /** The step's field separator, tried first. */
  separator: string
  signal?: AbortSignal
}

export type OtherCsvs =
  /** Every process the push's other lineage CSVs name (namedProcessKey), and those files. */
  | { named: KeyTable; files: string[] }
  /** Why they could not all be read: prune then retires nothing. */
  | { blocked: string }

export async function otherLineageCsvs(input: MovedRowsInput): Promise<OtherCsvs> {
  const changed = await changedSince(input.workspace, input.baseSha)
  if ('missing' in changed)
    return {
      blocked: `the files this push changed could not be listed (${changed.missing}), so a row moved to another CSV cannot be told from a removed one`
    }
  if (changed.files.length > MAX_CHANGED_FILES)
    return {
      blocked: `this push changed ${changed.files.length} files (more than ${MAX_CHANGED_FILES}), too many to look through for rows moved to another CSV`
    }
  const named = new KeyTable()
  const files: string[] = []
  for (const path of changed.files) {
    // A file the action may not read as a lineage file (outside the workspace, a directory such
    // as a submodule, over 100 MB) is no lineage CSV the Lineage Builder reads from this checkout.
    const source = await openLineageFile(path, input.workspace).catch(() => undefined)
    if (!source) continue
    try {
      if (source.absolute === input.lineageFile) continue
      const read = await readNamed(source, input, named)
      if (read === 'not-lineage') continue
      if (read !== 'read') return read
      files.push(source.relative)
    } finally {
      await source.close()
    }
  }
  return { named, files }
}

/** Reads `source` into `named` when it is a lineage CSV; otherwise says why not. */
async function readNamed(
  source: LineageSource,
  input: MovedRowsInput,
  named: KeyTable
): Promise<'read' | 'not-lineage' | { blocked: string }> {
  const sniffed = await sniffSeparator(source, input)
  if (sniffed === 'not-lineage') return sniffed
  if (sniffed === 'unsplittable')
    return {
      blocked: `${source.relative}, also changed in this push, looks like a lineage CSV but its header could not be read, so a row moved there cannot be told from a removed one`
    }
  const v = await validateCsv(source.reusedChunks(input.signal), {
    separator: sniffed.separator,
    caseSensitive: true,
    rowsOnly: true,
    onRow: row => {
      const key = namedProcessKey(row)
      if (key !== undefined) named.set(key, 0)
    }
  })
  if (v.fatal !== undefined || (v.recordsUnread ?? 0) > 0)
    return {
      blocked: `${source.relative}, also changed in this push, could not be read whole (quote errors, oversized records or field counts), so a row moved there cannot be told from a removed one`
    }
  return 'read'
}

/**
 * The separator under which the first line holds every required column; 'not-lineage' when no
 * separator shows even a few known columns; 'unsplittable' for a file that looks like a lineage
 * CSV but splits under none.
 */
async function sniffSeparator(
  source: LineageSource,
  input: MovedRowsInput
): Promise<{ separator: string } | 'not-lineage' | 'unsplittable'> {
  let first: Uint8Array | undefined
  for await (const chunk of source.chunks(input.signal)) {
    first = chunk
    break
  }
  if (!first) return 'not-lineage'
  const line = Buffer.from(first)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]
  const known = new Set(KNOWN_COLUMNS.map(normalizeHeader))
  let looksLike = false
  for (const sep of [input.separator, ...SEPARATORS.filter(s => s !== input.separator)]) {
    const cells = line.split(sep).map(c => c.trim().replace(/^"(.*)"$/, '$1'))
    if (REQUIRED_COLUMNS.every(col => cells.includes(col))) return { separator: sep }
    if (cells.filter(c => known.has(normalizeHeader(c))).length >= LOOKS_LIKE_LINEAGE)
      looksLike = true
  }
  return looksLike ? 'unsplittable' : 'not-lineage'
}
