// The plan against the live tenant, before anything is uploaded: how each connection resolves
// (found, hidden from the token, ambiguous, proven missing, or not seen: docs/atlan-contract.md
// §10.8, §10.9), which rows the run will skip, which assets it will create or restore, which
// processes it will create, update or restore, and (prune) which processes of removed rows it
// would retire. A row under a connection the token cannot name is "not checked", never missing.
// Findings carry CSV lines. The work is bounded by tenant_search_limit: the connections of every
// row are checked, then the removed rows' processes (prune), then the rows' assets and processes
// chunk by chunk in CSV order while the searches last; the plan says which lines it covered.
import type { MetaApi } from '../atlan/meta.js'
import type { InputHandling } from '../config/types.js'
import type { Finding, Severity } from '../lineage/csv-types.js'
import { MAX_SHOULD, MAX_TERMS } from '../atlan/meta.js'
import { isNamed, resolveConnections, type ConnectionState } from './connections.js'
import { CheckedNames, MAX_IN_FLIGHT, SearchBudget } from './lookup.js'
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
  /** Removed rows whose process was not looked up: tenant_search_limit was reached. */
  pastLimit: number
}

/** Counts of the CSV's connection pairs by how they resolved. */
export type ConnectionCounts = Record<ConnectionState['kind'], number>

/** Which rows the plan looked up in the tenant: the first `rows` (tenant_search_limit). */
export interface Coverage {
  searchLimit: number
  /** The first rows whose assets and processes were looked up (all rows when not limited). */
  rows: number
  /** Rows in the CSV. */
  of: number
  /** CSV lines of the first and the last row looked up (0: none). */
  firstLine: number
  lastLine: number
  /** Rows after it whose connections resolve, so they needed a look-up they did not get. */
  rowsNotLookedUp: number
  /** Said once, in the summary and the log, when the limit left rows out. */
  text?: string
}

/** A limit of the whole check, said once (a notice or a warning, never per row). */
export interface Limit {
  severity: 'notice' | 'warning'
  text: string
}

export interface Plan {
  inputHandling: InputHandling
  /** case_sensitive_match as the run applies it: verify matches processes as the run does. */
  caseSensitive: boolean
  /** When the plan began (epoch ms): prune skips processes written after it. */
  startedAt: number
  connections: ConnectionCounts
  connectionsMissing: ConnectionIssue[]
  connectionsUnseen: ConnectionIssue[]
  connectionsAmbiguous: AmbiguousConnection[]
  connectionsRespelled: Respelled[]
  limit?: Limit
  coverage: Coverage
  processesToCreate: number
  processesToUpdate: number
  processesToRestore: number
  rowsToSkip: number
  /** Of those, rows that name a connection Atlan proves missing (connection-missing findings). */
  rowsMissingConnection: number
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
  /** A rerun's workflow: its stored input handling is what the run applies, not the input. */
  rerunOf?: string
  /** case_sensitive_match as the run applies it: false compares assets without case. */
  caseSensitive: boolean
  /** tenant_search_limit. */
  searchLimit: number
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
  // A CSV naming no connection has nothing to check: no notice about what the token can read.
  const named = Object.values(counts).reduce((a, b) => a + b, 0)
  if (readable > 0 || named === 0) return undefined
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

  const budget = new SearchBudget(input.searchLimit)
  budget.spend(resolution.requests) // every row's connections are checked, past the limit too
  const names = new CheckedNames(meta, log, budget, input.caseSensitive)

