// Step 2 of the flow: one streaming pass over the CSV validates it and feeds the lineage graph;
// on pull requests and pushes a second pass over the base version gives the edge diff.
import type { Config } from '../config/types.js'
import { readBaseVersion, baseShaFromEvent } from '../preview/base.js'
import { diffGraphs, type LineageDiff } from '../preview/diff.js'
import { GraphBuilder, emptyGraph, type LineageGraph } from '../preview/graph.js'
import { renderPreviewMarkdown } from '../preview/markdown.js'
import { plural } from '../report/markdown.js'
import type { LineageRow, ValidationResult } from './csv-types.js'
import { validateCsv } from './csv/index.js'
import type { LineageSource } from './source.js'

export interface CsvCheck {
  /** The path as annotations need it: relative to the workspace. */
  file: string
  absolutePath: string
  validation: ValidationResult
  graph: LineageGraph
  diff?: LineageDiff
  baseNote?: string
  preview(mermaid: boolean): string
}

export interface EventInfo {
  workspace: string
  eventName: string
  payload: unknown
}

/** Extra consumers of the rows (the tenant stage): the head version's, then the base version's. */
export interface RowTap {
  head?(row: LineageRow): void
  base?(row: LineageRow): void
}

/**
 * Validates the opened lineage file (see source.ts): one pass over its handle, stopped within a
 * chunk when `signal` aborts. Records the digest of what was checked for the upload to compare.
 */
export async function checkLineageFile(
  config: Config,
  event: EventInfo,
  source: LineageSource,
  signal?: AbortSignal,
  tap: RowTap = {}
): Promise<CsvCheck> {
  const { absolute, relative: file } = source
  const opts = {
    separator: config.options.fieldSeparator,
    caseSensitive: config.options.caseSensitive
  }
  const head = new GraphBuilder(opts)
  const validation = await validateCsv(source.chunks(signal), {
    ...opts,
    onRow: row => {
      head.add(row)
      tap.head?.(row)
    }
  })
  source.validatedSha256 = validation.sha256
  const graph = head.build()

  let diff: LineageDiff | undefined
  let baseNote: string | undefined
  const baseSha = baseShaFromEvent(event.eventName, event.payload)
  if (baseSha && !validation.fatal) {
    const base = await readBaseVersion({ cwd: event.workspace, path: absolute, baseSha })
    if ('missing' in base) {
      baseNote = base.missing
      if (base.reason === 'no-file') diff = diffGraphs(emptyGraph(opts.caseSensitive), graph)
    } else {
      const builder = new GraphBuilder(opts)
      await validateCsv(base, {
        ...opts,
        maxFindings: 0,
        onRow: row => {
          builder.add(row)
          tap.base?.(row)
        }
      })
      diff = diffGraphs(builder.build(), graph)
    }
  }
  return {
    file,
    absolutePath: absolute,
    validation,
    graph,
    diff,
    baseNote,
    preview: mermaid => renderPreviewMarkdown(graph, diff, { mermaid, file, baseNote })
  }
}

/** Step outputs the check gives: row counts and, with a base version, edge counts. */
export function csvCounts(csv: CsvCheck) {
  const edges = csv.diff?.counts
  return {
    rowsChecked: csv.validation.rowsChecked,
    rowsWithErrors: csv.validation.rowsWithErrors,
    edgesAdded: edges?.added,
    edgesRemoved: edges?.removed,
    edgesChanged: edges?.changed
  }
}

/** What is wrong with the file, in one sentence without the fix; undefined when nothing is. */
export function csvProblem(csv: CsvCheck): { text: string; fatal: boolean } | undefined {
  const v = csv.validation
  if (v.fatal) return { text: `${csv.file}: ${v.fatal}`, fatal: true }
  if (v.counts.error === 0) return undefined
  return {
    text: `${csv.file} has ${plural(v.counts.error, 'error')}${v.rowsWithErrors ? ` in ${plural(v.rowsWithErrors, 'row')}` : ''} (see the annotations and the job summary)`,
    fatal: false
  }
}
