// The plan against the live tenant, before anything is uploaded: how each connection resolves
// (found, hidden from the token, ambiguous, proven missing, or not seen: docs/atlan-contract.md
// §10.8, §10.9), which rows the run will skip, which assets it will create or restore, which
// processes it will create, update or restore, and (prune) which processes of removed rows it
// would retire. A row under a connection the token cannot name is "not checked", never missing.
// Findings carry CSV lines.
import type { MetaApi } from '../atlan/meta.js'
import type { InputHandling } from '../config/types.js'
import type { Finding, Severity } from '../lineage/csv-types.js'
import { isNamed, resolveConnections, type ConnectionState } from './connections.js'
import { lookupQualifiedNames, type Found } from './lookup.js'
import { assetQualifiedName } from './qualified-names.js'
import type { BaseProcesses, TenantRows } from './rows.js'
import type { DebugLog } from './search.js'

/** Findings kept for the report; the counts keep counting past it. */
export const MAX_PLAN_FINDINGS = 200
/** Names listed per kind in the plan output (the counts are exact). */
export const MAX_LISTED = 100

export interface ConnectionIssue {
  connector: string
  name: string
  line: number
  nearMatches: string[]
}

export interface AmbiguousConnection {
  connector: string
  name: string
  line: number
  qualifiedNames: string[]
}

export interface Respelled {
  connector: string
  name: string
  /** How Atlan spells it (the run matches names without case). */
  atlanName: string
  line: number
}

export interface RetireCandidate {
  qualifiedName: string
  guid: string
  /** Line of the removed row in the base version. */
  baseLine: number
  /** When Atlan last wrote it, as the plan saw (epoch ms). */
  updateTime?: number
}

export interface PruneView {
  /** Processes of removed rows found in Atlan, soft-deleted after a Succeeded run. */
  candidates: RetireCandidate[]
  /** Why prune retires nothing at all (records not read whole). */
  blocked?: string
  /** Removed rows under a connection that is ambiguous or not visible: left alone. */
  notConsidered: number
  /** Removed rows whose process is not in Atlan under the name the package gives it. */
  notFound: number
}

/** Counts of the CSV's connection pairs by how they resolved. */
export type ConnectionCounts = Record<ConnectionState['kind'], number>

/** A limit of the whole check, said once (a notice or a warning, never per row). */
export interface Limit {
  severity: 'notice' | 'warning'
  text: string
}

export interface Plan {
  inputHandling: InputHandling
  /** When the plan began (epoch ms): prune skips processes written after it. */
  startedAt: number
  connections: ConnectionCounts
  connectionsMissing: ConnectionIssue[]
  connectionsUnseen: ConnectionIssue[]
  connectionsAmbiguous: AmbiguousConnection[]
  connectionsRespelled: Respelled[]
  limit?: Limit
  processesToCreate: number
  processesToUpdate: number
  processesToRestore: number
  rowsToSkip: number
  rowsNotChecked: number
  assetsToCreate: number
  assetsToRestore: number
  prune?: PruneView
  /** The first MAX_LISTED qualifiedNames of each kind. */
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
  /** Why prune may retire nothing (a record of the head or the base not read whole). */
  pruneBlocked?: string
  inputHandling: InputHandling
  /** case_sensitive_match as the run applies it: false compares assets without case. */
  caseSensitive: boolean
  log: DebugLog
  now: number
}

const SIDES = [
  { label: 'source', pair: 'srcPair', id: 'srcId', type: 'srcType' },
  { label: 'target', pair: 'tgtPair', id: 'tgtId', type: 'tgtType' }
] as const

class Findings {
  readonly list: Finding[] = []
  readonly counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 }
  add(f: Finding): void {
    this.counts[f.severity]++
    if (this.list.length < MAX_PLAN_FINDINGS) this.list.push(f)
  }
}

const label = (p: { connector: string; name: string }) =>
  `"${p.name}" with connector ${p.connector.toLowerCase()}`

function nearText(near: string[]): string {
  return near.length ? ` Near matches: ${near.join(', ')}.` : ''
}

function missingFinding(m: ConnectionIssue): Finding {
  return {
    severity: 'error',
    line: m.line,
    rule: 'connection-missing',
    message: `No ACTIVE connection ${label(m)} exists in Atlan (this tenant shows the token the connections it may not read, so it would have been listed): rows using it create no lineage.${nearText(m.nearMatches)}`,
    hint: m.nearMatches.length
      ? `Use the exact connector and connection name (e.g. ${m.nearMatches[0]}), or create the connection in Atlan first.`
      : 'Fix the Connector and Connection columns, or create the connection in Atlan first (the Lineage Builder does not create connections).'
  }
}