  const str = rows.strings.values
  const connQN = (pair: number) => {
    const s = states[pair]
    return isNamed(s) ? s.qualifiedName : undefined
  }
  const assetQN = (pair: number, id: number) => assetQualifiedName(connQN(pair)!, str[id])
  const processQN = (i: number) =>
    `${connQN(rows.get('procPair', i))}/${str[rows.get('procSuffix', i)]}`
  /** How a row's three connections resolve: skipped, not checked, or checkable. */
  const pairsOf = (i: number) => [
    rows.get('srcPair', i),
    rows.get('tgtPair', i),
    rows.get('procPair', i)
  ]
  const namesMissing = (i: number) => pairsOf(i).some(p => p >= 0 && states[p].kind === 'missing')
  const rowKind = (i: number): 'skip' | 'unchecked' | 'check' => {
    const ids = pairsOf(i)
    if (ids.some(p => p < 0 || states[p].kind === 'missing')) return 'skip'
    return ids.every(p => isNamed(states[p])) ? 'check' : 'unchecked'
  }
  // A chunk of MAX_TERMS names takes at most this many searches: exact names ACTIVE, then
  // archived; without case the assets again, MAX_SHOULD a search, ACTIVE and archived.
  const worstCase = input.caseSensitive ? 2 : 2 + (2 * MAX_TERMS) / MAX_SHOULD
  /**
   * Names the next chunk may hold: as many thousands as the searches left answer in the worst
   * case (at most MAX_IN_FLIGHT at a time), else one thousand that may be answered whole (all
   * found ACTIVE) while any search is left. So the plan stops only when its searches run out.
   */
  const chunkSize = () => {
    const sure = Math.floor(budget.left / worstCase)
    return Math.min(MAX_IN_FLIGHT, sure || Math.min(budget.left, 1)) * MAX_TERMS
  }

  // Prune's removed processes first: a delete needs its process found, and they are few.
  const removed = pruneBase ? removedProcesses(pruneBase, states) : undefined
  let removedChecked = 0
  while (removed && removedChecked < removed.list.length) {
    const chunk = removed.list
      .slice(removedChecked, removedChecked + chunkSize())
      .map(r => r.qualifiedName)
    if (!chunk.length || !(await names.check([], chunk, false))) break
    removedChecked += chunk.length
  }

  // Then the rows in CSV order, a chunk of new names at a time, while the searches last.
  let covered = 0
  while (covered < rows.kept) {
    const size = chunkSize()
    const assets = new Set<string>()
    const processes = new Set<string>()
    let end = covered
    for (; end < rows.kept; end++) {
      if (rowKind(end) !== 'check') continue
      const a = [
        assetQN(rows.get('srcPair', end), rows.get('srcId', end)),
        assetQN(rows.get('tgtPair', end), rows.get('tgtId', end))
      ].filter(qn => !names.has(qn) && !assets.has(qn))
      const p = [processQN(end)].filter(qn => !names.has(qn) && !processes.has(qn))
      if (assets.size + processes.size + a.length + p.length > size) break
      for (const qn of a) assets.add(qn)
      for (const qn of p) processes.add(qn)
    }
    if (end === covered) break
    if (assets.size + processes.size > 0 && !(await names.check([...assets], [...processes]))) break
    covered = end
  }

