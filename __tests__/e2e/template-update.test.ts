// Pointing a Direct-upload workflow at the new file, through dist/index.js against the simulator
// (docs/atlan-contract.md §10.3): only lineage_file's bytes change, an edit between the read and
// the write or a lagging index is caught where the contract allows (409 with the opt-in
// resourceVersion check, a warning from the generation otherwise), and a stored value too large
// to edit is refused before anything is uploaded.
import { describe, expect, it } from '@jest/globals'
import { runAction, startAction } from '../helpers/action.js'
import { expectClean, inputsFor, routes, seen, sim, submits } from '../helpers/e2e.js'
import type { Simulator } from '../../sim/server.js'

const CSV = 'examples/lineage.csv'
const WF = 'csa-lineage-builder-1700000000'
const OLD_FILE = '{"fileKey":"old.csv","fileId":"old-id","rawName":"team.csv"}'

/**
 * A Direct-upload template whose other bytes a JSON round trip would change: an integer above
 * 2^53, `1.50`, duplicate keys, a `__proto__` key and uneven spacing.
 */
const source = (
  lineageFile: string
) => `{"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
  "metadata": {"name": "${WF}", "namespace": "default", "uid": 123456789012345678901,
    "annotations": {"__proto__": {"polluted": "yes"}, "ratio": 1.50, "dup": "first", "dup": "second"}},
  "spec": {"templates": [{"name": "main", "dag": {"tasks": [{"name": "run", "arguments": {"parameters": [
      {"name": "lineage_import_type", "value": "DIRECT"},
      {"name": "lineage_file",    "value": ${JSON.stringify(lineageFile)}},
      {"name": "cloud_source", "value": ""},
      {"name": "lineage_upsert_semantic", "value": "partial"},
      {"name": "batch_size", "value": 20.0}]},
    "templateRef": {"name": "csa-lineage-builder", "template": "main", "clusterScope": true}}]}}]},
  "payload": [], "status": {}}`

type Param = { name: string; value: unknown }
const param = (s: Simulator, name: string) =>
  (
    s.workflow(WF) as unknown as {
      spec: { templates: { dag: { tasks: { arguments: { parameters: Param[] } }[] } }[] }
    }
  ).spec.templates[0].dag.tasks[0].arguments.parameters.find(p => p.name === name)?.value
const fileOf = (s: Simulator) =>
  JSON.parse(param(s, 'lineage_file') as string) as Record<string, string>

// The tenant check and verification are beside the point here (and wait out the index lag).
/** One earlier run of a second: polling follows the earlier runs' duration. */
const QUICK = [{ phase: 'Succeeded' as const, durationS: 1 }]

const run = (s: Simulator, extra: Record<string, string> = {}) =>
  runAction({
    inputs: inputsFor(s, {
      workflow_name: WF,
      lineage_file: CSV,
      check_tenant: 'false',
      verify: 'false',
      ...extra
    })
  })

