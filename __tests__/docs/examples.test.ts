// The example workflows (and the README's YAML snippets, and our own CI) only use inputs and
// outputs that action.yml declares, and always give the required inputs.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { initRepo } from '../../scripts/git-repo.js'
import { actionYml } from '../helpers/inputs.js'
import { repoRoot } from '../helpers/shared.js'

interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
  run?: string
}
interface Workflow {
  on?: unknown
  permissions?: unknown
  jobs: Record<
    string,
    { steps?: Step[]; concurrency?: unknown; strategy?: unknown; permissions?: unknown }
  >
}

/** A step runs this action when `uses:` is the published ref (…/atlan-lineage-action@ref) or ./ */
function usesThisAction(uses: string | undefined): boolean {
  if (!uses) return false
  const u = uses.trim()
  return u === './' || u === '.' || /(^|\/)atlan-lineage-action@[\w.-]+$/.test(u)
}

const requiredInputs = Object.entries(actionYml.inputs)
  .filter(([, spec]) => spec.required)
  .map(([name]) => name)
const inputNames = new Set(Object.keys(actionYml.inputs))
const outputNames = new Set(Object.keys(actionYml.outputs))

function actionSteps(wf: Workflow): Array<{ job: string; step: Step }> {
  const out: Array<{ job: string; step: Step }> = []
  for (const [job, spec] of Object.entries(wf.jobs ?? {}))
    for (const step of spec.steps ?? []) if (usesThisAction(step.uses)) out.push({ job, step })
  return out
}

/** Events on which the action comments on a pull request (pr_comment, default true). */
const COMMENT_EVENTS = ['push', 'pull_request', 'pull_request_target']

/**
 * Jobs that run the action with pr_comment on, on an event that comments, without
 * `pull-requests: write` (in the job's or the workflow's permissions): copied, they would warn.
 */
function withoutCommentPermission(wf: Workflow): string[] {
  const events = typeof wf.on === 'string' ? [wf.on] : Object.keys(wf.on ?? {})
  if (!events.some(e => COMMENT_EVENTS.includes(e))) return []
  const writes = (p: unknown) =>
    p === 'write-all' ||
    (typeof p === 'object' &&
      p !== null &&
      (p as Record<string, unknown>)['pull-requests'] === 'write')
  const missing = new Set<string>()
  for (const { job, step } of actionSteps(wf)) {
    if (String(step.with?.pr_comment ?? 'true') === 'false') continue
    const perms = wf.jobs[job].permissions ?? wf.permissions
    // No permissions key at all: the repository's default token, which may be read-only.
    if (!writes(perms)) missing.add(job)
  }
  return [...missing]
}

/** Problems with how a workflow uses the action: unknown inputs, missing required inputs, unknown outputs. */
function problems(wf: Workflow, text: string): string[] {
  const found: string[] = []
  const ids = new Set<string>()
  for (const { job, step } of actionSteps(wf)) {
    if (step.id) ids.add(step.id)
    const given = Object.keys(step.with ?? {})
    for (const key of given)
      if (!inputNames.has(key)) found.push(`${job}: input "${key}" is not in action.yml`)
    for (const req of requiredInputs)
      if (!given.includes(req)) found.push(`${job}: required input "${req}" is missing`)
  }
  // steps.<id>.outputs.<name> of an action step must name a declared output.
  for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g))
    if (ids.has(m[1]) && !outputNames.has(m[2]))
      found.push(`output "${m[2]}" (steps.${m[1]}) is not in action.yml`)
  return found
}

const exampleDir = join(repoRoot, 'examples', 'workflows')
const examples = readdirSync(exampleDir).filter(f => /\.ya?ml$/.test(f))

