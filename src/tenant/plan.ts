// The plan against the live tenant, before anything is uploaded: which connections are missing,
// which rows the run will skip, which assets it will create, which processes it will create or
// update, and (prune) which processes of removed rows it would retire. Findings carry CSV lines.
import type { MetaApi } from '../atlan/meta.js'
import type { InputHandling } from '../config/types.js'
import type { Finding, Severity } from '../lineage/csv-types.js'
import { resolveConnections } from './connections.js'
import { lookupQualifiedNames } from './lookup.js'
import { assetQualifiedName } from './qualified-names.js'
import type { BaseProcesses, TenantRows } from './rows.js'

/** Findings kept for the report; the counts keep counting past it. */
export const MAX_PLAN_FINDINGS = 200
/** Names listed per category in the plan output and summary. */
export const MAX_LISTED = 50

export interface MissingConnection {
  connector: string
  name: string
  line: number
  nearMatches: string[]
}

export interface RetireCandidate {
  qualifiedName: string
  guid: string
  /** Line of the removed row in the base version. */
  baseLine: number
}

export interface Plan {
  inputHandling: InputHandling
  connectionsMissing: MissingConnection[]
  processesToCreate: number
  processesToUpdate: number
  rowsToSkip: number
  assetsToCreate: number
  processesToRetire: RetireCandidate[]
  /** First MAX_LISTED qualifiedNames of each kind. */
  listed: { create: string[]; update: string[]; assets: string[] }
  findings: Finding[]
  counts: Record<Severity, number>
  /** Every process the run should leave behind: qualifiedName → first CSV line. */
  expected: Map<string, number>
  requests: number
}

export interface PlanInput {
  rows: TenantRows
  /** Pair ids below this were used by the head CSV (base-only pairs come after). */
  headPairs: number
  base?: BaseProcesses
  inputHandling: InputHandling
}

class Findings {
  readonly list: Finding[] = []
  readonly counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 }
  add(f: Finding): void {
    this.counts[f.severity]++
    if (this.list.length < MAX_PLAN_FINDINGS) this.list.push(f)
  }
}

function missingConnectionFinding(m: MissingConnection): Finding {
  const near = m.nearMatches.length ? ` Near matches: ${m.nearMatches.join(', ')}.` : ''
  return {
    severity: 'error',
    line: m.line,
    rule: 'connection-missing',
    message: `No ACTIVE connection "${m.name}" with connector ${m.connector.toLowerCase()} exists in Atlan: rows using it create no lineage.${near}`,
    hint: m.nearMatches.length
      ? `Use the exact connector and connection name (e.g. ${m.nearMatches[0]}), or create the connection in Atlan first.`
      : 'Create the connection in Atlan first (the Lineage Builder does not create connections), or fix the Connector and Connection columns.'
  }
}

