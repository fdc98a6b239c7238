// Builders for LineageRow objects in preview tests (no CSV parsing).
import type { AssetRef, LineageRow } from '../../src/lineage/csv-types.js'

export function asset(name: string, over: Partial<AssetRef> = {}): AssetRef {
  return {
    type: 'Table',
    connector: 'snowflake',
    connection: 'prod',
    identity: `db/sch/${name}`,
    name,
    ...over
  }
}

let nextLine = 2

export function row(
  source: string | AssetRef,
  target: string | AssetRef,
  processName = `${typeof source === 'string' ? source : source.name} > ${typeof target === 'string' ? target : target.name}`,
  opts: {
    extra?: Record<string, string>
    identity?: string
    connection?: string
    line?: number
  } = {}
): LineageRow {
  return {
    line: opts.line ?? nextLine++,
    source: typeof source === 'string' ? asset(source) : source,
    target: typeof target === 'string' ? asset(target) : target,
    process: {
      connector: 'snowflake',
      connection: opts.connection ?? 'prod',
      identity: opts.identity ?? '',
      name: processName
    },
    extra: opts.extra ?? {}
  }
}

/** A chain-and-fan lineage of n rows: t0 → t1 → … with a few fan-outs, all one component. */
export function manyRows(n: number, prefix = 't'): LineageRow[] {
  const rows: LineageRow[] = []
  for (let i = 0; i < n; i++) {
    const src = i % 10 === 0 ? `${prefix}${Math.floor(i / 2)}` : `${prefix}${i}`
    rows.push(
      row(src, `${prefix}${i + 1}`, `job ${i}`, {
        extra: { sql: `select * from ${src}` },
        line: i + 2
      })
    )
  }
  return rows
}
