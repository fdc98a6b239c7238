// Rows for unit tests of src/tenant: LineageRow objects fed to TenantRows / BaseProcesses as the
// CSV pass would (no CSV parsing).
import type { AssetRef, LineageRow } from '../../src/lineage/csv-types.js'
import { BaseProcesses, TenantRows } from '../../src/tenant/rows.js'
import { processSuffix } from '../../src/tenant/qualified-names.js'
import { partsOf } from '../../src/tenant/rows.js'

export interface RowSpec {
  line: number
  src: string
  tgt: string
  /** Connection of both sides (snowflake), default prod. */
  connection?: string
  /** The process's connection (dbt), default dbt-cloud. */
  procConnection?: string
  procConnector?: string
  /** Transformation Identity; '' for the MD5 rule. */
  identity?: string
  name?: string
  /** The source's Identity, default db/s/<src> ('' leaves the source unmappable). */
  srcIdentity?: string
}

function side(name: string, connection: string): AssetRef {
  return { type: 'Table', connector: 'snowflake', connection, identity: `db/s/${name}`, name }
}

export function lineageRow(r: RowSpec): LineageRow {
  return {
    line: r.line,
    source: { ...side(r.src, r.connection ?? 'prod'), identity: r.srcIdentity ?? `db/s/${r.src}` },
    target: side(r.tgt, r.connection ?? 'prod'),
    process: {
      connector: r.procConnector ?? 'dbt',
      connection: r.procConnection ?? 'dbt-cloud',
      identity: r.identity ?? `x_${r.src}_${r.tgt}`,
      name: r.name ?? `${r.src} > ${r.tgt}`
    },
    extra: {}
  }
}

/** The qualifiedName suffix the package gives the row's process (§10.6). */
export function suffixOf(r: RowSpec): string {
  return processSuffix(partsOf(lineageRow(r)))
}

/** Head rows, then base rows (when given), as the CSV pass feeds them. */
export function tenantRows(head: RowSpec[], base?: RowSpec[], maxNames?: number) {
  const rows = new TenantRows({ maxNames, processKeys: base !== undefined })
  for (const r of head) rows.add(lineageRow(r))
  const headPairs = rows.pairs.list.length
  const processes = base ? new BaseProcesses(rows, maxNames) : undefined
  for (const r of base ?? []) processes!.add(lineageRow(r))
  return { rows, headPairs, base: processes }
}
