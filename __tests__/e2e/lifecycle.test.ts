// The bundled action against the simulator: each scenario of CONTRIBUTING.md "Layout" end to end, asserting the
// outputs and the exact requests the simulator received.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runAction, startAction } from '../helpers/action.js'
import { expectClean, inputsFor, routes, seen, sim, submits } from '../helpers/e2e.js'
import { repoRoot } from '../helpers/shared.js'

const CSV = 'examples/lineage.csv'
const csvBytes = () => readFileSync(join(repoRoot, CSV))

describe('rerun', () => {
  it('by name: validates, uploads to where the workflow reads, reruns once, follows to Succeeded', async () => {
    const s = await sim()
    const wf = s.seed({
      prefix: 'lineage',
      key: 'orders.csv',
      runs: [{ phase: 'Succeeded', durationS: 2 }]
    })
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, lineage_file: CSV }) })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({
      phase: 'Succeeded',
      workflow_name: wf,
      rows_checked: '5',
      rows_with_errors: '0'
    })
    expect(r.outputs.run_id).toMatch(new RegExp(`^${wf}-[a-z0-9]{5}$`))
    expect(r.outputs.run_url).toBe(`${s.url}/workflows/profile/${wf}/runs?name=${r.outputs.run_id}`)
    expect(r.outputs.started_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(Number(r.outputs.duration_seconds)).toBeGreaterThanOrEqual(0)
    expect(JSON.parse(r.outputs.result)).toMatchObject({
      phase: 'Succeeded',
      run_id: r.outputs.run_id
    })
    expect(s.objects().get('lineage/orders.csv')).toEqual(csvBytes())
    // The tenant stage's asset searches (check_tenant, verify) are tested in tenant.test.ts.
    const seen = routes(s).filter(x => !x.startsWith('assets.'))
    // The search for a run in flight comes before the upload (a new file never rides on one).
    expect(seen.slice(0, 5)).toEqual([
      'workflows.search',
      'runs.search',
      'presign',
      'upload',
      'runs.search'
    ])
    expect(seen.filter(x => x === 'rerun')).toHaveLength(1)
    expect(seen.indexOf('upload')).toBeLessThan(seen.indexOf('rerun'))
    const rerun = s.requests().find(q => q.route === 'rerun')!
    expect(rerun.body).toEqual({
      namespace: 'default',
      resourceKind: 'WorkflowTemplate',
      resourceName: wf
    })
    expect(rerun.headers.authorization).toBe(`Bearer ${inputsFor(s).atlan_api_key}`)
    expect(rerun.headers['user-agent']).toMatch(/^atlan-lineage-action\/\d+\.\d+\.\d+/)
    expect(r.summary).toContain('✅ Atlan Lineage Builder: Succeeded')
    expect(r.summary).toContain(`[${r.outputs.run_id}](`)
    expect(r.summary).toContain('```mermaid')
    expectClean(r, s)
  })

  it('latest: with no workflow_name it reruns the most recent Lineage Builder workflow', async () => {
    const s = await sim()
    s.seed({
      name: 'csa-lineage-builder-1700000000',
      prefix: 'a',
      key: 'old.csv',
      createdAgoS: 86_400 * 30
    })
    s.objects().set('a/new.csv', csvBytes())
    const newest = s.seed({
      name: 'csa-lineage-builder-1760000000',
      prefix: 'a',
      key: 'new.csv',
      createdAgoS: 3600
    })
    const r = await runAction({ inputs: inputsFor(s) })
    expect(r.code).toBe(0)
    expect(r.outputs.workflow_name).toBe(newest)
    expect(s.requests().find(q => q.route === 'rerun')!.body).toMatchObject({
      resourceName: newest
    })
    expect(routes(s)).not.toContain('upload')
    expectClean(r, s)
  })

  it('none found: a clear error that says how to create one, and no submit', async () => {
    const s = await sim()
    const r = await runAction({ inputs: inputsFor(s) })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.stdout).toMatch(/::error::No Lineage Builder workflow exists.*Atlan UI.*mode: create/)
    expect(submits(s)).toBe(0)
    expectClean(r, s)
  })

  it('a mistyped workflow_name: "did you mean" the workflow found, advice that fits lineage_file, nothing uploaded', async () => {
    const s = await sim()
    s.seed({ name: 'csa-lineage-builder-1760000000', prefix: 'a', key: 'x.csv', createdAgoS: 60 })
    const wf = s.seed({
      name: 'csa-lineage-builder-1714638976',
      prefix: 'a',
      key: 'y.csv',
      createdAgoS: 3600
    })
    const r = await runAction({
      inputs: inputsFor(s, { workflow_name: 'csa-lineage-builder-1714638967', lineage_file: CSV })
    })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::Lineage Builder workflow "csa-lineage-builder-1714638967" was not found.* Did you mean "${wf}"\\?`
      )
    )
    expect(r.stdout).toMatch(/remove workflow_name and set mode: create/)
    // Refused with lineage_file set (src/config/parse.ts), so never offered.
    expect(r.stdout).not.toMatch(/leave workflow_name empty/i)
    expect(r.summary).toContain(`Did you mean "${wf}"?`)
    // The name search, then one page of Lineage Builder workflows for the names.
    expect(routes(s)).toEqual(['workflows.search', 'workflows.search'])
    expect(s.requests()[1].body).toMatchObject({ size: 50 })
    expectClean(r, s)
  })

  it('a plain user is sent to the package-workflows family', async () => {
    const s = await sim({ role: 'user' })
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    s.objects().set('p/k.csv', csvBytes())
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf }) })
    expect(r.code).toBe(0)
    expect(s.requests().find(q => q.route === 'rerun')!.path).toBe(
      '/api/service/package-workflows/submit'
    )
  })

  it('idempotent: a run already in flight is followed, not duplicated', async () => {
    const s = await sim()
    // The run in flight read its file when it started, before this step.
    s.objects().set('p/k.csv', csvBytes())
    const wf = s.seed({
      prefix: 'p',
      key: 'k.csv',
      runs: [
        { phase: 'Succeeded', durationS: 3 },
        { phase: 'Running', startedAgoS: 1, remainingMs: 3000 }
      ]
    })
    const inFlight = s.runs().find(x => x.phase === 'Running')!.name
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf }) })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ phase: 'Succeeded', run_id: inFlight })
    expect(submits(s)).toBe(0)
    expect(r.stdout).toContain('following it instead of starting another')
  })

  it("a run that fails in Atlan fails the step with phase=Failed and Atlan's message", async () => {
    const s = await sim()
    const wf = s.seed({ prefix: 'p', key: 'bad.csv' })
    // validate: false lets a CSV with a field-count error reach the (simulated) Lineage Builder.
    const r = await runAction({
      inputs: inputsFor(s, {
        workflow_name: wf,
        lineage_file: 'examples/lineage-invalid.csv',
        validate: 'false'
      })
    })
    expect(r.code).toBe(1)
    expect(r.outputs.phase).toBe('Failed')
    expect(r.stdout).toMatch(
      /::error::Run \S+ of workflow \S+ failed in Atlan: Invalid input file received\. Record at line 4 has 15 fields/
    )
    expect(r.summary).toContain('❌ Atlan Lineage Builder: Failed')
    expectClean(r, s)
  })
})

describe('submit faults', () => {
  it('a rerun answered 503: no run appeared, so it is sent once more, and one run follows', async () => {
    const s = await sim()
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    s.objects().set('p/k.csv', csvBytes())
    s.addFault({ route: 'rerun', kind: 'status', status: 503 })
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, index_grace: '2s' }) })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expect(s.requests().filter(q => q.route === 'rerun')).toHaveLength(2)
    expect(
      s
        .runs()
        .filter(x => x.workflow === wf && x.startedAt > new Date(Date.now() - 60_000).toISOString())
    ).toHaveLength(1)
    expect(r.stdout).toContain('submitting once more')
  })

  it('a rerun that was taken but answered 503: the search finds the run, nothing is resent', async () => {
    const s = await sim()
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    s.objects().set('p/k.csv', csvBytes())
    s.addFault({ route: 'rerun', kind: 'status', status: 503, perform: true })
    const r = await runAction({ inputs: inputsFor(s, { workflow_name: wf, index_grace: '5s' }) })
    expect(r.code).toBe(0)
    expect(s.requests().filter(q => q.route === 'rerun')).toHaveLength(1)
    expect(r.stdout).toContain('The submit did land')
  })
})

describe('a poll that fails for good after the run is named', () => {
  it('keeps run_id and run_url, reports phase Unknown with the error, and links the run in the summary', async () => {
    const s = await sim({ runningMs: 30_000 })
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    s.objects().set('p/k.csv', csvBytes())
    const main = startAction({ inputs: inputsFor(s, { workflow_name: wf }) })
    // The token is revoked once the rerun is in: every poll of the run is refused from then on.
    await seen(s, 'rerun')
    s.addFault({ route: 'runs.search', kind: 'status', status: 401, count: -1 })
    const r = await main.done
    expect(r.code).toBe(1)
    const run = s.runs().find(x => x.workflow === wf && x.phase === 'Running')!
    expect(r.outputs).toMatchObject({
      phase: 'Unknown',
      run_id: run.name,
      run_url: `${s.url}/workflows/profile/${wf}/runs?name=${run.name}`
    })
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::Lost track of run ${run.name} of ${wf}: .*may still be going: check it at .*\\b401\\b`
      )
    )
    expect(r.summary).toContain('Outcome unknown')
    expect(r.summary).toContain(r.outputs.run_url)
    expect(submits(s)).toBe(1)
    expect(run.stopped).toBeFalsy()
    expectClean(r, s)
  })
})

