// What a Succeeded Lineage Builder run writes to the asset store (docs/atlan-contract.md §6.2,
// §10.6, §10.9): resolve each side's connection as the package does (connector lowercased, name
// without case), create or skip missing assets by lineage_upsert_semantic (an archived one is
// restored), and upsert one Process per row under the package's qualifiedName rule.
// Written independently of the action's src/tenant so that verification checks something real.
import { createHash } from 'node:crypto'
import type { AssetStore } from './assets.js'
import { parseCsv } from './csv-rules.js'
import type { Run, SimState } from './state.js'
import { paramValue } from './workflows.js'

export interface ApplySummary {
  processes: number
  assetsCreated: number
  rowsSkipped: number
}

const SIDES = ['Source', 'Target'] as const

function flag(v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null || v === '') return fallback
  return String(v).toLowerCase() === 'true'
}

/** The CSV rows of `text` applied to `store` with the run's options. */
export function applyLineageCsv(
  store: AssetStore,
  text: string,
  opts: {
    semantic: string
    caseSensitive: boolean
    separator: string
    lagMs: number
    /** When the writes happened (epoch ms; default now): a test's older run. */
    at?: number
  }
): ApplySummary {
  const at = opts.at ?? Date.now()
  const out: ApplySummary = { processes: 0, assetsCreated: 0, rowsSkipped: 0 }
  const records = parseCsv(text, opts.separator)
  const first = records.next()
  if (first.done) return out
  const header = first.value.fields
  const col = (name: string) => header.indexOf(name)
  for (const r of records) {
    if (r.fields.length !== header.length || r.fields.every(f => f.trim() === '')) continue
    const get = (name: string) => (col(name) >= 0 ? r.fields[col(name)] : '')
    const sides = SIDES.map(p => {
      const connector = get(`${p} Connector`)
      const connection = get(`${p} Connection`)
      const ref = `{{${connector.toLowerCase()}/${connection}}}`
      const conn = connector && connection ? store.connection(connector, connection) : undefined
      const identity = get(`${p} Identity`)
      const type = get(`${p} Type`)
      return {
        type,
        name: get(`${p} Name`),
        unresolved: `${ref}/${identity}`,
        conn,
        qualifiedName: conn && identity && type ? `${conn.qualifiedName}/${identity}` : undefined
      }
    })
    const tConnector = get('Transformation Connector')
    const tConnection = get('Transformation Connection')
    const tConn = tConnector && tConnection ? store.connection(tConnector, tConnection) : undefined
    if (!tConn || sides.some(s => !s.qualifiedName)) {
      out.rowsSkipped++
      continue
    }
    const existing = sides.map(s => store.active(s.qualifiedName!, opts.caseSensitive))
    if (opts.semantic === 'update' && existing.some(e => !e)) {
      out.rowsSkipped++
      continue
    }
    const qns = sides.map((s, i) => {
      if (existing[i]) return existing[i].qualifiedName
      out.assetsCreated++
      store.put(
        {
          typeName: s.type,
          qualifiedName: s.qualifiedName!,
          name: s.name,
          connectorName: s.conn!.connectorName,
          connectionQualifiedName: s.conn!.qualifiedName,
          partial: opts.semantic !== 'upsert'
        },
        opts.lagMs,
        at
      )
      return s.qualifiedName!
    })
    const name = get('Transformation Name')
    const identity = get('Transformation Identity')
    const tRef = `{{${tConnector.toLowerCase()}/${tConnection}}}`
    const suffix =
      identity ||
      createHash('md5')
        .update(name + tRef + sides[0].unresolved + sides[1].unresolved, 'utf8')
        .digest('hex')
    if (store.dropProcesses > 0) {
      store.dropProcesses--
      continue
    }
    const qualifiedName = `${tConn.qualifiedName}/${suffix}`
    // Without case, and unless assets are created in full, the importer matches every asset it
    // writes, processes too, and writes a match under its stored name (§10.9).
    const stored =
      opts.caseSensitive || opts.semantic === 'upsert'
        ? undefined
        : store.active(qualifiedName, false)
    store.put(
      {
        typeName: 'Process',
        qualifiedName: stored?.qualifiedName ?? qualifiedName,
        name,
        connectorName: tConn.connectorName,
        connectionQualifiedName: tConn.qualifiedName,
        inputs: [qns[0]],
        outputs: [qns[1]]
      },
      opts.lagMs,
      at
    )
    out.processes++
  }
  return out
}

/** Called when a run ends Succeeded: applies the file the run read when it started. */
export function applyLineageRun(state: SimState, run: Run): ApplySummary | undefined {
  if (!run.tenantStore) return undefined
  const bytes = run.read?.bytes
  if (!bytes) return undefined
  const sep = paramValue(run.parameters, 'field_separator')
  return applyLineageCsv(state.assets, bytes.toString('utf8'), {
    semantic: String(paramValue(run.parameters, 'lineage_upsert_semantic') ?? 'partial'),
    caseSensitive: flag(paramValue(run.parameters, 'lineage_case_sensitive'), true),
    separator: typeof sep === 'string' && sep.length === 1 ? sep : ',',
    lagMs: state.scenario.indexLagMs
  })
}
