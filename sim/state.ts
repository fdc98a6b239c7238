// Everything the simulated tenant holds, plus the timers that drive run timelines.
import { randomUUID } from 'node:crypto'
import { AssetStore } from './assets.js'
import type { PendingEdit, TemplateVersion } from './template-index.js'
import type {
  AtlanFile,
  Fault,
  Parameter,
  Phase,
  RecordedRequest,
  Scenario,
  WorkflowDocument
} from './types.js'

export const defaultScenario: Scenario = {
  role: 'token',
  pendingMs: 300,
  runningMs: 700,
  stopMs: 200,
  indexLagMs: 0,
  objectStore: 's3',
  legacyRemoved: false,
  enforceFamily: true,
  retryAfterSeconds: 1,
  directUploadLimitBytes: 10_000_000,
  templateVersionCheck: false,
  searchFloodHits: 0,
  readRestriction: 'scrub',
  readableConnections: 'all'
}

export interface StoredWorkflow {
  name: string
  namespace: string
  seq: number
  createdMs: number
  /** Searches see the workflow from this time on (index lag). */
  visibleAt: number
  /** metadata (with creationTimestamp and uid), spec and payload as stored. */
  document: WorkflowDocument
  /** The `_source` text the index serves, when the template was written as text (an update). */
  text?: string
  /** What the workflow index holds: one version per write, each searchable after the lag. */
  versions: TemplateVersion[]
}

/** One indexed version of a run: what searches see from `visibleAt` on. */
export interface Snapshot {
  visibleAt: number
  phase: Phase
  message?: string
  finishedMs?: number
}

export interface Run {
  name: string
  workflow: string
  namespace: string
  uid: string
  seq: number
  creator: string
  startedMs: number
  phase: Phase
  message?: string
  finishedMs?: number
  estimatedDuration?: number
  stopped: boolean
  /** Parameters and payload as they were when the run started. */
  parameters: Parameter[]
  tenantStore: boolean
  templates: unknown[]
  /** Read when the run turns Running: the key, and the bytes found there (undefined: none). */
  read?: { key?: string; bytes?: Buffer; failure?: string }
  history: Snapshot[]
  timer?: NodeJS.Timeout
}

export class SimState {
  scenario: Scenario
  readonly workflows = new Map<string, StoredWorkflow>()
  readonly runs = new Map<string, Run>()
  readonly objects = new Map<string, Buffer>()
  /** Files uploaded with POST files, by id, with the bytes as uploaded (docs/atlan-contract.md §10.2). */
  readonly files = new Map<string, { file: AtlanFile; bytes: Buffer }>()
  /** GUIDs of vaulted credentials: what fetch-credentials can look up (docs/atlan-contract.md §10.4). */
  readonly credentials = new Set<string>()
  /** Connections, assets and processes (tenant check, verification, prune). */
  readonly assets = new AssetStore()
  readonly requests: RecordedRequest[] = []
  faults: (Fault & { left: number })[] = []
  /** UI edits armed to be saved just before the next update of their workflow. */
  pendingEdits: PendingEdit[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private seq = 0
  /** Signs presigned URLs; fresh per simulator so URLs of another instance fail. */
  readonly secret = randomUUID()

  constructor(
    readonly token: string,
    private readonly initial: Scenario
  ) {
    this.scenario = { ...initial }
  }

  nextSeq(): number {
    return ++this.seq
  }

  /** A tracked timer, cleared by reset() and close(). */
  later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
    return t
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return
    clearTimeout(t)
    this.timers.delete(t)
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }

  reset(): void {
    this.clearTimers()
    this.workflows.clear()
    this.runs.clear()
    this.objects.clear()
    this.assets.reset()
    this.files.clear()
    this.credentials.clear()
    this.requests.length = 0
    this.faults = []
    this.pendingEdits = []
    this.scenario = { ...this.initial }
  }
}