function unseenFinding(m: ConnectionIssue): Finding {
  return {
    severity: 'warning',
    line: m.line,
    rule: 'connection-not-visible',
    message: `No ACTIVE connection ${label(m)} was found in Atlan, or this token cannot see it: rows using it were not checked.${nearText(m.nearMatches)}`,
    hint: `Check the Connector and Connection columns${m.nearMatches.length ? ` (e.g. ${m.nearMatches[0]})` : ''}; if the connection exists, give the API token a persona with read access to it (Atlan: Admin → API access).`
  }
}

function ambiguousFinding(a: AmbiguousConnection): Finding {
  return {
    severity: 'warning',
    line: a.line,
    rule: 'connection-ambiguous',
    message: `${a.qualifiedNames.length} ACTIVE connections are named ${label(a)} (${a.qualifiedNames.join(', ')}): the run uses one of them, and no source says which. Rows using it were not checked, and prune leaves their processes alone.`,
    hint: 'Rename or archive the duplicate connection in Atlan.'
  }
}

function respelledFinding(r: Respelled): Finding {
  return {
    severity: 'notice',
    line: r.line,
    rule: 'connection-spelling',
    message: `The connection "${r.name}" (${r.connector.toLowerCase()}) is spelled "${r.atlanName}" in Atlan; the run matches connection names without case.`
  }
}

/** The one notice (or warning) when the token can check little or nothing (§10.8). */
function limitOf(
  forbidden: string | undefined,
  readable: number,
  counts: ConnectionCounts
): Limit | undefined {
  if (forbidden)
    return {
      severity: 'warning',
      text: `The tenant check is limited: ${forbidden} Nothing in the CSV was checked against the tenant, and the run goes ahead.`
    }
  if (readable > 0) return undefined
  const parts = ['The tenant check is limited: this API token can read no connection in Atlan.']
  if (counts.hidden + counts.ambiguous > 0)
    parts.push(
      `${counts.hidden + counts.ambiguous} of the CSV's connections exist but are hidden from it (Atlan shows their names only); their rows were checked by name.`
    )
  if (counts.unseen > 0)
    parts.push(
      `${counts.unseen} connection(s) could not be seen at all; their rows were not checked (not found, or not visible to this token).`
    )
  parts.push(
    'The run goes ahead. API tokens read assets only through personas: give the token a persona with read access to the connections to check everything.'
  )
  return { severity: 'notice', text: parts.join(' ') }
}