describe('the update changes only lineage_file', () => {
  it('every other byte of the template goes back as read: big integers, 1.50, duplicate keys, __proto__', async () => {
    const s = await sim()
    s.seed({ sourceText: source(OLD_FILE), runs: QUICK })
    const rv = s.workflow(WF)!.metadata.resourceVersion as string
    const r = await run(s)
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    const uploaded = s.files().at(-1)!
    const now = `{"fileKey":${JSON.stringify(uploaded.key)},"fileId":${JSON.stringify(uploaded.id)},"rawName":"team.csv"}`
    // What the index served (the seeded text plus the store's version fields), lineage_file swapped.
    const served = source(OLD_FILE).replace(
      '"dup": "second"}}',
      `"dup": "second"},"resourceVersion": "${rv}","generation": 1}`
    )
    const update = s.requests().find(q => q.route === 'update')!
    expect(update.text).toBe(served.replace(JSON.stringify(OLD_FILE), JSON.stringify(now)))
    expect(r.summary).toContain('fileKey old.csv, fileId old-id')
    expect(r.summary).toContain(`fileKey ${uploaded.key}, fileId ${uploaded.id}`)
    expect(r.stdout).not.toMatch(/::warning::/)
    expectClean(r, s)
  })

  it('a stored lineage_file 20,000 levels deep is refused before anything is uploaded', async () => {
    const s = await sim()
    s.seed({ sourceText: source('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)) })
    const r = await run(s)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::.*Workflow ${WF} is a Direct-upload workflow, but its lineage_file is 120001 characters long, more than the 16384 this action reads.*did not upload anything`
      )
    )
    expect(r.stdout).not.toContain('Maximum call stack')
    expect(routes(s)).toEqual(['workflows.search'])
  })

  it('a template holding lineage_file twice is refused before anything is uploaded', async () => {
    const s = await sim()
    // The plan sees one lineage_file (a JSON parse keeps the last); the text the update edits has two.
    const text = source(OLD_FILE).replace(
      '{"name": "cloud_source"',
      `{"name": "lineage_file", "value": ${JSON.stringify(OLD_FILE)}}, {"name": "cloud_source"`
    )
    expect(text).not.toBe(source(OLD_FILE))
    s.seed({ sourceText: text })
    const r = await run(s)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::.*Workflow ${WF} is a Direct-upload workflow, but its lineage_file argument appears more than once.*did not upload anything`
      )
    )
    expect(routes(s)).toEqual(['workflows.search', 'workflows.search'])
    expect(s.files()).toHaveLength(0)
  })
})

describe('an edit saved in Atlan between the read and the write', () => {
  it('without a resourceVersion check the write wins: the step says the edit may be lost', async () => {
    const s = await sim()
    s.seed({ sourceText: source(OLD_FILE), runs: QUICK })
    s.editWorkflow(WF, { lineage_upsert_semantic: 'upsert' }, { beforeUpdate: true })
    const r = await run(s)
    expect(r.code).toBe(0)
    const warning = `Workflow ${WF} was changed in Atlan by someone else around this step's update (its generation went from 1 to 3`
    expect(r.stdout).toContain(`::warning::${warning}`)
    expect(r.summary).toContain(warning)
    // The window no client can close without the check: the edit was overwritten.
    expect(param(s, 'lineage_upsert_semantic')).toBe('partial')
    expect(fileOf(s).fileKey).toBe(s.files().at(-1)!.key)
    expectClean(r, s)
  })

  it('with the check (409): one fresh read and retry re-applies only lineage_file to what it read', async () => {
    const s = await sim({ templateVersionCheck: true })
    s.seed({ sourceText: source(OLD_FILE), runs: QUICK })
    // Saved again in the UI with the same settings: re-serialised, with a new resourceVersion.
    s.editWorkflow(WF, { lineage_upsert_semantic: 'partial' }, { beforeUpdate: true })
    const r = await run(s)
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    const updates = s.requests().filter(q => q.route === 'update')
    expect(updates.map(u => u.status)).toEqual([409, 200])
    // The first write is the text first read; the second, the UI's re-serialised text read again.
    expect(updates[0].text).toContain('"ratio": 1.50')
    expect(updates[1].text).not.toContain('"ratio": 1.50')
    const seen = routes(s).filter(q => /^(files|workflows\.search|update|rerun)$/.test(q))
    expect(seen.slice(seen.indexOf('files'))).toEqual([
      'files',
      'workflows.search',
      'update',
      'workflows.search',
      'update',
      'rerun'
    ])
    expect(fileOf(s).fileKey).toBe(s.files().at(-1)!.key)
    expect(r.stdout).toMatch(/conflict \(409\).*Reading it again and retrying once/)
    expect(r.stdout).not.toMatch(/::warning::/)
    expect(submits(s)).toBe(1)
    expectClean(r, s)
  })

  it('with the check (409), the fresh read shows a run setting changed: the step stops naming it; nothing run', async () => {
    const s = await sim({ templateVersionCheck: true })
    s.seed({ sourceText: source(OLD_FILE), runs: QUICK })
    s.editWorkflow(WF, { lineage_upsert_semantic: 'upsert' }, { beforeUpdate: true })
    const r = await run(s)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::The settings of workflow ${WF} changed in Atlan since this step's plan: input_handling \\(partial → upsert\\)\\..*nothing was run.*Re-run the job`
      )
    )
    expect(
      s
        .requests()
        .filter(q => q.route === 'update')
        .map(u => u.status)
    ).toEqual([409])
    expect(submits(s)).toBe(0)
    expect(param(s, 'lineage_upsert_semantic')).toBe('upsert')
    expect(fileOf(s).fileKey).toBe('old.csv')
    expectClean(r, s)
  })
})

