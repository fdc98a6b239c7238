// The Lineage Builder's per-row rules (docs/atlan-contract.md §6.2, §6.3) as plain predicates
// over a well-formed, non-blank row's values, plus duplicate detection.
import type { AssetRef, Finding, LineageRow } from '../csv-types.js'
import type { HeaderLayout } from './headers.js'
import { Hash53, KeyIndex } from './row-key.js'

export const DEFAULT_MAX_DISTINCT_ROWS = 1_000_000

export class FindingSink {
  readonly findings: Finding[] = []
  readonly counts = { error: 0, warning: 0, notice: 0 }
  constructor(private readonly max: number) {}

  /** A finding met in file order; the first `max` are kept, all are counted. */
  add(f: Finding): void {
    this.counts[f.severity]++
    if (this.findings.length < this.max) this.findings.push(f)
  }
}

export const isBlank = (v: string | undefined): boolean => v === undefined || v.trim() === ''

const SIDE_REQUIRED = ['Type', 'Connector', 'Connection', 'Identity'] as const

/**
 * Whether the Lineage Builder makes a process of this row (docs/atlan-contract.md §6.3): both
 * sides need their type, connector, connection and identity, and the process its connector and
 * connection. The rules below report each row that fails this; the preview leaves it out.
 */
export function createsLineage(row: LineageRow): boolean {
  const mapped = (a: AssetRef) =>
    !isBlank(a.type) && !isBlank(a.connector) && !isBlank(a.connection) && !isBlank(a.identity)
  return (
    mapped(row.source) &&
    mapped(row.target) &&
    !isBlank(row.process.connector) &&
    !isBlank(row.process.connection)
  )
}

interface Side {
  label: 'source' | 'target'
  /** Column index of Type, Connector, Connection, Identity, Name. */
  cols: number[]
  names: string[]
}

export class RowRules {
  private readonly sides: Side[]
  private readonly tConnector: number
  private readonly tConnection: number
  private readonly tIdentity: number
  private readonly tName: number
  private readonly seen: KeyIndex
  private readonly hash = new Hash53()
  private duplicatesStopped = false

  constructor(
    private readonly layout: HeaderLayout,
    private readonly caseSensitive: boolean,
    private readonly sink: FindingSink,
    private readonly onRow?: (row: LineageRow) => void,
    maxDistinctRows = DEFAULT_MAX_DISTINCT_ROWS
  ) {
    const ix = layout.index
    this.sides = (['Source', 'Target'] as const).map(p => {
      const names = [...SIDE_REQUIRED, 'Name'].map(f => `${p} ${f}`)
      return { label: p === 'Source' ? 'source' : 'target', cols: names.map(n => ix[n]), names }
    })
    this.tConnector = ix['Transformation Connector']
    this.tConnection = ix['Transformation Connection']
    this.tIdentity = ix['Transformation Identity']
    this.tName = ix['Transformation Name']
    this.seen = new KeyIndex(maxDistinctRows)
  }