  const create = new Set<string>()
  const update = new Set<string>()
  const restore = new Set<string>()
  const assets = new Set<string>()
  const assetsRestored = new Set<string>()
  const expected = new Map<string, number>()
  let rowsToSkip = 0
  let rowsMissingConnection = 0
  let rowsNotChecked = 0
  let rowsNotLookedUp = 0
  const handling = input.inputHandling
  // Where the setting lives: the input for a create, the workflow's stored value for a rerun.
  const handlingSource = input.rerunOf
    ? `workflow ${input.rerunOf} stores input handling ${handling}`
    : `input_handling: ${handling}`
  const toPartial = input.rerunOf
    ? `change workflow ${input.rerunOf}'s input handling (lineage_upsert_semantic) to partial in Atlan to create it as a partial asset: a rerun applies the stored setting, not the input input_handling.`
    : 'use input_handling: partial to create it as a partial asset.'
  for (let i = 0; i < rows.count; i++) {
    const kind = rowKind(i)
    if (kind === 'skip') rowsToSkip++
    if (kind === 'skip' && namesMissing(i)) rowsMissingConnection++
    if (kind === 'unchecked') rowsNotChecked++
    if (kind !== 'check') continue
    if (i >= covered) {
      rowsNotLookedUp++
      continue
    }
    const line = rows.get('line', i)
    const p = processQN(i)
    const sides = SIDES.map(k => {
      const qn = assetQN(rows.get(k.pair, i), rows.get(k.id, i))
      return {
        label: k.label,
        type: rows.types.values[rows.get(k.type, i)],
        qn,
        hit: names.matched(qn)
      }
    })
    const absent = sides.filter(s => !s.hit || s.hit.archived)
    if (absent.length && handling === 'update') {
      rowsToSkip++
      const what = absent.map(s => `${s.label} ${s.qn}${s.hit ? ' (archived)' : ''}`).join(' and ')
      f.add({
        severity: 'warning',
        line,
        rule: 'row-will-be-skipped',
        message: `Row ${line} will be skipped: ${what} ${absent.length > 1 ? 'do' : 'does'} not exist (${handlingSource}).`,
        hint: `Create the asset first, fix its Identity, or ${toPartial}`
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
        message: `The ${s.label} ${s.type} ${s.qn} does not exist: the run will create it as a ${how} asset (${handlingSource}).`
      })
    }
    if (!expected.has(p)) expected.set(p, line)
    const hit = names.matched(p)
    if (!hit) create.add(p)
    else if (hit.archived) restore.add(p)
    else update.add(p)
  }
  const prune = removed && {
    ...retireFrom(removed.list.slice(0, removedChecked), names),
    notConsidered: removed.notConsidered,
    pastLimit: removed.list.length - removedChecked + pruneBase!.notKept
  }
  const coverage: Coverage = {
    searchLimit: input.searchLimit,
    rows: covered,
    of: rows.count,
    firstLine: covered > 0 ? rows.get('line', 0) : 0,
    lastLine: covered > 0 ? rows.get('line', covered - 1) : 0,
    rowsNotLookedUp
  }
  coverage.text = coverageText(coverage, prune?.pastLimit ?? 0)
  const first = (s: Set<string>) => [...s].slice(0, MAX_LISTED)
  return {
    inputHandling: handling,
    caseSensitive: input.caseSensitive,
    startedAt: input.now,
    connections: counts,
    connectionsMissing,
    connectionsUnseen,
    connectionsAmbiguous,
    connectionsRespelled,
    limit,
    coverage,
    processesToCreate: create.size,
    processesToUpdate: update.size,
    processesToRestore: restore.size,
    rowsToSkip,
    rowsMissingConnection,
    rowsNotChecked,
    assetsToCreate: assets.size,
    assetsToRestore: assetsRestored.size,
    prune:
      prune ??
      (base && input.pruneBlocked
        ? {
            candidates: [],
            blocked: input.pruneBlocked,
            notConsidered: 0,
            notFound: 0,
            pastLimit: 0
          }
        : undefined),
    listed: { create: first(create), update: first(update), assets: first(assets) },
    findings: f.list,
    counts: f.counts,
    expected,
    requests: resolution.requests + names.requests
  }
}

/** What tenant_search_limit left out, in a sentence or two; undefined when it left out nothing. */
function coverageText(c: Coverage, removedPastLimit: number): string | undefined {
  if (c.rowsNotLookedUp === 0 && removedPastLimit === 0) return undefined
  const n = (x: number) => x.toLocaleString('en-US')
  const lines = `lines ${n(c.firstLine)}–${n(c.lastLine)}`
  const rows =
    c.rowsNotLookedUp === 0
      ? ''
      : c.rows > 0
        ? `, and the assets and processes of the ${n(c.rows)} rows on ${lines}; those of ${n(c.rowsNotLookedUp)} row(s) after line ${n(c.lastLine)} were not looked up, so the plan's counts cover ${lines} only`
        : `, and the assets and processes of none: ${n(c.rowsNotLookedUp)} row(s) were not looked up`
  const prune =
    removedPastLimit > 0
      ? ` The processes of ${n(removedPastLimit)} removed row(s) were not looked up: prune leaves them alone.`
      : ''
  return `The tenant check stopped at tenant_search_limit (${n(c.searchLimit)} searches): it checked the connections of all ${n(c.of)} rows${rows}.${prune} Raise tenant_search_limit to check more.`
}