describe('run settings changed in Atlan between the plan and the write', () => {
  it('fail_on_errors turned off after the plan gated on it: the step stops before the write, naming it', async () => {
    const s = await sim()
    // A Direct-upload workflow as the UI stores it, with "Fail on errors: Yes".
    const wf = s.seed({
      direct: { form: 'json', content: 'a,b\n' },
      options: { failOnErrors: true },
      runs: QUICK
    })
    // The upload's reply is slow; meanwhile someone saves "Fail on errors: No" in the UI.
    s.addFault({ route: 'files', kind: 'slow', delayMs: 1000 })
    const main = startAction({
      inputs: inputsFor(s, {
        workflow_name: wf,
        lineage_file: CSV,
        check_tenant: 'false',
        verify: 'false'
      })
    })
    await seen(s, 'files')
    s.editWorkflow(wf, { lineage_fail_on_errors: false })
    const r = await main.done
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::The settings of workflow ${wf} changed in Atlan since this step's plan: fail_on_errors \\(true → false\\)\\..*nothing was run, and the workflow was not pointed at the new file.*Re-run the job`
      )
    )
    expect(s.requests().filter(q => q.route === 'update')).toHaveLength(0)
    expect(submits(s)).toBe(0)
    expect(s.files()).toHaveLength(2) // the seeded file, and the upload no workflow reads
    expectClean(r, s)
  })
})

describe('an edit saved just before the step, not yet in the template index', () => {
  // The index lags far longer than the step takes, so its read is stale however slow the
  // machine; the step does not follow the run, whose index entry would lag as long.
  const LAG = 60_000

  it('without a resourceVersion check: the stale template is written back, and the step warns', async () => {
    const s = await sim({ indexLagMs: LAG })
    s.seed({ sourceText: source(OLD_FILE), runs: QUICK })
    s.editWorkflow(WF, { lineage_upsert_semantic: 'upsert' })
    const r = await run(s, { wait: 'false' })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/::warning::.*was changed in Atlan by someone else.*from 1 to 3/)
    expect(param(s, 'lineage_upsert_semantic')).toBe('partial')
    expectClean(r, s)
  })

  it('with the check: refused twice, so the step stops saying the workflow changed meanwhile; nothing run', async () => {
    const s = await sim({ indexLagMs: LAG, templateVersionCheck: true })
    s.seed({ sourceText: source(OLD_FILE), runs: QUICK })
    s.editWorkflow(WF, { lineage_upsert_semantic: 'upsert' })
    const r = await run(s, { wait: 'false' })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::.*Workflow ${WF} changed in Atlan while this step was pointing it at the new file.*not changed and nothing was run`
      )
    )
    expect(
      s
        .requests()
        .filter(q => q.route === 'update')
        .map(u => u.status)
    ).toEqual([409, 409])
    expect(submits(s)).toBe(0)
    expect(param(s, 'lineage_upsert_semantic')).toBe('upsert')
    expect(fileOf(s).fileKey).toBe('old.csv')
    expectClean(r, s)
  })
})

describe('an update whose reply is lost (the connection reset after Atlan stored it)', () => {
  const updates = (s: Simulator) => s.requests().filter(q => q.route === 'update')

  it('is not resent: a fresh read shows the new file, so the step carries on and runs once', async () => {
    const s = await sim({ templateVersionCheck: true })
    s.seed({ sourceText: source(OLD_FILE), runs: QUICK })
    s.addFault({ route: 'update', kind: 'reset', perform: true })
    const r = await run(s)
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expect(updates(s)).toHaveLength(1)
    expect(r.stdout).toMatch(
      /Atlan did not confirm the update of \S+ \(.*\), but reading it again shows it names the new file/
    )
    expect(fileOf(s).fileKey).toBe(s.files().at(-1)!.key)
    expect(submits(s)).toBe(1)
    expectClean(r, s)
  })

  it('is not resent: a fresh read (index lagging) cannot show it, so the step stops and says to check the workflow', async () => {
    const s = await sim({ indexLagMs: 60_000, templateVersionCheck: true })
    s.seed({ sourceText: source(OLD_FILE), runs: QUICK })
    s.addFault({ route: 'update', kind: 'reset', perform: true })
    const r = await run(s, { wait: 'false' })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      new RegExp(
        `::error::Atlan did not confirm the update of workflow ${WF} .*may have been changed in Atlan meanwhile.*not sent again and nothing was run.*Check the workflow in the Atlan UI`
      )
    )
    expect(updates(s)).toHaveLength(1)
    expect(submits(s)).toBe(0)
    expectClean(r, s)
  })
})
