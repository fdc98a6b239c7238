// The rows the tenant stage needs, kept compact, fed by the CSV validator's onRow callback during
// its single pass. Every row keeps its line and its three connection pairs (32-bit ids), so that
// the plan checks the connections of every row. Only the first rows keep their assets and
// process (each distinct string once), up to as many names as the plan may look up within
// tenant_search_limit: the plan cannot reach the rows after them. With prune, every head process
// is also kept as a 53-bit hash, and the base version keeps only the processes no head row has.
import type { LineageRow } from '../lineage/csv-types.js'
import { KeyTable } from '../lineage/csv/key-table.js'
import { Hash53 } from '../lineage/csv/row-key.js'
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

/** Kept for every row. */
const CONNECTION_COLUMNS = ['line', 'srcPair', 'tgtPair', 'procPair'] as const
/** Kept for the first rows only (TenantRows.kept). */
const NAME_COLUMNS = ['srcType', 'srcId', 'tgtType', 'tgtId', 'procSuffix'] as const
export type RowField = (typeof CONNECTION_COLUMNS)[number] | (typeof NAME_COLUMNS)[number]

const blank = (s: string) => s.trim() === ''
const unmappable = (a: LineageRow['source']) =>
  blank(a.type) || blank(a.connector) || blank(a.connection) || blank(a.identity)

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

const hash = new Hash53()

/**
 * A process compared between the head and the base version: its connection as the package
 * resolves it (connector and name without case, docs/atlan-contract.md §10.9) and its suffix,
 * also without case: a run matching without case updates the stored process under its stored
 * name, and leaves no trace of it when nothing changed (§10.9, §10.10), so a base process that
 * differs from a head one only in case is never proven removed.
 */
function processKey(
  p: Pick<LineageRow['process'], 'connector' | 'connection'>,
  suffix: string
): number {
  return hash.start().addLower(p.connector).addLower(p.connection).addLower(suffix).digest()
}

export interface RowsOptions {
  /** Distinct names (asset identities and process suffixes) past which rows keep their connections only. */
  maxNames?: number
  /** Keep a hash of every row's process, for BaseProcesses (prune). */
  processKeys?: boolean
}

/**
 * The head CSV's rows. A side that cannot be mapped (an empty Type, Connector, Connection or
 * Identity) has pair -1; a row without a transformation connection has procPair -1.
 */
export class TenantRows {
  readonly pairs: Pairs
  /** Asset identities and process suffixes of the kept rows. */
  readonly strings = new Interner()
  readonly types = new Interner()
  private readonly cols = Object.fromEntries(
    [...CONNECTION_COLUMNS, ...NAME_COLUMNS].map(c => [c, new Column()])
  ) as Record<RowField, Column>
  count = 0
  /** Rows 0 to kept − 1 keep their assets and process; the rest their connections only. */
  kept = 0
  private readonly maxNames: number
  /** With processKeys: every row's process, hashed (a collision only hides a removed row). */
  readonly processKeys?: KeyTable

  constructor(opts: RowsOptions = {}, pairs = new Pairs()) {
    this.pairs = pairs
    this.maxNames = opts.maxNames ?? Infinity
    if (opts.processKeys) this.processKeys = new KeyTable()
  }

  get(field: RowField, i: number): number {
    return this.cols[field].data[i]
  }

  readonly add = (row: LineageRow): void => {
    const i = this.count++
    const c = this.cols
    const pairOf = (a: LineageRow['source']) =>
      unmappable(a) ? -1 : this.pairs.id({ connector: a.connector, name: a.connection }, row.line)
    const sp = pairOf(row.source)
    const tp = pairOf(row.target)
    const p = row.process
    const pp =
      blank(p.connector) || blank(p.connection) || sp < 0 || tp < 0
        ? -1
        : this.pairs.id({ connector: p.connector, name: p.connection }, row.line)
    c.line.push(i, row.line)
    c.srcPair.push(i, sp)
    c.tgtPair.push(i, tp)
    c.procPair.push(i, pp)
    const keep = i === this.kept && this.strings.size < this.maxNames
    if (!keep && !this.processKeys) return
    const suffix = namesProcess(row) ? processSuffix(partsOf(row)) : undefined
    if (suffix !== undefined) this.processKeys?.set(processKey(p, suffix), 0)
    if (!keep) return
    this.kept++
    const name = (pair: number, s: string) => (pair < 0 ? -1 : this.strings.id(s))
    c.srcType.push(i, sp < 0 ? -1 : this.types.id(row.source.type))
    c.srcId.push(i, name(sp, row.source.identity))
    c.tgtType.push(i, tp < 0 ? -1 : this.types.id(row.target.type))
    c.tgtId.push(i, name(tp, row.target.identity))
    c.procSuffix.push(i, pp < 0 ? -1 : this.strings.id(suffix!))
  }
}

/**
 * Whether the row names a process whose qualifiedName the CSV alone gives (§10.6): a
 * transformation connection, and a Transformation Identity or two mappable sides for the MD5
 * rule. A head row that names one keeps it from prune, even when the run drops the row (a side
 * it cannot map): that row was not proven removed.
 */
function namesProcess(row: LineageRow): boolean {
  const p = row.process
  if (blank(p.connector) || blank(p.connection)) return false
  return p.identity !== '' || !(unmappable(row.source) || unmappable(row.target))
}

/** The key of the process a row names, as prune compares them; undefined when it names none. */
export function namedProcessKey(row: LineageRow): number | undefined {
  return namesProcess(row) ? processKey(row.process, processSuffix(partsOf(row))) : undefined
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

export interface RemovedProcess {
  pair: number
  suffix: string
  /** First line of the base version with it. */
  line: number
}

/**
 * The base version's processes that no head row has (read after the head), for prune: each once,
 * under the head's pair table. Past `maxNames` of them, the rest are only counted.
 */
export class BaseProcesses {
  readonly removed: RemovedProcess[] = []
  /** Removed processes not kept (past maxNames): prune cannot look them up. */
  notKept = 0
  private readonly seen = new KeyTable()
  private readonly headKeys: KeyTable

  constructor(
    private readonly head: TenantRows,
    private readonly maxNames = Infinity
  ) {
    if (!head.processKeys) throw new Error('BaseProcesses needs TenantRows with processKeys')
    this.headKeys = head.processKeys
  }

  /**
   * Takes out, and returns, the removed processes that `named` (keys from namedProcessKey) still
   * has: another CSV of the push names them, so their rows moved there.
   */
  takeNamedIn(named: KeyTable): RemovedProcess[] {
    const pairs = this.head.pairs.list
    const taken: RemovedProcess[] = []
    let left = 0
    for (const r of this.removed) {
      const { connector, name } = pairs[r.pair]
      if (named.has(processKey({ connector, connection: name }, r.suffix))) taken.push(r)
      else this.removed[left++] = r
    }
    this.removed.length = left
    return taken
  }

  readonly add = (row: LineageRow): void => {
    const p = row.process
    if (blank(p.connector) || blank(p.connection)) return
    if (unmappable(row.source) || unmappable(row.target)) return
    const suffix = processSuffix(partsOf(row))
    const key = processKey(p, suffix)
    if (this.headKeys.has(key) || !this.seen.set(key, 0)) return
    if (this.removed.length >= this.maxNames) {
      this.notKept++
      return
    }
    const pair = this.head.pairs.id({ connector: p.connector, name: p.connection }, row.line)
    this.removed.push({ pair, suffix, line: row.line })
  }
}
