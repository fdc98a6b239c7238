// Step 2 of the flow: one streaming pass over the CSV validates it and feeds the lineage graph;
// on pull requests and pushes a second pass over the base version gives the edge diff.
import { existsSync, statSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import type { Config } from '../config/types.js'
import { ConfigError } from '../config/errors.js'
import { readBaseVersion, baseShaFromEvent } from '../preview/base.js'
import { diffGraphs, type LineageDiff } from '../preview/diff.js'
import { GraphBuilder, emptyGraph, type LineageGraph } from '../preview/graph.js'
import { renderPreviewMarkdown } from '../preview/markdown.js'
import { plural } from '../report/markdown.js'
import type { LineageRow, ValidationResult } from './csv-types.js'
import { validateCsv, validateCsvFile } from './csv/index.js'

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

export function locateLineageFile(
  file: string,
  workspace: string
): { absolute: string; relative: string } {
  const absolute = isAbsolute(file) ? file : resolve(workspace, file)
  if (!existsSync(absolute) || !statSync(absolute).isFile())
    throw new ConfigError(
      `input "lineage_file": ${JSON.stringify(file)} was not found in the workspace (${workspace}). ` +
        'Check the path, and run actions/checkout before this step.',
      'lineage_file'
    )
  const rel = relative(workspace, absolute)
  return { absolute, relative: rel.startsWith('..') ? absolute : rel.split('\\').join('/') }
}

/** Extra consumers of the rows (the tenant stage): the head version's, then the base version's. */
export interface RowTap {
  head?(row: LineageRow): void
  base?(row: LineageRow): void
}

export async function checkLineageFile(
  config: Config,
  event: EventInfo,
  tap: RowTap = {}
): Promise<CsvCheck> {
  const { absolute, relative: file } = locateLineageFile(config.lineageFile!, event.workspace)
  const opts = {
    separator: config.options.fieldSeparator,
    caseSensitive: config.options.caseSensitive
  }
  const head = new GraphBuilder(opts)
  const validation = await validateCsvFile(absolute, {
    ...opts,
    onRow: row => {
      head.add(row)
      tap.head?.(row)
    }
  })
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
