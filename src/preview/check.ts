// The plan stage's CSV check, orchestrated: one streaming pass over the CSV validates it and feeds the
// lineage graph; on pull requests and pushes a second pass over the base version gives the edge
// diff; then the preview is rendered. It lives in preview/ so that dependencies go one way
// (preview → lineage).
import type { Config } from '../config/types.js'
import type { LineageRow, ValidationResult } from '../lineage/csv-types.js'
import { validateLineageFile, type CsvFileCheck } from '../lineage/check.js'
import type { LineageSource } from '../lineage/source.js'
import { validateCsv } from '../lineage/csv/index.js'
import { readBaseVersion, baseShaFromEvent, type BaseMissing } from './base.js'
import { diffForPreview, diffGraphs, type LineageDiff } from './diff.js'
import { GraphBuilder, emptyGraph, type LineageGraph } from './graph.js'
import { renderPreviewMarkdown } from './markdown.js'
import { describeError } from '../report/untrusted.js'

export interface CsvCheck extends CsvFileCheck {
  graph: LineageGraph
  diff?: LineageDiff
  /** Why there is no base, or why the diff is only counted or left out (shown in the preview). */
  baseNote?: string
  /**
   * The base version was read whole (or did not exist: an empty base), so every removed row is
   * known, even when the file is too large to diff. Prune relies on it (tenant/stage.ts).
   */
  baseRead: boolean
  /** The base commit, when the base version was read (prune's moved-row guard lists the push's files). */
  baseSha?: string
  /** Records of the head version not read whole (quote errors, oversized, field counts; all of them after a fatal header). */
  headUnread: number
  /** The same for the base version, when one was read. */
  baseUnread: number
  preview(mermaid: boolean): string
}

/** Records a pass could not read whole; a fatal error leaves the whole file unread. */
function unread(v: ValidationResult): number {
  const n = v.recordsUnread ?? 0
  return v.fatal !== undefined ? Math.max(1, n) : n
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

export async function checkLineageFile(
  config: Config,
  event: EventInfo,
  source: LineageSource,
  signal?: AbortSignal,
  tap: RowTap = {}
): Promise<CsvCheck> {
  const caseSensitive = config.options.caseSensitive
  const baseSha = baseShaFromEvent(event.eventName, event.payload)
  // Started first: git copies the base version out while the head version is validated.
  // A base version that cannot be copied or read (a full disk, say) leaves the preview without
  // a diff, with a note saying why; it never fails the step.
  const unreadable = (e: unknown): BaseMissing => ({
    reason: 'git-error',
    missing: `the base version could not be read (${describeError(e)})`
  })
  const pendingBase = baseSha
    ? readBaseVersion({ cwd: event.workspace, path: source.absolute, baseSha }).catch(unreadable)
    : undefined
  const discardBase = () =>
    pendingBase?.then(b => ('missing' in b ? undefined : b.close())).catch(() => undefined)
  const head = new GraphBuilder({ caseSensitive })
  let checked: CsvFileCheck
  try {
    checked = await validateLineageFile(config, source, signal, row => {
      head.add(row)
      tap.head?.(row)
    })
  } catch (e) {
    await discardBase()
    throw e
  }
  const graph = head.build()

  let diff: LineageDiff | undefined
  let baseNote: string | undefined
  let baseRead = false
  let baseUnread = 0
  if (pendingBase && checked.validation.fatal) await discardBase()
  else if (pendingBase) {
    const base = await pendingBase
    if ('missing' in base) {
      baseNote = base.missing
      if (base.reason === 'no-file') {
        diff = diffGraphs(emptyGraph(caseSensitive), graph)
        baseRead = true
      }
    } else {
      // When the head is too large to list changes, the base needs only its edge keys.
      const builder = new GraphBuilder({
        caseSensitive,
        detailEdges: graph.truncated ? 0 : undefined
      })
      // Rows only: the base version's findings and digest are not reported.
      const read = await validateCsv(base, {
        separator: config.options.fieldSeparator,
        caseSensitive,
        rowsOnly: true,
        onRow: row => {
          builder.add(row)
          tap.base?.(row)
        }
      }).then(
        v => {
          baseUnread = unread(v)
          return undefined
        },
        (e: unknown) => unreadable(e)
      )
      if (read)
        baseNote = read.missing // no diff: prune needs the whole base (tenant/stage.ts)
      else {
        baseRead = true
        const d = diffForPreview(builder.build(), graph)
        diff = d.diff
        baseNote = d.note
      }
    }
  }
  return {
    ...checked,
    graph,
    diff,
    baseNote,
    baseRead,
    baseSha: baseRead ? baseSha : undefined,
    headUnread: unread(checked.validation),
    baseUnread,
    preview: mermaid =>
      renderPreviewMarkdown(graph, diff, { mermaid, file: checked.file, baseNote })
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