describe('create', () => {
  it('on the tenant store: uploads, submits the pyatlan-shaped workflow once, follows it', async () => {
    const s = await sim()
    const r = await runAction({
      inputs: inputsFor(s, { mode: 'create', lineage_file: CSV, prefix: 'lineage/sales' })
    })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expect(r.outputs.workflow_name).toMatch(/^csa-lineage-builder-\d{10}$/)
    expect(r.outputs.run_id).toMatch(new RegExp(`^${r.outputs.workflow_name}-[a-z0-9]{5}$`))
    const submit = s.requests().find(q => q.route === 'submit')!
    expect(submit.query).toEqual({ submit: 'true' })
    const body = submit.body as {
      metadata: { name: string }
      payload: unknown[]
      spec: { templates: { dag: { tasks: { arguments: { parameters: unknown[] } }[] } }[] }
    }
    expect(body.metadata.name).toBe(r.outputs.workflow_name)
    expect(body.payload).toEqual([])
    expect(body.spec.templates[0].dag.tasks[0].arguments.parameters.slice(0, 2)).toEqual([
      { name: 'lineage_prefix', value: 'lineage/sales' },
      { name: 'lineage_key', value: 'lineage.csv' }
    ])
    expect(s.objects().get('lineage/sales/lineage.csv')).toEqual(csvBytes())
    expect(submits(s)).toBe(1)
    expectClean(r, s)
  })

  it("s3: refuses to upload into the team's own bucket, with the fix, before any submit", async () => {
    const s = await sim()
    const secret = 's3-secret-e2e-value-99'
    const r = await runAction({
      inputs: inputsFor(s, {
        mode: 'create',
        lineage_file: CSV,
        prefix: 'p',
        object_store: 's3',
        s3_access_key: 'AKIA',
        s3_secret_key: secret,
        s3_region: 'eu-west-1',
        s3_bucket: 'b'
      })
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/::error::.*cannot write to.*aws s3 cp/)
    expect(submits(s)).toBe(0)
    expectClean(r, s, [secret])
  })
})