export async function buildPlan(meta: MetaApi, input: PlanInput): Promise<Plan> {
  const { rows, base, log } = input
  const pairs = rows.pairs.list
  const f = new Findings()
  const pruneBase = base && !input.pruneBlocked ? base : undefined
  const resolution = await resolveConnections(
    meta,
    pruneBase ? pairs : pairs.slice(0, input.headPairs),
    log
  )
  const states = resolution.states
  const counts: ConnectionCounts = { found: 0, hidden: 0, ambiguous: 0, missing: 0, unseen: 0 }
  const connectionsMissing: ConnectionIssue[] = []
  const connectionsUnseen: ConnectionIssue[] = []
  const connectionsAmbiguous: AmbiguousConnection[] = []
  const connectionsRespelled: Respelled[] = []
  for (let id = 0; id < input.headPairs; id++) {
    const s = states[id]
    counts[s.kind]++
    const p = { ...pairs[id], line: rows.pairs.firstLine[id] }
    if (s.kind === 'missing' || s.kind === 'unseen') {
      const issue = { ...p, nearMatches: s.nearMatches }
      ;(s.kind === 'missing' ? connectionsMissing : connectionsUnseen).push(issue)
    } else if (s.kind === 'ambiguous') {
      connectionsAmbiguous.push({ ...p, qualifiedNames: s.qualifiedNames })
    } else if (s.atlanName !== p.name) {
      connectionsRespelled.push({ ...p, atlanName: s.atlanName })
    }
  }
  const limit = limitOf(resolution.forbidden?.message, resolution.readable, counts)
  for (const m of connectionsMissing) f.add(missingFinding(m))
  // A limited check says so once; it does not repeat it for every connection.
  if (!limit) for (const m of connectionsUnseen) f.add(unseenFinding(m))
  for (const a of connectionsAmbiguous) f.add(ambiguousFinding(a))
  for (const r of connectionsRespelled) f.add(respelledFinding(r))

  const str = rows.strings.values
  const connQN = (pair: number) => {
    const s = states[pair]
    return isNamed(s) ? s.qualifiedName : undefined
  }
  const assetQN = (pair: number, id: number) => assetQualifiedName(connQN(pair)!, str[id])
  const processQN = (i: number) =>
    `${connQN(rows.get('procPair', i))}/${str[rows.get('procSuffix', i)]}`
  /** How a row's three connections resolve: skipped, not checked, or checkable. */
  const rowKind = (i: number): 'skip' | 'unchecked' | 'check' => {
    const ids = [rows.get('srcPair', i), rows.get('tgtPair', i), rows.get('procPair', i)]
    if (ids.some(p => p < 0 || states[p].kind === 'missing')) return 'skip'
    return ids.every(p => isNamed(states[p])) ? 'check' : 'unchecked'
  }

  // One lookup for every name: assets, processes and the removed rows' processes.
  const assetNames = new Set<string>()
  const processNames = new Set<string>()
  for (let i = 0; i < rows.count; i++) {
    if (rowKind(i) !== 'check') continue
    assetNames.add(assetQN(rows.get('srcPair', i), rows.get('srcId', i)))
    assetNames.add(assetQN(rows.get('tgtPair', i), rows.get('tgtId', i)))
    processNames.add(processQN(i))
  }
  const removed = pruneBase ? removedProcesses(input, states) : undefined
  for (const r of removed?.list ?? []) processNames.add(r.qualifiedName)
  const exact = await lookupQualifiedNames(meta, [...assetNames, ...processNames], log, {
    archived: true
  })
  processNames.clear()
  // case_sensitive_match false: assets not found as spelled are looked up without case.
  let noCase: Map<string, Found> | undefined
  let requests = resolution.requests + exact.requests
  if (!input.caseSensitive) {
    const rest = [...assetNames].filter(qn => !exact.found.has(qn))
    if (rest.length) {
      const res = await lookupQualifiedNames(meta, rest, log, { noCase: true, archived: true })
      noCase = res.found
      requests += res.requests
    }
  }
  assetNames.clear()
  const asset = (qn: string) => exact.found.get(qn) ?? noCase?.get(qn.toLowerCase())

  const create = new Set<string>()
  const update = new Set<string>()
  const restore = new Set<string>()
  const assets = new Set<string>()
  const assetsRestored = new Set<string>()
  const expected = new Map<string, number>()
  let rowsToSkip = 0
  let rowsNotChecked = 0
  const handling = input.inputHandling
  for (let i = 0; i < rows.count; i++) {
    const kind = rowKind(i)
    if (kind === 'skip') rowsToSkip++
    if (kind === 'unchecked') rowsNotChecked++
    if (kind !== 'check') continue
    const line = rows.get('line', i)
    const p = processQN(i)
    const sides = SIDES.map(k => {
      const qn = assetQN(rows.get(k.pair, i), rows.get(k.id, i))
      return { label: k.label, type: str[rows.get(k.type, i)], qn, hit: asset(qn) }
    })
    const absent = sides.filter(s => !s.hit || s.hit.archived)
    if (absent.length && handling === 'update') {
      rowsToSkip++
      const what = absent.map(s => `${s.label} ${s.qn}${s.hit ? ' (archived)' : ''}`).join(' and ')
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
      if (assets.has(s.qn) || assetsRestored.has(s.qn)) continue
      if (s.hit) {
        assetsRestored.add(s.qn)
        f.add({
          severity: 'notice',
          line,
          rule: 'asset-restore',
          message: `The ${s.label} ${s.type} ${s.qn} is archived in Atlan: the run will restore it.`
        })
        continue
      }
      assets.add(s.qn)
      const how = handling === 'upsert' ? 'full' : 'partial'
      f.add({
        severity: 'notice',
        line,
        rule: `asset-create-${how}`,
        message: `The ${s.label} ${s.type} ${s.qn} does not exist: the run will create it as a ${how} asset (input_handling: ${handling}).`
      })
    }
    if (!expected.has(p)) expected.set(p, line)
    const hit = exact.found.get(p)
    if (!hit) create.add(p)
    else if (hit.archived) restore.add(p)
    else update.add(p)
  }
  const prune = removed && {
    ...retireFrom(removed.list, exact.found),
    notConsidered: removed.notConsidered
  }
  const first = (s: Set<string>) => [...s].slice(0, MAX_LISTED)
  return {
    inputHandling: handling,
    startedAt: input.now,
    connections: counts,
    connectionsMissing,
    connectionsUnseen,
    connectionsAmbiguous,
    connectionsRespelled,
    limit,
    processesToCreate: create.size,
    processesToUpdate: update.size,
    processesToRestore: restore.size,
    rowsToSkip,
    rowsNotChecked,
    assetsToCreate: assets.size,
    assetsToRestore: assetsRestored.size,
    prune:
      prune ??
      (base && input.pruneBlocked
        ? { candidates: [], blocked: input.pruneBlocked, notConsidered: 0, notFound: 0 }
        : undefined),
    listed: { create: first(create), update: first(update), assets: first(assets) },
    findings: f.list,
    counts: f.counts,
    expected,
    requests
  }
}

