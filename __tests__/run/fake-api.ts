// An in-memory AtlanApi for lifecycle unit tests: every call is recorded in order.
import type { AtlanApi, RunRef, WorkflowRef } from '../../src/run/api.js'

export interface FakeApi extends AtlanApi {
  calls: string[]
  runs: RunRef[]
  workflows: WorkflowRef[]
}

export function fakeApi(overrides: Partial<AtlanApi> = {}): FakeApi {
  const calls: string[] = []
  const runs: RunRef[] = []
  const workflows: WorkflowRef[] = []
  const api: FakeApi = {
    calls,
    runs,
    workflows,
    family: async () => 'workflows',
    findWorkflow: async name => (
      calls.push(`findWorkflow ${name}`),
      workflows.find(w => w.name === name)
    ),
    findLatestWorkflow: async () => (calls.push('findLatestWorkflow'), workflows[0]),
    latestRun: async w => (calls.push(`latestRun ${w}`), runs.find(r => r.workflowName === w)),
    currentRun: async w =>
      runs.find(r => r.workflowName === w && (r.phase === 'Pending' || r.phase === 'Running')),
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
    runUrl: (w, r) => `https://acme.atlan.com/workflows/profile/${w}/runs?name=${r}`,
    ...overrides
  }
  return api
}

export function unknownOutcome(): Error {
  return Object.assign(new Error('POST /api/service/workflows/submit: the connection was reset'), {
    submitOutcomeUnknown: true
  })
}