export async function buildPlan(meta: MetaApi, input: PlanInput): Promise<Plan> {
  const { rows, base } = input
  const pairs = rows.pairs.list
  const f = new Findings()
  const resolution = await resolveConnections(meta, base ? pairs : pairs.slice(0, input.headPairs))
  const connQN = resolution.qualifiedNames
  const connectionsMissing: MissingConnection[] = []
  for (let id = 0; id < input.headPairs; id++) {
    if (connQN[id] !== undefined) continue
    const m = {
      ...pairs[id],
      line: rows.pairs.firstLine[id],
      nearMatches: resolution.nearMatches.get(id) ?? []
    }
    connectionsMissing.push(m)
    f.add(missingConnectionFinding(m))
  }

  const str = rows.strings.values
  const assetQN = (pair: number, id: number) => assetQualifiedName(connQN[pair]!, str[id])
  const processQN = (i: number) => {
    const pair = rows.get('procPair', i)
    return pair < 0 || connQN[pair] === undefined
      ? undefined
      : `${connQN[pair]}/${str[rows.get('procSuffix', i)]}`
  }
  const mapped = (i: number) =>
    ['srcPair', 'tgtPair'].every(k => {
      const p = rows.get(k as 'srcPair', i)
      return p >= 0 && connQN[p] !== undefined
    })

  // One lookup for every name: assets, processes and the removed rows' processes.
  const names = new Set<string>()
  for (let i = 0; i < rows.count; i++) {
    if (!mapped(i)) continue
    names.add(assetQN(rows.get('srcPair', i), rows.get('srcId', i)))
    names.add(assetQN(rows.get('tgtPair', i), rows.get('tgtId', i)))
    const p = processQN(i)
    if (p) names.add(p)
  }
  // The head's process keys, only when there is a base to compare with (prune).
  const headKeys = new Set<string>()
  for (let i = 0; base && i < rows.count; i++) {
    const pair = rows.get('procPair', i)
    if (pair >= 0) headKeys.add(`${pair}\u0000${str[rows.get('procSuffix', i)]}`)
  }
  const removed: Array<{ qualifiedName: string; baseLine: number }> = []
  for (const [key, b] of base?.byKey ?? []) {
    if (headKeys.has(key) || connQN[b.pair] === undefined) continue
    removed.push({ qualifiedName: `${connQN[b.pair]}/${b.suffix}`, baseLine: b.line })
  }
  for (const r of removed) names.add(r.qualifiedName)
  const lookup = await lookupQualifiedNames(meta, names)
  names.clear()
  const exists = (qn: string) => lookup.found.has(qn)

  const create = new Set<string>()
  const update = new Set<string>()
  const assets = new Set<string>()
  const expected = new Map<string, number>()
  let rowsToSkip = 0
  const handling = input.inputHandling
  for (let i = 0; i < rows.count; i++) {
    const line = rows.get('line', i)
    const p = processQN(i)
    if (!mapped(i) || !p) {
      rowsToSkip++
      continue
    }
    const sides = [
      {
        label: 'source',
        pair: rows.get('srcPair', i),
        id: rows.get('srcId', i),
        type: rows.get('srcType', i)
      },
      {
        label: 'target',
        pair: rows.get('tgtPair', i),
        id: rows.get('tgtId', i),
        type: rows.get('tgtType', i)
      }
    ].map(s => ({ ...s, qn: assetQN(s.pair, s.id) }))
    const absent = sides.filter(s => !exists(s.qn))
    if (absent.length && handling === 'update') {
      rowsToSkip++
      const what = absent.map(s => `${s.label} ${s.qn}`).join(' and ')
      f.add({
        severity: 'warning',
        line,
        rule: 'row-will-be-skipped',
        message: `Row ${line} will be skipped: ${what} ${absent.length > 1 ? 'do' : 'does'} not exist (input_handling: update).`,
        hint: 'Create the asset first, fix its Identity, or use input_handling: partial to create it as a partial asset.'
      })
      continue
    }
    for (const s of absent) {
      if (assets.has(s.qn)) continue
      assets.add(s.qn)
      const kind = handling === 'upsert' ? 'full' : 'partial'
      f.add({
        severity: 'notice',
        line,
        rule: `asset-create-${kind}`,
        message: `The ${s.label} ${str[s.type]} ${s.qn} does not exist: the run will create it as a ${kind} asset (input_handling: ${handling}).`
      })
    }
    if (!expected.has(p)) expected.set(p, line)
    if (exists(p)) update.add(p)
    else create.add(p)
  }
  const retire: RetireCandidate[] = removed.flatMap(r => {
    const hit = lookup.found.get(r.qualifiedName)
    return hit && hit.typeName === 'Process' ? [{ ...r, guid: hit.guid }] : []
  })
  const first = (s: Set<string>) => [...s].slice(0, MAX_LISTED)
  return {
    inputHandling: handling,
    connectionsMissing,
    processesToCreate: create.size,
    processesToUpdate: update.size,
    rowsToSkip,
    assetsToCreate: assets.size,
    processesToRetire: retire,
    listed: { create: first(create), update: first(update), assets: first(assets) },
    findings: f.list,
    counts: f.counts,
    expected,
    requests: resolution.requests + lookup.requests
  }
}

/** The plan as the `plan` output: counts and the first names of each kind. */
export function planJson(plan: Plan): Record<string, unknown> {
  return {
    inputHandling: plan.inputHandling,
    processesToCreate: plan.processesToCreate,
    processesToUpdate: plan.processesToUpdate,
    rowsToSkip: plan.rowsToSkip,
    assetsToCreate: plan.assetsToCreate,
    connectionsMissing: plan.connectionsMissing,
    processesToRetire: plan.processesToRetire.map(r => ({
      qualifiedName: r.qualifiedName,
      baseLine: r.baseLine
    })),
    create: plan.listed.create,
    update: plan.listed.update,
    assets: plan.listed.assets
  }
}