/**
 * The base version's processes that no head row produces, compared by qualifiedName: the same
 * connection (however the CSV spells it) and the same suffix. Removed rows under a connection
 * that is ambiguous or not seen are only counted; under a missing one there is nothing to retire.
 */
function removedProcesses(input: PlanInput, states: ConnectionState[]) {
  const { rows, base } = input
  const str = rows.strings.values
  // One id per connection qualifiedName, so that pairs spelt differently compare equal.
  const ids = new Map<string, number>()
  const canon = (pair: number) => {
    const s = states[pair]
    if (!isNamed(s)) return undefined
    let id = ids.get(s.qualifiedName)
    if (id === undefined) ids.set(s.qualifiedName, (id = ids.size))
    return id
  }
  // Head processes by named connection, and (for the others) by the pair as the CSV spells it.
  const head = new Set<string>()
  const headRaw = new Set<string>()
  for (let i = 0; i < rows.count; i++) {
    const pair = rows.get('procPair', i)
    if (pair < 0) continue
    const suffix = str[rows.get('procSuffix', i)]
    const c = canon(pair)
    if (c !== undefined) head.add(`${c}\u0000${suffix}`)
    else headRaw.add(`${pair}\u0000${suffix}`)
  }
  const list: Array<{ qualifiedName: string; baseLine: number }> = []
  let notConsidered = 0
  for (const b of base!.byKey.values()) {
    const s = states[b.pair]
    if (s.kind === 'missing') continue
    if (!isNamed(s)) {
      if (!headRaw.has(`${b.pair}\u0000${b.suffix}`)) notConsidered++
      continue
    }
    if (head.has(`${canon(b.pair)}\u0000${b.suffix}`)) continue
    list.push({ qualifiedName: `${s.qualifiedName}/${b.suffix}`, baseLine: b.line })
  }
  return { list, notConsidered }
}

/** Removed rows' processes found ACTIVE as Process; the rest were not found under that name. */
function retireFrom(
  removed: Array<{ qualifiedName: string; baseLine: number }>,
  found: Map<string, Found>
): Omit<PruneView, 'notConsidered'> {
  const candidates: RetireCandidate[] = []
  let notFound = 0
  for (const r of removed) {
    const hit = found.get(r.qualifiedName)
    if (!hit || hit.archived || hit.typeName !== 'Process') {
      notFound++
      continue
    }
    candidates.push({ ...r, guid: hit.guid, updateTime: hit.updateTime })
  }
  return { candidates, notFound }
}

const firstOf = <T>(list: readonly T[]) => list.slice(0, MAX_LISTED)

/** The plan as the `plan` output: exact counts, and at most MAX_LISTED names of each kind. */
export function planJson(plan: Plan): Record<string, unknown> {
  const retire = plan.prune?.candidates ?? []
  return {
    inputHandling: plan.inputHandling,
    processesToCreate: plan.processesToCreate,
    processesToUpdate: plan.processesToUpdate,
    processesToRestore: plan.processesToRestore,
    rowsToSkip: plan.rowsToSkip,
    rowsNotChecked: plan.rowsNotChecked,
    assetsToCreate: plan.assetsToCreate,
    assetsToRestore: plan.assetsToRestore,
    connections: plan.connections,
    ...(plan.limit && { limited: plan.limit.text }),
    connectionsMissing: firstOf(plan.connectionsMissing),
    connectionsNotVisible: firstOf(plan.connectionsUnseen),
    connectionsAmbiguous: firstOf(plan.connectionsAmbiguous),
    connectionsRespelled: firstOf(plan.connectionsRespelled),
    processesToRetire: firstOf(retire).map(r => ({
      qualifiedName: r.qualifiedName,
      baseLine: r.baseLine
    })),
    ...(plan.prune && {
      prune: {
        ...(plan.prune.blocked && { blocked: plan.prune.blocked }),
        notConsidered: plan.prune.notConsidered,
        notFound: plan.prune.notFound
      }
    }),
    create: plan.listed.create,
    update: plan.listed.update,
    assets: plan.listed.assets,
    counts: {
      create: plan.processesToCreate,
      update: plan.processesToUpdate,
      assets: plan.assetsToCreate,
      processesToRetire: retire.length,
      connectionsMissing: plan.connectionsMissing.length,
      connectionsNotVisible: plan.connectionsUnseen.length,
      connectionsAmbiguous: plan.connectionsAmbiguous.length,
      connectionsRespelled: plan.connectionsRespelled.length
    },
    listLimit: MAX_LISTED
  }
}