  /** Applies the rules to one row's values; returns the number of error findings. */
  check(v: string[], line: number): number {
    const sink = this.sink
    let errors = 0
    for (const side of this.sides) {
      for (let f = 0; f < 4; f++) {
        if (!isBlank(v[side.cols[f]])) continue
        errors++
        const col = side.names[f]
        sink.add({
          severity: 'error',
          line,
          column: col,
          rule: 'unmappable-asset',
          message: `${col} is empty: the ${side.label} asset cannot be mapped, so this row creates no lineage.`,
          hint: `Fill in ${col}; each side needs its Type, Connector, Connection and Identity.`
        })
      }
      if (isBlank(v[side.cols[4]])) {
        const col = side.names[4]
        sink.add({
          severity: 'warning',
          line,
          column: col,
          rule: 'empty-name',
          message: `${col} is empty: the ${side.label} asset gets no name.`,
          hint: `Fill in ${col}, usually the last part of its Identity.`
        })
      }
    }

    if (this.tConnector >= 0 && this.tConnection >= 0) {
      const empty: string[] = []
      if (isBlank(v[this.tConnector])) empty.push('Transformation Connector')
      if (isBlank(v[this.tConnection])) empty.push('Transformation Connection')
      if (empty.length > 0) {
        sink.add({
          severity: 'warning',
          line,
          column: empty[0],
          rule: 'process-dropped',
          message: `${empty.join(' and ')} ${empty.length > 1 ? 'are' : 'is'} empty: the process row will be dropped, so this row creates no lineage.`,
          hint: 'Fill in the connector and connection (an existing connection) the lineage process belongs to.'
        })
      }
    }
    if (this.tName >= 0 && isBlank(v[this.tName])) {
      sink.add({
        severity: 'warning',
        line,
        column: 'Transformation Name',
        rule: 'empty-process-name',
        message: 'Transformation Name is empty: the lineage process gets no name.',
        hint: 'Fill in Transformation Name, e.g. "source_table > target_view".'
      })
    }

    this.checkDuplicate(v, line)
    if (this.onRow !== undefined) this.onRow(this.toRow(v, line))
    return errors
  }

  /**
   * The duplicate key: source and target connector (always lower-cased, as the package does),
   * connection and identity, and the process name; lower-cased when not case-sensitive.
   */
  private checkDuplicate(v: string[], line: number): void {
    if (this.duplicatesStopped) return
    const [src, tgt] = this.sides
    const h = this.hash.start()
    if (this.caseSensitive) {
      h.addLower(v[src.cols[1]]).add(v[src.cols[2]]).add(v[src.cols[3]])
      h.addLower(v[tgt.cols[1]]).add(v[tgt.cols[2]]).add(v[tgt.cols[3]])
      h.add(this.tName >= 0 ? v[this.tName] : '')
    } else {
      h.addLower(v[src.cols[1]]).addLower(v[src.cols[2]]).addLower(v[src.cols[3]])
      h.addLower(v[tgt.cols[1]]).addLower(v[tgt.cols[2]]).addLower(v[tgt.cols[3]])
      h.addLower(this.tName >= 0 ? v[this.tName] : '')
    }
    const key = h.digest()
    const first = this.seen.seen(key, line)
    if (first > 0) {
      this.sink.add({
        severity: 'warning',
        line,
        rule: 'duplicate-lineage',
        message: `Same source, target and process as line ${first}${this.caseSensitive ? '' : ' (ignoring case)'}.`,
        hint: `Remove the repeated row, or merge it with line ${first}.`
      })
    } else if (first < 0) {
      // This row could not be remembered: stop here rather than give partial answers.
      this.duplicatesStopped = true
      this.sink.add({
        severity: 'notice',
        line,
        rule: 'duplicate-check-limit',
        message: `Duplicate detection stopped at line ${line} after ${this.seen.size} rows (memory bound).`
      })
    }
  }

  /** The row as the preview and the tenant stage read it. */
  toRow(v: string[], line: number): LineageRow {
    const extra: Record<string, string> = {}
    const { passThrough, headers } = this.layout
    for (const i of passThrough) extra[headers[i]] = v[i]
    const at = (i: number): string => (i >= 0 ? v[i] : '')
    return {
      line,
      source: asset(v, this.sides[0].cols),
      target: asset(v, this.sides[1].cols),
      process: {
        connector: at(this.tConnector),
        connection: at(this.tConnection),
        identity: at(this.tIdentity),
        name: at(this.tName)
      },
      extra
    }
  }
}

/** One side (Source or Target) of a row, from its five column indexes. */
function asset(v: string[], idx: readonly number[]): AssetRef {
  return {
    type: v[idx[0]],
    connector: v[idx[1]],
    connection: v[idx[2]],
    identity: v[idx[3]],
    name: v[idx[4]]
  }
}