describe('examples/workflows', () => {
  it('has the five documented examples', () => {
    expect(examples.sort()).toEqual(
      ['bootstrap-s3.yml', 'dispatch.yml', 'matrix.yml', 'pr-validate.yml', 'push.yml'].sort()
    )
  })

  it.each(examples)('%s uses the action with valid inputs and outputs', file => {
    const text = readFileSync(join(exampleDir, file), 'utf8')
    const wf = parse(text) as Workflow
    expect(wf.on).toBeDefined()
    expect(actionSteps(wf).length).toBeGreaterThan(0)
    expect(problems(wf, text)).toEqual([])
    expect(withoutCommentPermission(wf)).toEqual([])
  })

  it('the PR example is a dry run with the full history for the base diff', () => {
    const wf = parse(readFileSync(join(exampleDir, 'pr-validate.yml'), 'utf8')) as Workflow
    const { job } = actionSteps(wf)[0]
    const steps = wf.jobs[job].steps ?? []
    expect(steps.find(s => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth']).toBe(0)
    expect(actionSteps(wf)[0].step.with).toMatchObject({ dry_run: true, mode: 'create' })
  })

  it.each(['push.yml', 'pr-validate.yml'])(
    '%s takes the CSVs from the changed files, not a hard-coded path',
    file => {
      const wf = parse(readFileSync(join(exampleDir, file), 'utf8')) as Workflow
      for (const { job, step } of actionSteps(wf)) {
        expect(step.with?.lineage_file).toBe('${{ matrix.csv }}')
        expect(JSON.stringify(wf.jobs[job].strategy)).toContain('fromJSON(needs.changed.outputs.')
        const checkout = wf.jobs[job].steps?.find(s => s.uses?.startsWith('actions/checkout'))
        expect(checkout?.with?.['fetch-depth']).toBe(0)
      }
    }
  )

  it.each(examples)('%s: a CSV uploaded to an existing workflow names the workflow', file => {
    const wf = parse(readFileSync(join(exampleDir, file), 'utf8')) as Workflow
    for (const { step } of actionSteps(wf)) {
      const mode = String(step.with?.mode ?? 'rerun')
      if (step.with?.lineage_file && mode !== 'create' && step.with?.dry_run !== true)
        expect(step.with?.workflow_name).toBeTruthy()
    }
  })

  it('the matrix example serialises runs per workflow with a concurrency group', () => {
    const wf = parse(readFileSync(join(exampleDir, 'matrix.yml'), 'utf8')) as Workflow
    const job = Object.values(wf.jobs)[0]
    expect(job.strategy).toBeDefined()
    expect(JSON.stringify(job.concurrency)).toContain('matrix.')
  })

  it('the S3 bootstrap does not ask the action to upload into the own bucket', () => {
    const wf = parse(readFileSync(join(exampleDir, 'bootstrap-s3.yml'), 'utf8')) as Workflow
    for (const { step } of actionSteps(wf)) {
      expect(step.with?.object_store).toBe('s3')
      if (step.with?.lineage_file) expect(step.with?.dry_run).toBe(true)
    }
  })
})

describe('usesThisAction', () => {
  it.each([
    ['OWNER/atlan-lineage-action@v1', true],
    ['acme/atlan-lineage-action@0123456789abcdef0123456789abcdef01234567', true],
    ['./', true],
    ['actions/checkout@v4', false],
    ['OWNER/atlan-lineage-action-fork@v1', false],
    [undefined, false]
  ])('%s → %s', (uses, expected) => {
    expect(usesThisAction(uses)).toBe(expected)
  })
})

describe('other workflow YAML', () => {
  it("the README's YAML snippets that use the action are valid", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const blocks = [...readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map(m => m[1])
    let checked = 0
    for (const block of blocks) {
      const doc = parse(block) as unknown
      // A full workflow, or a list of steps.
      const wf: Workflow | undefined =
        doc && typeof doc === 'object' && 'jobs' in doc
          ? (doc as Workflow)
          : Array.isArray(doc)
            ? { jobs: { snippet: { steps: doc as Step[] } } }
            : undefined
      if (!wf || actionSteps(wf).length === 0) continue
      expect(problems(wf, block)).toEqual([])
      expect(withoutCommentPermission(wf)).toEqual([])
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(2)
  })

  it("the README's workflow for pull requests and pushes keeps them in different concurrency groups", () => {
    // GitHub keeps one pending run per group and cancels the one before: a pull request's dry
    // run sharing the pushes' group would cancel a push's pending run, and main's CSV would
    // never be applied.
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    let checked = 0
    for (const [, block] of readme.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
      const wf = parse(block) as Workflow
      if (!wf || typeof wf !== 'object' || !('jobs' in wf) || typeof wf.on !== 'object') continue
      const events = Object.keys(wf.on ?? {})
      if (!events.includes('push') || !events.some(e => e.startsWith('pull_request'))) continue
      for (const { job } of actionSteps(wf)) {
        const concurrency = wf.jobs[job].concurrency
        if (concurrency === undefined) continue
        const group = typeof concurrency === 'string' ? concurrency : JSON.stringify(concurrency)
        expect(group).toMatch(/\$\{\{[^}]*github\.(event_name|event\.pull_request\.number|ref)\b/)
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(1)
  })

  it('CI runs the action itself (uses: ./) as a dry run in create mode', () => {
    const text = readFileSync(join(repoRoot, '.github', 'workflows', 'ci.yml'), 'utf8')
    const wf = parse(text) as Workflow
    const steps = actionSteps(wf)
    expect(steps.map(s => s.step.uses)).toContain('./')
    expect(problems(wf, text)).toEqual([])
    expect(steps[0].step.with).toMatchObject({ mode: 'create', dry_run: true })
  })
})

/** Runs the `id: list` step of an example in a throw-away repository, with the runner's bash flags. */
function runListStep(file: string, env: Record<string, string>, repo: string) {
  const wf = parse(readFileSync(join(exampleDir, file), 'utf8')) as Workflow
  const step = wf.jobs.changed.steps?.find(s => s.id === 'list')
  const out = join(repo, '..', 'output')
  writeFileSync(out, '')
  const stepEnv = Object.fromEntries(
    Object.entries(step?.env ?? {}).filter(([, v]) => !String(v).includes('${{'))
  )
  const r = spawnSync(
    'bash',
    ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step?.run ?? 'exit 9'],
    {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...stepEnv, ...env, GITHUB_OUTPUT: out }
    }
  )
  return { status: r.status, stderr: r.stderr, output: readFileSync(out, 'utf8') }
}

const hasTools = ['git', 'jq'].every(t => spawnSync(t, ['--version']).status === 0)
if (!hasTools) process.stderr.write('NOTICE: skipping the changed-files steps: no git or jq.\n')

;(hasTools ? describe : describe.skip)('the changed-files steps of the examples', () => {
  function repo(): { dir: string; git: (...a: string[]) => string } {
    const dir = join(mkdtempSync(join(tmpdir(), 'examples-')), 'repo')
    mkdirSync(join(dir, 'lineage', 'sub'), { recursive: true })
    const { git, commitAll } = initRepo(dir)
    for (const f of ['lineage/orders.csv', 'lineage/customers.csv', 'lineage/old.csv'])
      writeFileSync(join(dir, f), 'a\n')
    writeFileSync(join(dir, 'README.md'), 'x\n')
    commitAll('base')
    return { dir, git }
  }

  it('push.yml: the changed CSVs with their workflows; deleted ones left out', () => {
    const { dir, git } = repo()
    try {
      const before = git('rev-parse', 'HEAD')
      writeFileSync(join(dir, 'lineage', 'orders.csv'), 'b\n')
      writeFileSync(join(dir, 'README.md'), 'y\n')
      git('rm', '-q', 'lineage/old.csv')
      git('commit', '-qam', 'change')
      const r = runListStep('push.yml', { BEFORE: before }, dir)
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      expect(r.output).toBe(
        'matrix=[{"csv":"lineage/orders.csv","workflow":"csa-lineage-builder-1714638976"}]\n'
      )
      // A branch's first push (before = 0000…): every CSV.
      const first = runListStep('push.yml', { BEFORE: '0'.repeat(40) }, dir)
      expect(first.status).toBe(0)
      expect(first.output).toContain('"csv":"lineage/customers.csv"')
      expect(first.output).toContain('"csv":"lineage/orders.csv"')
      // A changed CSV that no workflow reads fails the job, naming it.
      const head = git('rev-parse', 'HEAD')
      writeFileSync(join(dir, 'lineage', 'sub', 'new.csv'), 'n\n')
      git('add', '.')
      git('commit', '-qm', 'new')
      const unmapped = runListStep('push.yml', { BEFORE: head }, dir)
      expect(unmapped.status).not.toBe(0)
      expect(unmapped.stderr).toContain('no workflow for lineage/sub/new.csv')
      expect(unmapped.output).toBe('')
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true })
    }
  })

  it('pr-validate.yml: the CSVs the PR adds or changes, in sub-folders too', () => {
    const { dir, git } = repo()
    try {
      const base = git('rev-parse', 'HEAD')
      writeFileSync(join(dir, 'lineage', 'customers.csv'), 'b\n')
      writeFileSync(join(dir, 'lineage', 'sub', 'new.csv'), 'n\n')
      git('add', '.')
      git('commit', '-qm', 'change')
      const r = runListStep('pr-validate.yml', { BASE: base }, dir)
      expect(r.status).toBe(0)
      expect(r.output).toBe('files=["lineage/customers.csv","lineage/sub/new.csv"]\n')
      git('commit', '-q', '--allow-empty', '-m', 'nothing')
      const none = runListStep('pr-validate.yml', { BASE: git('rev-parse', 'HEAD') }, dir)
      expect(none.output).toBe('files=[]\n')
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true })
    }
  })
})
