// The request bodies pyatlan sends, verbatim from docs/atlan-contract.md §3, key order included (the JSON text is
// compared). The Atlan client's tests assert that our client sends exactly these; the simulator's
// tests send them.

/** The default sort: newest first by creation time. */
export const BY_CREATION = [
  { 'metadata.creationTimestamp': { order: 'desc', nested: { path: 'metadata' } } }
]

/** `bool.filter` with one nested query on `path`. */
export const nestedFilter = (path: string, query: unknown) => ({
  bool: { filter: [{ nested: { path, query } }] }
})

/** The term on the workflow a run belongs to. */
export const workflowRef = (workflow: string) => ({
  term: { 'spec.workflowTemplateRef.name.keyword': { value: workflow } }
})

export const pyatlan = {
  /** §3.4 find_by_type: names `{prefix}-{10 digits}` ('a-b' → 'a[-]b[-][0-9]{10}'). */
  findByType: (prefix: string, size = 10) => ({
    from: 0,
    size,
    track_total_hits: true,
    query: nestedFilter('metadata', {
      regexp: { 'metadata.name.keyword': { value: `${prefix.replaceAll('-', '[-]')}[-][0-9]{10}` } }
    }),
    sort: BY_CREATION
  }),
  /** §3.5 find_by_id: one workflow by name. */
  findById: (name: string) => ({
    from: 0,
    size: 1,
    track_total_hits: true,
    query: nestedFilter('metadata', {
      bool: { must: [{ term: { 'metadata.name.keyword': { value: name } } }] }
    }),
    sort: BY_CREATION
  }),
  /** §3.6 monitor's latest run of a workflow. */
  latestRun: (workflow: string) => ({
    from: 0,
    size: 1,
    track_total_hits: true,
    query: nestedFilter('spec', workflowRef(workflow)),
    sort: [{ 'status.startedAt': { order: 'desc' } }]
  }),
  /** §3.7 current run: the runs of a workflow, newest first. */
  currentRun: (workflow: string) => ({
    from: 0,
    size: 50,
    track_total_hits: true,
    query: nestedFilter('spec', workflowRef(workflow)),
    sort: BY_CREATION
  }),
  /** §3.8 get run by id. */
  runById: (id: string) => ({
    from: 0,
    size: 1,
    track_total_hits: true,
    query: { bool: { filter: [{ term: { _id: { value: id } } }] } },
    sort: BY_CREATION
  }),
  /** §3.3 rerun of a workflow template. */
  rerun: (name: string, namespace = 'default') => ({
    namespace,
    resourceKind: 'WorkflowTemplate',
    resourceName: name
  }),
  /** §3.13 presigned PUT URL for an object-store key. */
  presign: (key: string) => ({ key, expiry: '60s', method: 'PUT' })
}
