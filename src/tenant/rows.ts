// The rows the tenant stage needs, kept compact: each distinct string once (interned), each row
// as a few 32-bit ids. Fed by the CSV validator's onRow callback during its single pass.
import type { LineageRow } from '../lineage/csv-types.js'
import { processSuffix, type ConnectionPair } from './qualified-names.js'

/** Each distinct string gets a small id. */
export class Interner {
  private readonly ids = new Map<string, number>()
  readonly values: string[] = []
  id(s: string): number {
    let id = this.ids.get(s)
    if (id === undefined) {
      id = this.values.length
      this.values.push(s)
      this.ids.set(s, id)
    }
    return id
  }
  get size(): number {
    return this.values.length
  }
}

/** A growable Int32Array column. */
class Column {
  data = new Int32Array(1024)
  push(i: number, v: number): void {
    if (i >= this.data.length) {
      const next = new Int32Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[i] = v
  }
}

const COLUMNS = [
  'line',
  'srcPair',
  'srcType',
  'srcId',
  'tgtPair',
  'tgtType',
  'tgtId',
  'procPair',
  'procSuffix'
] as const
export type RowField = (typeof COLUMNS)[number]

const blank = (s: string) => s.trim() === ''

/** Connection pairs, with the first line that uses each. */
export class Pairs {
  readonly list: ConnectionPair[] = []
  readonly firstLine: number[] = []
  private readonly keys = new Interner()
  id(p: ConnectionPair, line: number): number {
    const id = this.keys.id(`${p.connector.toLowerCase()}\u0000${p.name}`)
    if (id === this.list.length) {
      this.list.push({ connector: p.connector, name: p.name })
      this.firstLine.push(line)
    }
    return id
  }
}

/**
 * The head CSV's rows. A side that cannot be mapped (an empty Type, Connector, Connection or
 * Identity) has pair -1; a row without a transformation connection has procPair -1.
 */
export class TenantRows {
  readonly pairs: Pairs
  readonly strings = new Interner()
  private readonly cols = Object.fromEntries(COLUMNS.map(c => [c, new Column()])) as Record<
    RowField,
    Column
  >
  count = 0

  constructor(pairs = new Pairs()) {
    this.pairs = pairs
  }

  get(field: RowField, i: number): number {
    return this.cols[field].data[i]
  }

  readonly add = (row: LineageRow): void => {
    const i = this.count++
    const c = this.cols
    c.line.push(i, row.line)
    const side = (a: LineageRow['source']): [number, number, number] =>
      blank(a.type) || blank(a.connector) || blank(a.connection) || blank(a.identity)
        ? [-1, -1, -1]
        : [
            this.pairs.id({ connector: a.connector, name: a.connection }, row.line),
            this.strings.id(a.type),
            this.strings.id(a.identity)
          ]
    const [sp, st, si] = side(row.source)
    const [tp, tt, ti] = side(row.target)
    c.srcPair.push(i, sp)
    c.srcType.push(i, st)
    c.srcId.push(i, si)
    c.tgtPair.push(i, tp)
    c.tgtType.push(i, tt)
    c.tgtId.push(i, ti)
    const p = row.process
    const dropped = blank(p.connector) || blank(p.connection) || sp < 0 || tp < 0
    c.procPair.push(
      i,
      dropped ? -1 : this.pairs.id({ connector: p.connector, name: p.connection }, row.line)
    )
    c.procSuffix.push(i, dropped ? -1 : this.strings.id(processSuffix(partsOf(row))))
  }
}

export function partsOf(row: LineageRow) {
  const p = row.process
  return {
    name: p.name,
    identity: p.identity,
    connection: { connector: p.connector, name: p.connection },
    source: {
      connector: row.source.connector,
      name: row.source.connection,
      identity: row.source.identity
    },
    target: {
      connector: row.target.connector,
      name: row.target.connection,
      identity: row.target.identity
    }
  }
}

/**
 * The base version's processes (connection pair and suffix, first line), for prune. Shares the
 * head's pair table so that a process in both versions has the same key.
 */
export class BaseProcesses {
  readonly byKey = new Map<string, { pair: number; suffix: string; line: number }>()
  constructor(readonly pairs: Pairs) {}
  readonly add = (row: LineageRow): void => {
    const p = row.process
    const sides = [row.source, row.target]
    if (blank(p.connector) || blank(p.connection)) return
    if (
      sides.some(
        a => blank(a.type) || blank(a.connector) || blank(a.connection) || blank(a.identity)
      )
    )
      return
    const pair = this.pairs.id({ connector: p.connector, name: p.connection }, row.line)
    const suffix = processSuffix(partsOf(row))
    const key = `${pair}\u0000${suffix}`
    if (!this.byKey.has(key)) this.byKey.set(key, { pair, suffix, line: row.line })
  }
}
