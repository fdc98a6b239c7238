// An in-memory AtlanApi for the run stages' unit tests: every call is recorded in order.
import type { RunInfo } from '../../src/atlan/client.js'
import { errorFromException, errorFromStatus } from '../../src/atlan/error-mapping.js'
import type { AtlanError } from '../../src/atlan/errors.js'
import type { WorkflowDetail } from '../../src/atlan/schemas.js'
import type { Config } from '../../src/config/types.js'
import type { AtlanApi, WorkflowRef } from '../../src/run/api.js'
import { apply, type Applied, type ApplyDeps } from '../../src/run/apply.js'
import { resolveTarget } from '../../src/run/resolve.js'
import { settingsFor } from '../../src/run/settings.js'
import { netError } from '../atlan/fakes.js'
import { templateParameters } from '../helpers/workflow-template.js'

export interface FakeApi extends AtlanApi {
  calls: string[]
  runs: RunInfo[]
  workflows: WorkflowRef[]
  /** Whole templates (JSON text) readTemplate answers and updateWorkflow replaces, by name. */
  templates: Map<string, string>
}

function parametersOf(doc: WorkflowDetail): Record<string, unknown> {
  return Object.fromEntries(templateParameters(doc).map(p => [p.name, p.value]))
}

export function fakeApi(overrides: Partial<AtlanApi> = {}): FakeApi {
  const calls: string[] = []
  const runs: RunInfo[] = []
  const workflows: WorkflowRef[] = []
  const templates = new Map<string, string>()
  let files = 0
  const api: FakeApi = {
    calls,
    runs,
    workflows,
    templates,
    findWorkflow: async name => (
      calls.push(`findWorkflow ${name}`),
      workflows.find(w => w.name === name)
    ),
    findLatestWorkflow: async () => (calls.push('findLatestWorkflow'), workflows[0]),
    workflowNames: async size => (
      calls.push(`workflowNames ${size}`),
      workflows.slice(0, size).map(w => w.name)
    ),
    runsOf: async w => (calls.push(`runsOf ${w}`), runs.filter(r => r.workflowName === w)),
    getRun: async name => (calls.push(`getRun ${name}`), runs.find(r => r.name === name)),
    submitWorkflow: async doc => (
      calls.push('submitWorkflow'),
      { workflowName: doc.metadata.name }
    ),
    rerun: async w => (calls.push(`rerun ${w}`), { runName: `${w}-new01` }),
    stopRun: async name => void calls.push(`stopRun ${name}`),
    presignUpload: async key => (calls.push(`presign ${key}`), `http://store/${key}`),
    uploadFile: async (url, path) => void calls.push(`upload ${url} ${path}`),
    uploadDirect: async path => {
      calls.push(`uploadDirect ${path}`)
      files++
      return { id: `id-${files}`, key: `key-${files}.csv` }
    },
    readTemplate: async name => {
      calls.push(`readTemplate ${name}`)
      const text = templates.get(name)
      return text === undefined ? undefined : { text, doc: JSON.parse(text) as WorkflowDetail }
    },
    updateWorkflow: async (name, text) => {
      calls.push(`updateWorkflow ${name}`)
      templates.set(name, text)
      const doc = JSON.parse(text) as WorkflowDetail
      const generation = doc.metadata.generation
      return {
        name,
        namespace: 'default',
        parameters: parametersOf(doc),
        ...(typeof generation === 'number' && { generation: generation + 1 })
      }
    },
    runUrl: (w, r) => `https://acme.atlan.com/workflows/profile/${w}/runs?name=${r}`,
    ...overrides
  }
  return api
}

const SUBMIT = {
  endpoint: 'POST /api/service/workflows/submit',
  requestId: 'r-1',
  service: 'atlan',
  timeoutMs: 30_000
} as const

/** What the transport throws for a submit Atlan refused (401): it started nothing. */
export function submitRefused(): AtlanError {
  return errorFromStatus(SUBMIT, 401, '')
}

/** What the transport throws for a submit that may have reached Atlan: a reset, or a 503. */
export function unknownOutcome(status?: 503): AtlanError {
  const e = status
    ? errorFromStatus(SUBMIT, status, '')
    : errorFromException(SUBMIT, netError('ECONNRESET'), false)
  return e.markSubmitOutcomeUnknown()
}

/** The pipeline for a step without a CSV check or tenant plan: the target resolved, then applied. */
export async function resolveAndApply(deps: ApplyDeps, config: Config): Promise<Applied> {
  const target = await resolveTarget(deps.api, config, deps.now())
  return apply(deps, { config, target, settings: settingsFor(config, target) })
}
