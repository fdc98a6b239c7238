// The exact index-search bodies pyatlan sends (docs/atlan-contract.md §3.4-3.8, VERIFIED-LOCAL), key order included,
// so the simulator and a real tenant see the same requests the SDK would send.
import { PACKAGE_PREFIX } from '../lineage/workflow.js'

/** Default sort of WorkflowSearchRequest: newest first by creation time. */
const byCreationDesc = () => [
  { 'metadata.creationTimestamp': { order: 'desc', nested: { path: 'metadata' } } }
]

function search(size: number, filter: unknown[]) {
  return {
    from: 0,
    size,
    track_total_hits: true,
    query: { bool: { filter } },
    sort: byCreationDesc()
  }
}

/** Package prefix to pyatlan's regexp: each `-` as `[-]`, then `[-]` and exactly 10 digits. */
function workflowNameRegexp(prefix: string): string {
  return `${prefix.replace(/-/g, '[-]')}[-][0-9]{10}`
}

/**
 * docs/atlan-contract.md §3.4: workflows of a package, newest first (workflows/indexsearch); `size`
 * is pyatlan's `max_results` (10 by default).
 */
export function findWorkflowsByTypeQuery(size = 10) {
  return search(size, [
    {
      nested: {
        path: 'metadata',
        query: {
          regexp: { 'metadata.name.keyword': { value: workflowNameRegexp(PACKAGE_PREFIX) } }
        }
      }
    }
  ])
}

/** docs/atlan-contract.md §3.5: one workflow by name (workflows/indexsearch). */
export function findWorkflowByNameQuery(name: string) {
  return search(1, [
    {
      nested: {
        path: 'metadata',
        query: { bool: { must: [{ term: { 'metadata.name.keyword': { value: name } } }] } }
      }
    }
  ])
}

function runsOfFilter(workflowName: string) {
  return [
    {
      nested: {
        path: 'spec',
        query: { term: { 'spec.workflowTemplateRef.name.keyword': { value: workflowName } } }
      }
    }
  ]
}

/** docs/atlan-contract.md §3.7 (size 50): runs of a workflow, newest created first (runs/indexsearch). */
export function runsOfQuery(workflowName: string, size = 50) {
  return search(size, runsOfFilter(workflowName))
}

/** docs/atlan-contract.md §3.8: one run by its id, which is the run name (runs/indexsearch). */
export function runByIdQuery(runName: string) {
  return search(1, [{ term: { _id: { value: runName } } }])
}

/** docs/atlan-contract.md §3.3: rerun an existing workflow template. */
export function rerunBody(workflowName: string, namespace: string) {
  return { namespace, resourceKind: 'WorkflowTemplate', resourceName: workflowName }
}

/** docs/atlan-contract.md §3.13: ask for a presigned upload URL. */
export function presignBody(key: string, expiry = '60s') {
  return { key, expiry, method: 'PUT' }
}
