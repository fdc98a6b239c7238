// Fault matrix (issue 14, point 3): every fault the simulator offers, injected at each stage of
// the action, each cell one run of the bundled dist/index.js against its own simulator. Every cell
// has an explicit expected outcome (`expected()`): recovered, a named clear error, or n/a with the
// reason, and the observed cell must match it. `runMatrix()` is shared with
// __tests__/faults/matrix.test.ts; run this file directly
// (`node --import tsx/esm scripts/fault-matrix.ts [stage…]`) for the table alone.
import { fileURLToPath } from 'node:url'
import {
  startSimulator,
  type Fault,
  type RecordedRequest,
  type Scenario,
  type Simulator
} from '../sim/server.js'
import { startAction, type ActionRun } from './action-runner.js'
import { leakForms } from './leak-forms.js'

export const STAGES = [
  'whoami',
  'resolve',
  'presign',
  'upload',
  'submit (rerun)',
  'submit (create)',
  'poll',
  'stop'
] as const
export type Stage = (typeof STAGES)[number]

export const FAULTS = [
  '401',
  '403',
  '404',
  '429',
  '500×2',
  '502×2',
  '503×2',
  '504×2',
  'reset',
  'slow',
  'malformed',
  'no-answer',
  'no-answer+lag',
  'index lag',
  'legacy'
] as const
export type FaultName = (typeof FAULTS)[number]

export const API_KEY = 'fault-matrix-key-5c1e9b'
const CSV = 'examples/lineage.csv'
/** Timings: every cell runs with these (short, so the 80 runs fit in well under a minute). */
export const TIMING = {
  requestTimeout: '1s',
  pollInterval: '1s',
  indexGrace: '2s',
  /** Poll stage: phase changes stay invisible past index_grace, and the run still ends in time. */
  indexLagMs: 6000,
  /**
   * Other stages: the new run (or workflow) must stay invisible for the whole cell, however slow a
   * loaded machine makes it; the action gives up after index_grace, so this costs no time.
   */
  hiddenMs: 60_000,
  /** Slow replies: past request_timeout. */
  slowMs: 1500,
  /** The stop stage: the run outlives this timeout, so on_timeout: cancel stops it. */
  stopTimeout: '2s'
}

const ROUTE: Record<Stage, Fault['route']> = {
  whoami: 'whoami',
  resolve: 'workflows.search',
  presign: 'presign',
  upload: 'upload',
  'submit (rerun)': 'rerun',
  'submit (create)': 'submit',
  poll: 'runs.search',
  stop: 'stop'
}

const SUBMIT_STAGES: readonly Stage[] = ['submit (rerun)', 'submit (create)']
const NO_INDEX = 'this stage does not read the search index'
const LEGACY_SERVED = 'served on a tenant without the legacy API (sim/README.md)'

/** Why a cell does not apply, or undefined when it does. */
export function notApplicable(stage: Stage, fault: FaultName): string | undefined {
  if ((fault === 'no-answer' || fault === 'no-answer+lag') && !SUBMIT_STAGES.includes(stage))
    return 'only a submit/rerun stores work the client never hears about'
  if (fault === 'index lag' && ['whoami', 'presign', 'upload', 'stop'].includes(stage))
    return NO_INDEX
  if (fault === 'legacy') {
    if (stage === 'whoami' || stage === 'presign' || stage === 'upload') return LEGACY_SERVED
    if (stage === 'stop')
      return 'the stop follows the final poll at once, so a removal is met by the poll first (poll row)'
  }
  return undefined
}