/**
 * The base version's processes that no head row has (BaseProcesses compared them by connection
 * and suffix), named under their resolved connection. Removed rows under a connection that is
 * ambiguous or not seen are only counted; under a missing one there is nothing to retire.
 */
function removedProcesses(base: BaseProcesses, states: ConnectionState[]) {
  const list: Array<{ qualifiedName: string; baseLine: number }> = []
  let notConsidered = 0
  for (const b of base.removed) {
    const s = states[b.pair]
    if (s.kind === 'missing') continue
    if (!isNamed(s)) notConsidered++
    else list.push({ qualifiedName: `${s.qualifiedName}/${b.suffix}`, baseLine: b.line })
  }
  return { list, notConsidered }
}

/** Removed rows' processes found ACTIVE as Process; the rest were not found under that name. */
function retireFrom(
  removed: Array<{ qualifiedName: string; baseLine: number }>,
  names: CheckedNames
): Omit<PruneView, 'notConsidered' | 'pastLimit'> {
  const candidates: RetireCandidate[] = []
  let notFound = 0
  for (const r of removed) {
    const hit = names.spelled(r.qualifiedName)
    if (!hit || hit.archived || hit.typeName !== 'Process') {
      notFound++
      continue
    }
    candidates.push({ ...r, guid: hit.guid, updateTime: hit.updateTime })
  }
  return { candidates, notFound }
}

/**
 * The plan as the `plan` output: exact counts, and at most MAX_LISTED names of each kind (fewer
 * when they would pass `maxBytes` of UTF-8, which is what GitHub's limit counts).
 */
export function planJson(plan: Plan, maxBytes = MAX_PLAN_JSON): Record<string, unknown> {
  // GitHub takes at most 1 MB per output: names come from the CSV and the tenant, so each is cut
  // and, if the lists still weigh too much, they are shortened (listLimit says to what).
  for (let limit = MAX_LISTED; ; limit = Math.floor(limit / 2)) {
    const json = bounded(planJsonListing(plan, limit)) as Record<string, unknown>
    if (limit === 0 || Buffer.byteLength(JSON.stringify(json)) <= maxBytes) return json
  }
}

/** Bytes of UTF-8 under GitHub's 1 MB limit per step output, with room for the framing. */
const MAX_PLAN_JSON = 900_000
/** Longest name the plan output keeps whole; longer ones end in an ellipsis. */
const MAX_NAME = 1_000
/** Near matches and ambiguous qualifiedNames kept per connection. */
const MAX_NESTED = 5

/** Every string cut to MAX_NAME characters, every nested list to MAX_NESTED items. */
function bounded(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.length > MAX_NAME ? `${value.slice(0, MAX_NAME - 1)}…` : value
  if (Array.isArray(value))
    return (depth >= 1 ? value.slice(0, MAX_NESTED) : value).map(v => bounded(v, depth + 1))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bounded(v, depth)]))
  return value
}

function planJsonListing(plan: Plan, limit: number): Record<string, unknown> {
  const firstOf = <T>(list: readonly T[]) => list.slice(0, limit)
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
    searchLimit: plan.coverage.searchLimit,
    covered: {
      rows: plan.coverage.rows,
      of: plan.coverage.of,
      firstLine: plan.coverage.firstLine,
      lastLine: plan.coverage.lastLine,
      rowsNotLookedUp: plan.coverage.rowsNotLookedUp
    },
    ...(plan.coverage.text && { searchLimitReached: plan.coverage.text }),
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
        notFound: plan.prune.notFound,
        pastLimit: plan.prune.pastLimit
      }
    }),
    create: firstOf(plan.listed.create),
    update: firstOf(plan.listed.update),
    assets: firstOf(plan.listed.assets),
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
    listLimit: limit
  }
}
