// Run timelines: Pending → Running → terminal on real timers, stop, and the run documents.
import { randomInt, randomUUID } from 'node:crypto'
import { lineageOutcome } from './csv-rules.js'
import { applyLineageRun } from './lineage-apply.js'
import type { Run, SimState, Snapshot, StoredWorkflow } from './state.js'
import { formatTs } from './time.js'
import type { Phase, RunInfo, SeedRun, TerminalPhase } from './types.js'
import { readRunInput, sha256 } from './direct.js'
import { isTenantStore, paramValue, workflowParameters } from './workflows.js'

/** Argo's own message for a stopped workflow. */
export const STOPPED_MESSAGE = "Stopped with strategy 'Stop'"

const creators = { token: 'service-account-apikey-sim', admin: 'sim-admin', user: 'sim-user' }
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'

export function isTerminal(phase: Phase): phase is TerminalPhase {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error'
}

function runName(state: SimState, workflow: string): string {
  for (;;) {
    const suffix = Array.from({ length: 5 }, () => alphabet[randomInt(alphabet.length)]).join('')
    const name = `${workflow}-${suffix}`
    if (!state.runs.has(name)) return name
  }
}

/** Seconds of this workflow's last Succeeded run, as Argo fills estimatedDuration. */
function lastSuccessSeconds(state: SimState, workflow: string): number | undefined {
  let last: Run | undefined
  for (const r of state.runs.values()) {
    if (r.workflow !== workflow || r.phase !== 'Succeeded' || r.finishedMs === undefined) continue
    if (!last || r.finishedMs > (last.finishedMs ?? 0)) last = r
  }
  if (!last || last.finishedMs === undefined) return undefined
  return Math.max(1, Math.round((last.finishedMs - last.startedMs) / 1000))
}

function createRun(state: SimState, wf: StoredWorkflow, startedMs: number, phase: Phase): Run {
  const run: Run = {
    name: runName(state, wf.name),
    workflow: wf.name,
    namespace: wf.namespace,
    uid: randomUUID(),
    seq: state.nextSeq(),
    creator: creators[state.scenario.role],
    startedMs,
    phase,
    estimatedDuration: lastSuccessSeconds(state, wf.name),
    stopped: false,
    parameters: structuredClone(workflowParameters(wf.document)),
    tenantStore: isTenantStore(wf.document),
    templates: structuredClone(wf.document.spec.templates ?? []),
    history: []
  }
  state.runs.set(run.name, run)
  return run
}

/** Index the run's current state; searches see it after the scenario's lag. */
function snapshot(
  state: SimState,
  run: Run,
  visibleAt = Date.now() + state.scenario.indexLagMs
): void {
  run.history.push({
    visibleAt,
    phase: run.phase,
    message: run.message,
    finishedMs: run.finishedMs
  })
}

export function startRun(state: SimState, wf: StoredWorkflow): Run {
  const run = createRun(state, wf, Date.now(), 'Pending')
  snapshot(state, run)
  run.timer = state.later(state.scenario.pendingMs, () => toRunning(state, run))
  return run
}

/** The first step reads the input as the run starts (docs/atlan-contract.md §10.1), from the parameters of its submit. */
function toRunning(state: SimState, run: Run): void {
  run.read = readRunInput(state, run)
  run.phase = 'Running'
  snapshot(state, run)
  run.timer = state.later(state.scenario.runningMs, () => finish(state, run))
}

function finish(state: SimState, run: Run): void {
  run.timer = undefined
  const end = outcome(state, run)
  run.phase = end.phase
  run.message = end.message
  run.finishedMs = Date.now()
  if (run.phase === 'Succeeded') applyLineageRun(state, run) // tenant: the run's lineage lands
  snapshot(state, run)
}

/** The outcome of what the run read when it started (an upload after that does not change it). */
function outcome(state: SimState, run: Run): { phase: TerminalPhase; message?: string } {
  if (run.stopped) return { phase: 'Failed', message: STOPPED_MESSAGE }
  const forced = state.scenario.outcome
  if (forced === 'Failed' || forced === 'Error') {
    return {
      phase: forced,
      message: state.scenario.outcomeMessage ?? `Simulated ${forced} outcome`
    }
  }
  if (run.read?.failure) return { phase: 'Failed', message: run.read.failure }
  if (!run.tenantStore) return { phase: forced ?? 'Succeeded' }
  const result = lineageOutcome(run.read?.bytes, paramValue(run.parameters, 'field_separator'))
  return result.phase === 'Failed' ? result : { phase: 'Succeeded' }
}