/** Causes an ::error:: line may name, first match wins. */
const CAUSES = [
  ['did not confirm submit', /did not confirm the submit/i],
  ['not in index', /did not appear in Atlan's search index/i],
  ['timed out', /did not finish within timeout/i],
  ['legacy', /legacy/i],
  ['401/token', /\b401\b/],
  ['403/permission', /\b403\b|permission/i],
  ['not found', /not found|\b404\b/i],
  ['rate limited', /rate-limited|\b429\b/i],
  ['server error', /server error|\b5\d\d\b/i],
  ['no answer', /did not answer .* within/i],
  ['unreadable reply', /cannot read/i],
  ['network', /could not reach|connection/i]
] as const satisfies ReadonlyArray<readonly [string, RegExp]>
export type Cause = (typeof CAUSES)[number][0]

/** A fix: something the user is told to do. */
const FIX =
  /\b(check|create|ask|retry|re-run|rerun|raise|set|report|contact|update|look for|fix|leave|use|remove|pass|give|point|run fewer)\b/i

/**
 * What a cell must do. `submits` counts submit+rerun requests; `runs` the runs the simulator
 * holds that did not exist before the step.
 */
export type Expected =
  | { outcome: 'n/a'; reason: string }
  | { outcome: 'recovered'; submits: number }
  | { outcome: 'clear error'; cause: Cause; runs: 0 | 1; submits: number; stopped?: boolean }

/** The expected outcome of every cell: the specification the matrix checks. */
export function expected(stage: Stage, fault: FaultName): Expected {
  const reason = notApplicable(stage, fault)
  if (reason) return { outcome: 'n/a', reason }
  const submit = SUBMIT_STAGES.includes(stage)
  const error = (
    cause: Cause,
    runs: 0 | 1 = 0,
    submits = submit ? 1 : 0
  ): Extract<Expected, { outcome: 'clear error' }> => ({
    outcome: 'clear error',
    cause,
    runs,
    submits
  })
  // The run outlives `timeout`; on_timeout: cancel must stop it unless Atlan refuses for good
  // (401/403/404), when the run is handed to the post step instead.
  if (stage === 'stop')
    return { ...error('timed out', 1, 1), stopped: !['401', '403', '404'].includes(fault) }
  // The poll stage comes after a successful rerun: one run, one submit.
  const afterRun = stage === 'poll'
  switch (fault) {
    case '401':
      return afterRun ? error('401/token', 1, 1) : error('401/token')
    case '403':
      return afterRun ? error('403/permission', 1, 1) : error('403/permission')
    case '404':
      // A 404 on a path every legacy tenant serves means the legacy surface is gone.
      if (stage === 'whoami' || stage === 'presign' || stage === 'upload') return error('not found')
      return afterRun ? error('legacy', 1, 1) : error('legacy')
    case '429':
      // A 429 is the one submit reply that proves the work was not done: resent after Retry-After.
      return { outcome: 'recovered', submits: submit ? 2 : 1 }
    case '500×2':
    case '502×2':
    case '503×2':
    case '504×2':
      // A submit is never resent blindly: no run appears, so the action stops and says so. Only a
      // 503 (the server did not take it) earns one more submit after the search.
      if (submit) return error('did not confirm submit', 0, fault === '503×2' ? 2 : 1)
      return { outcome: 'recovered', submits: 1 }
    case 'reset':
    case 'slow':
    case 'malformed':
    case 'no-answer':
      // Reads are retried; a submit whose reply was lost is found by the search that follows.
      return { outcome: 'recovered', submits: 1 }
    case 'no-answer+lag':
      // The run exists but stays invisible past index_grace: refuse to resubmit.
      return error('did not confirm submit', 1, 1)
    case 'index lag':
      if (stage === 'resolve') return error('not found')
      if (submit) return error('not in index', 1, 1)
      return { outcome: 'recovered', submits: 1 }
    case 'legacy':
      return afterRun ? error('legacy', 1, 1) : error('legacy')
  }
}

/** How the cell reads in the table and test names. */
export function describeExpected(e: Expected): string {
  if (e.outcome === 'n/a') return `n/a (${e.reason})`
  if (e.outcome === 'recovered') return `recovered, ${e.submits} submit(s)`
  const stop = e.stopped === undefined ? '' : e.stopped ? ', run stopped' : ', run handed over'
  return `error "${e.cause}", ${e.runs} run(s), ${e.submits} submit(s)${stop}`
}

export interface CellResult {
  stage: Stage
  fault: FaultName
  expected: Expected
  outcome: 'recovered' | 'clear error' | 'FAIL' | 'n/a'
  /** Cause named by the last ::error:: line (for clear errors). */
  cause?: Cause | '?'
  /** Runs the simulator holds that did not exist before this step. */
  newRuns: string[]
  submits: number
  phase?: string
  runId?: string
  code: number | null
  /** Stop stage: whether the simulator's run was stopped. */
  stopped?: boolean
  /** 429 cells: ms between the 429 reply's request and the next request of that route. */
  retryAfterGapMs?: number
  errorLines: string[]
  problems: string[]
  pass: boolean
  ms: number
  stdoutTail: string
}

/** The action's own text of an ::error:: line, without the bracketed request context. */
export function ownText(line: string): string {
  return line.replace(/^::error[^:]*::/, '').replace(/ \[(GET|POST|PUT) \/.*$/, '')
}

interface Plan {
  scenario: Partial<Scenario>
  inputs: Record<string, string>
  /** Faults armed before the action starts. */
  faults: Fault[]
  /** Something done once a request of `route` has been seen (and answered). */
  trigger?: { after: NonNullable<Fault['route']>; act(s: Simulator): void }
  /** Set-up on the simulator before the action starts. */
  setup?(s: Simulator): Promise<void>
  workflow?: string
}

function faultsFor(stage: Stage, fault: FaultName): Fault[] {
  const route = ROUTE[stage]
  switch (fault) {
    case '401':
    case '403':
    case '404':
      // The real conditions persist (bad token, missing permission, wrong URL).
      return [{ route, kind: 'status', status: Number(fault) as 401 | 403 | 404, count: -1 }]
    case '429':
      return [{ route, kind: 'status', status: 429, retryAfterSeconds: RETRY_AFTER_S, count: 1 }]
    case '500×2':
    case '502×2':
    case '503×2':
    case '504×2':
      return [
        {
          route,
          kind: 'status',
          status: Number(fault.slice(0, 3)) as 500 | 502 | 503 | 504,
          count: 2
        }
      ]
    case 'reset':
      // After the work was done: for a submit, the worst case (a run the client never heard of).
      return [{ route, kind: 'reset', perform: true, count: 1 }]
    case 'slow':
      return [{ route, kind: 'slow', delayMs: TIMING.slowMs, count: 1 }]
    case 'malformed':
      return [{ route, kind: 'malformed', count: 1 }]
    case 'no-answer':
    case 'no-answer+lag':
      return [{ route, kind: 'store-no-answer', count: 1 }]
    default:
      return []
  }
}

function plan(stage: Stage, fault: FaultName, s: Simulator): Plan {
  const common = {
    atlan_base_url: s.url,
    atlan_api_key: API_KEY,
    request_timeout: TIMING.requestTimeout,
    poll_interval: TIMING.pollInterval,
    index_grace: TIMING.indexGrace,
    timeout: '40s'
  }
  const p: Plan = { scenario: {}, inputs: common, faults: [] }
  if (stage === 'submit (create)') {
    p.inputs = { ...common, mode: 'create', lineage_file: CSV, prefix: 'lineage/sales' }
  } else {
    const wf = s.seed({
      prefix: 'lineage',
      key: 'orders.csv',
      runs:
        fault === 'index lag' && stage === 'resolve' ? [] : [{ phase: 'Succeeded', durationS: 2 }]
    })
    p.workflow = wf
    p.inputs =
      stage === 'stop'
        ? { ...common, workflow_name: wf, timeout: TIMING.stopTimeout, on_timeout: 'cancel' }
        : { ...common, workflow_name: wf, lineage_file: CSV }
    if (stage === 'stop') p.scenario.runningMs = 60_000
  }

  const lagNow = (x: Simulator) =>
    x.setScenario({ indexLagMs: stage === 'poll' ? TIMING.indexLagMs : TIMING.hiddenMs })
  const legacyNow = (x: Simulator) => x.setScenario({ legacyRemoved: true })
  if (stage === 'poll') {
    // Poll faults must hit the searches after the rerun, not the one before it.
    const faults = faultsFor(stage, fault)
    if (fault === 'index lag') p.trigger = { after: 'rerun', act: lagNow }
    else if (fault === 'legacy') p.trigger = { after: 'rerun', act: legacyNow }
    else p.trigger = { after: 'rerun', act: x => faults.forEach(f => x.addFault(f)) }
    return p
  }
  p.faults = faultsFor(stage, fault)
  if (fault === 'no-answer+lag' || (fault === 'index lag' && stage !== 'resolve'))
    p.scenario.indexLagMs = TIMING.hiddenMs
  if (fault === 'index lag' && stage === 'resolve') {
    // The workflow was first run a moment ago (e.g. in the UI): the run, and so the workflow,
    // is not searchable yet.
    p.setup = async x => {
      lagNow(x)
      const res = await fetch(`${x.url}/api/service/workflows/submit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          namespace: 'default',
          resourceKind: 'WorkflowTemplate',
          resourceName: p.workflow
        })
      })
      if (res.status !== 200) throw new Error(`set-up rerun answered ${res.status}`)
    }
  }
  if (fault === 'legacy') {
    if (stage === 'resolve' || stage === 'submit (create)') p.scenario.legacyRemoved = true
    else if (stage === 'submit (rerun)') {
      // Removed between the run search before the rerun and the rerun itself: whoami sits in
      // between, slowed (within request_timeout) so the switch lands there.
      p.faults = [{ route: 'whoami', kind: 'slow', delayMs: 400, count: 1 }]
      p.trigger = { after: 'whoami', act: legacyNow }
    }
  }
  return p
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function until(pred: () => boolean, done: () => boolean, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs
  while (!pred()) {
    if (done() || Date.now() > end) return false
    await sleep(5)
  }
  return true
}

function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter(l => l.startsWith('::error'))
}

function tail(text: string, lines = 12): string {
  return text
    .split('\n')
    .filter(l => l && !l.startsWith('::add-mask::') && !l.startsWith('::debug::'))
    .slice(-lines)
    .join('\n')
}

/** The gap after the first 429 of `route` to the next request of that route, if both came. */
function retryAfterGap(requests: readonly RecordedRequest[], route: string): number | undefined {
  const i = requests.findIndex(q => q.route === route && q.status === 429)
  if (i < 0) return undefined
  const next = requests.slice(i + 1).find(q => q.route === route)
  return next ? next.time - requests[i].time : undefined
}

/** Retry-After of the 429 cells (seconds); see faultsFor(). */
export const RETRY_AFTER_S = 1
/** Timers may fire a hair early relative to the request log's clock. */
const TIMER_SLACK_MS = 10

/** Compares what a cell did with what it must do; returns the differences. */
export function judge(r: CellResult, extra: { stoppedHandedOver: boolean }): string[] {
  const e = r.expected
  const problems: string[] = []
  if (e.outcome === 'n/a') return problems
  if (r.outcome !== e.outcome)
    problems.push(
      `expected ${describeExpected(e)}, got ${r.outcome} (exit ${r.code}, phase ${r.phase})`
    )
  if (r.submits !== e.submits)
    problems.push(`expected ${e.submits} submit/rerun request(s), saw ${r.submits}`)
  if (e.outcome === 'recovered') {
    // The followed run must be the one this step started, not one from before it.
    if (r.newRuns.length !== 1) problems.push(`expected 1 new run, saw ${r.newRuns.length}`)
    else if (r.runId !== r.newRuns[0])
      problems.push(`run_id is ${r.runId}, but the run this step started is ${r.newRuns[0]}`)
  } else {
    if (r.cause !== e.cause)
      problems.push(`expected the cause "${e.cause}", the error names "${r.cause ?? '-'}"`)
    if (r.newRuns.length !== e.runs)
      problems.push(`expected ${e.runs} new run(s), saw ${r.newRuns.length}`)
    if (r.phase === 'Succeeded') problems.push('an error reported with phase=Succeeded')
    if (e.stopped !== undefined && r.stopped !== e.stopped)
      problems.push(
        `expected the run ${e.stopped ? 'stopped' : 'left running'}, it was ${r.stopped ? 'stopped' : 'not stopped'}`
      )
    if (e.stopped === false && !extra.stoppedHandedOver)
      problems.push('the run was neither stopped nor handed to the post step')
  }
  if (r.fault === '429') {
    if (r.retryAfterGapMs === undefined) problems.push('no request followed the 429')
    else if (r.retryAfterGapMs < RETRY_AFTER_S * 1000 - TIMER_SLACK_MS)
      problems.push(
        `Retry-After: ${RETRY_AFTER_S} not honoured: the next request came after ${r.retryAfterGapMs} ms`
      )
  }
  return problems
}

export async function runCell(stage: Stage, fault: FaultName): Promise<CellResult> {
  const blank: CellResult = {
    stage,
    fault,
    expected: expected(stage, fault),
    outcome: 'n/a',
    newRuns: [],
    submits: 0,
    code: null,
    errorLines: [],
    problems: [],
    pass: true,
    ms: 0,
    stdoutTail: ''
  }
  if (blank.expected.outcome === 'n/a') return blank

  const t0 = Date.now()
  const s = await startSimulator({
    token: API_KEY,
    scenario: { pendingMs: 100, runningMs: 400, stopMs: 200 }
  })
  try {
    const p = plan(stage, fault, s)
    s.setScenario(p.scenario)
    await p.setup?.(s)
    const baseRequests = s.requests().length
    // The simulator's own record of runs: whatever is new after the step, this step started.
    const baseRuns = new Set(s.runs().map(r => r.name))
    for (const f of p.faults) s.addFault(f)

    // The cells judge outcomes and requests, not timing: back-off takes its shortest draw.
    const started = startAction({ inputs: p.inputs, timeoutMs: 60_000, minJitter: true })
    let finished = false
    const done = started.done.then(r => ((finished = true), r))
    const problems: string[] = []
    if (p.trigger) {
      const { after, act } = p.trigger
      const seen = await until(
        () =>
          s
            .requests()
            .slice(baseRequests)
            .some(q => q.route === after),
        () => finished
      )
      if (seen) act(s)
      else problems.push(`set-up: no ${after} request was seen, the fault was never injected`)
    }
    const run: ActionRun = await done

    const mine = s.requests().slice(baseRequests)
    const newRuns = s.runs().filter(r => !baseRuns.has(r.name))
    const errors = errorLines(run.stdout)
    const result: CellResult = {
      ...blank,
      outcome: 'FAIL',
      pass: false,
      newRuns: newRuns.map(r => r.name),
      submits: mine.filter(q => q.route === 'submit' || q.route === 'rerun').length,
      phase: run.outputs.phase,
      runId: run.outputs.run_id || undefined,
      code: run.code,
      errorLines: errors,
      stdoutTail: tail(run.stdout)
    }

    // The injected fault must have hit the stage's route (scenario faults excepted).
    const armed = p.faults.concat(
      stage === 'poll' && !['index lag', 'legacy'].includes(fault) ? faultsFor(stage, fault) : []
    )
    for (const f of armed)
      if (!mine.some(q => q.route === f.route && q.fault === f.kind))
        problems.push(`set-up: the ${f.kind} fault never hit ${f.route}`)

    if (run.code === 0 && result.phase === 'Succeeded') {
      result.outcome = 'recovered'
      const r = newRuns.find(x => x.name === result.runId)
      if (r && r.phase !== 'Succeeded')
        problems.push(`phase=Succeeded output, but run ${result.runId} is ${r.phase}`)
    } else if (run.code === 1 && errors.length > 0) {
      const own = ownText(errors[errors.length - 1])
      result.cause = CAUSES.find(([, re]) => re.test(own))?.[0] ?? '?'
      if (FIX.test(own)) result.outcome = 'clear error'
      else problems.push('the ::error:: line names no fix')
    } else
      problems.push(
        `neither recovered nor a clear error (exit ${run.code}, signal ${run.signal}, phase ${result.phase})`
      )
    if (run.code === 0 && result.phase !== 'Succeeded')
      problems.push(`exit 0 with phase=${result.phase}: a success without a succeeded run`)
    if (leakForms(API_KEY).some(form => run.everything.includes(form)))
      problems.push('the API key leaked')
    if (fault === '429') result.retryAfterGapMs = retryAfterGap(mine, ROUTE[stage] as string)

    let handedOver = false
    if (stage === 'stop') {
      result.stopped = newRuns[0]?.stopped ?? false
      // Not stopped: the action must say so and leave the run to the post step.
      handedOver = !!run.state.runInFlight && /post step will try again/.test(run.stdout)
      const stopFailed = /::warning::Could not stop run/.test(run.stdout)
      const last = errors.length ? ownText(errors[errors.length - 1]) : ''
      if (
        stopFailed &&
        !result.stopped &&
        !/could not|not stopped|failed to stop|still running|post step/i.test(last)
      )
        problems.push(
          'the stop failed (see ::warning::), yet the ::error:: line only says the run "was asked to stop"'
        )
      if (result.stopped && /it is still running/.test(run.stdout))
        problems.push('the run was stopped but the message says it is still running')
    }

    result.problems = [...problems, ...judge(result, { stoppedHandedOver: handedOver })]
    result.pass = result.problems.length === 0
    result.ms = Date.now() - t0
    return result
  } finally {
    await s.close()
  }
}

/**
 * Cells mostly wait on timers and the simulator; the CPU they use is the start of
 * dist/index.js, so eight at a time keep two cores busy without starving the simulator.
 */
export const DEFAULT_CONCURRENCY = 8

export interface MatrixOptions {
  concurrency?: number
  stages?: readonly Stage[]
  faults?: readonly FaultName[]
  onCell?(r: CellResult): void
}

export async function runMatrix(opts: MatrixOptions = {}): Promise<CellResult[]> {
  const cells: Array<[Stage, FaultName]> = []
  for (const st of opts.stages ?? STAGES) for (const f of opts.faults ?? FAULTS) cells.push([st, f])
  // Slowest cells first, so the tail of the pool is short.
  const weight = ([st, f]: [Stage, FaultName]) =>
    (notApplicable(st, f) ? 0 : 1) +
    (f.includes('lag') || st === 'poll' ? 2 : 0) +
    (SUBMIT_STAGES.includes(st) ? 1 : 0)
  const order = [...cells].sort((a, b) => weight(b) - weight(a))
  const results = new Map<string, CellResult>()
  let next = 0
  const worker = async () => {
    while (next < order.length) {
      const [st, f] = order[next++]
      const r = await runCell(st, f)
      results.set(`${st}|${f}`, r)
      opts.onCell?.(r)
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency ?? DEFAULT_CONCURRENCY }, worker))
  return cells.map(([st, f]) => results.get(`${st}|${f}`)!)
}

function short(r: CellResult): string {
  if (r.outcome === 'n/a') return 'n/a'
  const mark = r.pass ? '✅' : '❌'
  const what = r.outcome === 'clear error' ? `error: ${r.cause}` : r.outcome
  const stop = r.stopped === undefined ? '' : r.stopped ? ' · stopped' : ' · not stopped'
  return `${mark} ${what} · ${r.newRuns.length}r/${r.submits}s · ${r.phase ?? '-'}/${r.code}${stop}`
}

/** stage × fault, each cell: outcome · runs started/submit requests · phase/exit code. */
export function renderMatrix(results: readonly CellResult[]): string {
  const stages = [...new Set(results.map(r => r.stage))]
  const faults = [...new Set(results.map(r => r.fault))]
  const get = (st: Stage, f: FaultName) => results.find(r => r.stage === st && r.fault === f)
  const lines = [
    `| stage \\ fault | ${faults.join(' | ')} |`,
    `| --- | ${faults.map(() => '---').join(' | ')} |`,
    ...stages.map(
      st =>
        `| ${st} | ${faults
          .map(f => {
            const r = get(st, f)
            return r ? short(r) : ''
          })
          .join(' | ')} |`
    )
  ]
  const reasonOf = (r: CellResult) => (r.expected.outcome === 'n/a' ? r.expected.reason : '')
  const na = results.filter(reasonOf)
  const reasons = [...new Set(na.map(reasonOf))].map(
    why =>
      `- n/a: ${why} (${na
        .filter(r => reasonOf(r) === why)
        .map(r => `${r.stage} × ${r.fault}`)
        .join(', ')})`
  )
  const failed = results.filter(r => !r.pass)
  const failures = failed.map(
    r =>
      `- ❌ ${r.stage} × ${r.fault}: ${r.problems.join('; ')}\n  ${r.errorLines.join('\n  ') || '(no ::error:: line)'}\n` +
      r.stdoutTail
        .split('\n')
        .map(l => `    ${l}`)
        .join('\n')
  )
  const ran = results.filter(r => !reasonOf(r))
  return [
    '### Fault matrix',
    '',
    'Cell: outcome · runs started (r) / submit+rerun requests (s) · final phase / exit code. ✅ = as `expected()` specifies.',
    `Timings: request_timeout ${TIMING.requestTimeout}, poll_interval ${TIMING.pollInterval}, index_grace ${TIMING.indexGrace}, index lag ${TIMING.indexLagMs} ms (poll) or ${TIMING.hiddenMs} ms, slow ${TIMING.slowMs} ms; 401/403/404 persistent, 5xx twice, 429 (Retry-After ${RETRY_AFTER_S} s, honoured), reset (after the work), slow and malformed once.`,
    '',
    ...lines,
    '',
    `${ran.filter(r => r.pass).length}/${ran.length} cells pass (${na.length} n/a).`,
    ...reasons,
    ...(failures.length ? ['', 'Failures:', ...failures] : [])
  ].join('\n')
}

async function main(): Promise<void> {
  const t0 = Date.now()
  const only = process.argv.slice(2)
  const results = await runMatrix({
    stages: only.length ? STAGES.filter(s => only.includes(s)) : STAGES,
    onCell: r => {
      if (r.outcome !== 'n/a')
        process.stderr.write(`${r.pass ? 'ok  ' : 'FAIL'} ${r.stage} × ${r.fault} (${r.ms} ms)\n`)
    }
  })
  console.log(renderMatrix(results))
  console.log(`\n${((Date.now() - t0) / 1000).toFixed(1)} s`)
  process.exitCode = results.every(r => r.pass) ? 0 : 1
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main()
