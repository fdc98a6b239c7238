// The simulator's workflow templates as the index serves them (docs/atlan-contract.md §1.3, §10.3):
// text served byte for byte, updates and UI edits searchable only after the index lag, an edit
// landing between a client's read and its write, and the opt-in resourceVersion check.
import { describe, expect, it } from '@jest/globals'
import type { Simulator } from '../../sim/server.js'
import { bodies, call, fast, searchWorkflows, useSimulator, waitFor } from './client.js'

const sim = useSimulator({ scenario: fast })

const WF = 'csa-lineage-builder-1700000000'
/** Longer than a busy machine takes between two requests, short enough to wait out. */
const LAG = 2000
/** A `_source` a JSON round trip would change: big integer, `1.50`, duplicate key, `__proto__`. */
const SOURCE = `{"apiVersion":"argoproj.io/v1alpha1", "kind":"WorkflowTemplate",
 "metadata": {"name": "${WF}", "namespace": "default", "uid": 123456789012345678901,
   "annotations": {"__proto__": {"x": 1}, "r": 1.50, "d": 1, "d": 2}},
 "spec": {"templates": [{"name": "main", "dag": {"tasks": [{"name": "run", "arguments":
   {"parameters": [{"name": "lineage_import_type", "value": "CLOUD"},
     {"name": "lineage_key", "value": "a.csv"}, {"name": "cloud_source", "value": ""},
     {"name": "field_separator", "value": ","}]}}]}}]}, "status": {}}`

type Param = { name: string; value: unknown }
const paramsOf = (source: unknown): Param[] =>
  (
    source as {
      spec: { templates: { dag: { tasks: { arguments: { parameters: Param[] } }[] } }[] }
    }
  ).spec.templates[0].dag.tasks[0].arguments.parameters
const param = (source: unknown, name: string) => paramsOf(source).find(p => p.name === name)?.value

/** The one hit's `_source` text, cut from the reply text. */
async function sourceText(s: Simulator, name = WF): Promise<string> {
  const res = await searchWorkflows(s, bodies.findById(name))
  expect(res.status).toBe(200)
  const start = res.text.indexOf('"_source":') + '"_source":'.length
  return res.text.slice(start, res.text.lastIndexOf('}]}}')).trim()
}

async function found(s: Simulator, name = WF) {
  const res = await searchWorkflows(s, bodies.findById(name))
  return res.json.hits.hits[0]?._source as Record<string, any> | undefined // eslint-disable-line @typescript-eslint/no-explicit-any
}

const update = (s: Simulator, text: string) =>
  call(s, 'POST', `/api/service/workflows/${WF}`, undefined, {
    raw: text,
    headers: { 'content-type': 'application/json' }
  })

describe('templates as text', () => {
  it('a seeded _source and an update are served byte for byte, but for the store-set version fields', async () => {
    const s = sim()
    s.seed({ sourceText: SOURCE })
    const served = await sourceText(s)
    const rv = JSON.parse(served).metadata.resourceVersion as string
    // The store's fields are added at the end of metadata; nothing else changes.
    expect(served).toBe(
      SOURCE.replace('"d": 2}}', `"d": 2},"resourceVersion": "${rv}","generation": 1}`)
    )

    const sent = served.replace('"value": ","', '"value": ";"')
    expect((await update(s, sent)).status).toBe(200)
    const after = await sourceText(s)
    expect(JSON.parse(after).metadata.generation).toBe(2)
    expect(after).toBe(
      sent
        .replace(
          `"resourceVersion": "${rv}"`,
          `"resourceVersion": "${JSON.parse(after).metadata.resourceVersion}"`
        )
        .replace('"generation": 1', '"generation": 2')
    )
    expect(s.requests().find(r => r.route === 'update')!.text).toBe(sent)
  })
})

describe('index lag of templates', () => {
  it('an update is searchable only after indexLagMs: until then the search answers the older version', async () => {
    const s = sim()
    s.seed({ sourceText: SOURCE })
    s.setScenario({ indexLagMs: LAG })
    const before = await sourceText(s)
    expect((await update(s, before.replace('"value": ","', '"value": ";"'))).status).toBe(200)
    expect(param(await found(s), 'field_separator')).toBe(',')
    expect(param(s.workflow(WF), 'field_separator')).toBe(';')
    await waitFor(
      async () => (param(await found(s), 'field_separator') === ';' ? true : undefined),
      4 * LAG
    )
  })

  it('a UI edit is stored at once and searchable after the lag', async () => {
    const s = sim()
    const wf = s.seed({ key: 'a.csv' })
    s.setScenario({ indexLagMs: LAG })
    s.editWorkflow(wf, { lineage_upsert_semantic: 'upsert' })
    expect(param(s.workflow(wf), 'lineage_upsert_semantic')).toBe('upsert')
    expect(s.workflow(wf)!.metadata.generation).toBe(2)
    expect(param(await found(s, wf), 'lineage_upsert_semantic')).toBe('partial')
    await waitFor(
      async () =>
        param(await found(s, wf), 'lineage_upsert_semantic') === 'upsert' ? true : undefined,
      4 * LAG
    )
  })
})

describe('an edit between a read and a write', () => {
  it('beforeUpdate saves the edit when the update arrives; without the version check the update overwrites it', async () => {
    const s = sim()
    const wf = s.seed({ key: 'a.csv' })
    const read = await found(s, wf)
    s.editWorkflow(wf, { lineage_upsert_semantic: 'upsert' }, { beforeUpdate: true })
    expect(param(s.workflow(wf), 'lineage_upsert_semantic')).toBe('partial')
    const res = await call(s, 'POST', `/api/service/workflows/${wf}`, read)
    expect(res.status).toBe(200)
    // The edit landed (generation 2) and was overwritten by the stale template (generation 3).
    expect(res.json.metadata.generation).toBe(3)
    expect(param(s.workflow(wf), 'lineage_upsert_semantic')).toBe('partial')
  })

  it('with templateVersionCheck the stale write is refused with 409 and the edit kept; a fresh read writes', async () => {
    const s = sim()
    s.setScenario({ templateVersionCheck: true })
    const wf = s.seed({ key: 'a.csv' })
    const read = await found(s, wf)
    s.editWorkflow(wf, { lineage_upsert_semantic: 'upsert' }, { beforeUpdate: true })
    const stale = await call(s, 'POST', `/api/service/workflows/${wf}`, read)
    expect(stale.status).toBe(409)
    expect(stale.json.errorMessage).toMatch(/the object has been modified/)
    expect(param(s.workflow(wf), 'lineage_upsert_semantic')).toBe('upsert')
    const fresh = await found(s, wf)
    expect((await call(s, 'POST', `/api/service/workflows/${wf}`, fresh)).status).toBe(200)
    // Off by default: the same stale write is stored.
    s.setScenario({ templateVersionCheck: false })
    expect((await call(s, 'POST', `/api/service/workflows/${wf}`, read)).status).toBe(200)
  })

  it('the control API arms and saves edits too', async () => {
    const s = sim()
    const wf = s.seed({ key: 'a.csv' })
    const now = await call(s, 'POST', '/_sim/edit', {
      workflow: wf,
      parameters: { lineage_upsert_semantic: 'update' }
    })
    expect(now.json).toEqual({ saved: 'now' })
    expect(param(s.workflow(wf), 'lineage_upsert_semantic')).toBe('update')
    const bad = await call(s, 'POST', '/_sim/edit', { workflow: wf, parameters: { nope: 1 } })
    expect(bad.status).toBe(400)
  })
})
