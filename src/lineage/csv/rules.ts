// Per-row Lineage Builder rules (docs/atlan-contract.md §6.2, §6.3), applied to well-formed, non-blank records.
import type { AssetRef, Finding, LineageRow } from '../csv-types.js'
import { DuplicateFinder, hashGroups, RowHasher, type HashGroup } from './dedupe.js'
import { decodeRecord, isBlankField } from './fields.js'
import type { HeaderLayout } from './headers.js'
import type { RawRecord } from './tokenizer.js'

export class FindingSink {
  private kept: Finding[] = []
  private late: Finding[] = []
  readonly counts = { error: 0, warning: 0, notice: 0 }
  constructor(private readonly max: number) {}

  /** A finding met in file order. */
  add(f: Finding): void {
    this.counts[f.severity]++
    if (this.kept.length < this.max) this.kept.push(f)
  }

  /** A finding found after the pass (in file order among themselves), merged by line at the end. */
  addLate(f: Finding): void {
    this.counts[f.severity]++
    if (this.late.length < this.max) this.late.push(f)
  }

  /** The first `max` findings in file order. */
  get findings(): Finding[] {
    if (this.late.length > 0) {
      const a = this.kept
      const b = this.late
      const out: Finding[] = []
      let i = 0
      let j = 0
      while (out.length < this.max && (i < a.length || j < b.length)) {
        if (j >= b.length || (i < a.length && a[i].line <= b[j].line)) out.push(a[i++])
        else out.push(b[j++])
      }
      this.kept = out
      this.late = []
    }
    return this.kept
  }
}

const SIDE_REQUIRED = ['Type', 'Connector', 'Connection', 'Identity'] as const

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
  private readonly hasher: RowHasher
  private readonly groups: HashGroup[]
  private readonly seen: DuplicateFinder
  private fullReported = false
  private readonly strings: string[] = []
  private readonly sepChar: string

  constructor(
    private readonly layout: HeaderLayout,
    private readonly caseSensitive: boolean,
    separator: number,
    private readonly sink: FindingSink,
    private readonly onRow?: (row: LineageRow) => void,
    maxDistinctRows?: number
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
    this.seen = new DuplicateFinder(maxDistinctRows)
    this.hasher = new RowHasher(separator)
    this.sepChar = String.fromCharCode(separator)
    // The duplicate key: source and target connector (always lower-cased, as the package does),
    // connection and identity, and the process name; lower-cased when not case-sensitive.
    const lower = !caseSensitive
    const [src, tgt] = this.sides
    this.groups = hashGroups(
      [
        { index: src.cols[1], lower: true },
        { index: src.cols[2], lower },
        { index: src.cols[3], lower },
        { index: tgt.cols[1], lower: true },
        { index: tgt.cols[2], lower },
        { index: tgt.cols[3], lower },
        { index: this.tName, lower }
      ],
      separator
    )
  }

  /** Reports the duplicate rows (found at the end, in one sort); call once after the last row. */
  finish(): void {
    const lower = !this.caseSensitive
    this.seen.finish((line, first) =>
      this.sink.addLate({
        severity: 'warning',
        line,
        rule: 'duplicate-lineage',
        message: `Same source, target and process as line ${first}${lower ? ' (ignoring case)' : ''}.`,
        hint: `Remove the repeated row, or merge it with line ${first}.`
      })
    )
  }

  /** Applies the rules to one record; returns the number of error findings. */
  check(rec: RawRecord): number {
    const sink = this.sink
    const line = rec.line
    let errors = 0
    for (const side of this.sides) {
      for (let f = 0; f < 4; f++) {
        if (isBlankField(rec, side.cols[f])) {
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
      }
      if (isBlankField(rec, side.cols[4])) {
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
      if (isBlankField(rec, this.tConnector)) empty.push('Transformation Connector')
      if (isBlankField(rec, this.tConnection)) empty.push('Transformation Connection')
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
    if (this.tName >= 0 && isBlankField(rec, this.tName)) {
      sink.add({
        severity: 'warning',
        line,
        column: 'Transformation Name',
        rule: 'empty-process-name',
        message: 'Transformation Name is empty: the lineage process gets no name.',
        hint: 'Fill in Transformation Name, e.g. "source_table > target_view".'
      })
    }

    this.checkDuplicate(rec)

    if (this.onRow !== undefined) this.onRow(this.toRow(rec))
    return errors
  }

  private checkDuplicate(rec: RawRecord): void {
    if (this.seen.full) return
    const h = this.hasher
    h.reset()
    for (const g of this.groups) h.addGroup(rec, g)
    if (!this.seen.add(h.h1, h.h2, rec.line) && !this.fullReported) {
      this.fullReported = true
      this.sink.add({
        severity: 'notice',
        line: rec.line,
        rule: 'duplicate-check-limit',
        message: `Duplicate detection stopped at line ${rec.line} after ${this.seen.size} rows (memory bound).`
      })
    }
  }

  private toRow(rec: RawRecord): LineageRow {
    const v = decodeRecord(rec, this.strings, this.sepChar)
    const s = this.sides[0].cols
    const t = this.sides[1].cols
    const extra: Record<string, string> = {}
    const pass = this.layout.passThrough
    const headers = this.layout.headers
    for (let i = 0; i < pass.length; i++) extra[headers[pass[i]]] = v[pass[i]]
    return {
      line: rec.line,
      source: asset(v, s),
      target: asset(v, t),
      process: {
        connector: this.tConnector >= 0 ? v[this.tConnector] : '',
        connection: this.tConnection >= 0 ? v[this.tConnection] : '',
        identity: this.tIdentity >= 0 ? v[this.tIdentity] : '',
        name: this.tName >= 0 ? v[this.tName] : ''
      },
      extra
    }
  }
}

/** One side (Source or Target) of a record, from its five column indexes. */
function asset(v: string[], idx: readonly number[]): AssetRef {
  return {
    type: v[idx[0]],
    connector: v[idx[1]],
    connection: v[idx[2]],
    identity: v[idx[3]],
    name: v[idx[4]]
  }
}