/** Replies Running at once; the run turns Failed after stopMs (docs/atlan-contract.md §3.10). */
export function stopRun(state: SimState, run: Run): void {
  if (isTerminal(run.phase) || run.stopped) return
  state.cancel(run.timer)
  run.stopped = true
  if (run.phase === 'Pending') {
    run.phase = 'Running'
    snapshot(state, run)
  }
  run.timer = state.later(state.scenario.stopMs, () => finish(state, run))
}

/** A past (or still active) run; seeded history is indexed already. */
export function seedRun(
  state: SimState,
  wf: StoredWorkflow,
  seed: SeedRun,
  startedMs: number
): Run {
  const run = createRun(state, wf, startedMs, seed.phase)
  run.message = seed.message
  if (isTerminal(seed.phase)) {
    run.finishedMs = startedMs + (seed.durationS ?? 60) * 1000
    if (seed.phase !== 'Succeeded') run.message ??= `Simulated ${seed.phase} outcome`
    snapshot(state, run, 0)
  } else {
    snapshot(state, run, 0)
    if (seed.phase === 'Running') run.read = readRunInput(state, run)
    const ms = seed.remainingMs
    run.timer =
      seed.phase === 'Pending'
        ? state.later(ms ?? state.scenario.pendingMs, () => toRunning(state, run))
        : state.later(ms ?? state.scenario.runningMs, () => finish(state, run))
  }
  return run
}

/** What searches see now, or undefined while the run is not indexed yet. */
export function visibleSnapshot(run: Run, now: number): Snapshot | undefined {
  let seen: Snapshot | undefined
  for (const s of run.history) if (s.visibleAt <= now) seen = s
  return seen
}

function current(run: Run): Snapshot {
  return { visibleAt: 0, phase: run.phase, message: run.message, finishedMs: run.finishedMs }
}

const progress: Record<Phase, string> = {
  Pending: '0/2',
  Running: '1/2',
  Succeeded: '2/2',
  Failed: '1/2',
  Error: '1/2'
}

function status(run: Run, s: Snapshot): Record<string, unknown> {
  return {
    phase: s.phase,
    startedAt: formatTs(run.startedMs),
    ...(s.finishedMs !== undefined && { finishedAt: formatTs(s.finishedMs) }),
    ...(s.message !== undefined && { message: s.message }),
    progress: progress[s.phase],
    ...(run.estimatedDuration !== undefined && { estimatedDuration: run.estimatedDuration }),
    storedWorkflowTemplateSpec: {
      entrypoint: 'main',
      templates: run.templates,
      workflowTemplateRef: { name: run.workflow }
    }
  }
}

function metadata(run: Run, s: Snapshot): Record<string, unknown> {
  return {
    name: run.name,
    namespace: run.namespace,
    generateName: `${run.workflow}-`,
    uid: run.uid,
    creationTimestamp: formatTs(run.startedMs),
    labels: {
      'workflows.argoproj.io/phase': s.phase,
      'workflows.argoproj.io/creator': run.creator,
      'workflows.argoproj.io/workflow-template': run.workflow,
      'workflows.argoproj.io/completed': String(isTerminal(s.phase))
    }
  }
}

/** The runs-index document of docs/atlan-contract.md §3.6. */
export function runSource(run: Run, s: Snapshot): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: metadata(run, s),
    spec: {
      workflowTemplateRef: { name: run.workflow },
      arguments: { parameters: run.parameters }
    },
    status: status(run, s)
  }
}

/** WorkflowRunResponse (rerun, stop): the live state, no index lag. */
export function runResponse(run: Run): Record<string, unknown> {
  const s = current(run)
  return {
    metadata: metadata(run, s),
    spec: { workflowTemplateRef: { name: run.workflow } },
    status: status(run, s)
  }
}

export function runInfo(run: Run): RunInfo {
  return {
    name: run.name,
    workflow: run.workflow,
    phase: run.phase,
    ...(run.message !== undefined && { message: run.message }),
    startedAt: formatTs(run.startedMs),
    ...(run.finishedMs !== undefined && { finishedAt: formatTs(run.finishedMs) }),
    ...(run.estimatedDuration !== undefined && { estimatedDuration: run.estimatedDuration }),
    stopped: run.stopped,
    ...(run.read?.key !== undefined &&
      run.read.bytes && {
        input: { key: run.read.key, sha256: sha256(run.read.bytes), size: run.read.bytes.length }
      })
  }
}
