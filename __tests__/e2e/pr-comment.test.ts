// The pull-request comment end to end (issue 23): dist/index.js with pull_request and push event
// payloads, GITHUB_API_URL at the GitHub simulator (requests validated against GitHub's OpenAPI
// description, bodies over 65,536 characters refused) and Atlan at its simulator. One comment per
// pull request, created once and updated in place; the result on the merged pull request after
// the push; a refusal is one warning and leaves the step's result alone; hostile text stays inert.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { initRepo, type GitRepo } from '../../scripts/git-repo.js'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { applyLineageCsv } from '../../sim/lineage-apply.js'
import type { Simulator } from '../../sim/server.js'
import { runAction, type ActionRun } from '../helpers/action.js'
import { closedPort } from '../helpers/closed-port.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, sim, submits } from '../helpers/e2e.js'
import {
  expectInert,
  expectNoMentions,
  expectOnlyOwnCommands,
  HOSTILE,
  MENTIONS
} from '../report/hostile.js'

const TOKEN = 'ghs_e2ePrCommentToken0333'
const SERVER = 'http://127.0.0.1:9' // GITHUB_SERVER_URL: the job-summary link is "ours" to expectInert
const MARKER = /^<!-- atlan-lineage-action:pr-comment [0-9a-f]{32} -->\n/

let gh: GitHubSim
beforeEach(async () => (gh = await startGitHubSim()))
afterEach(async () => {
  expect(gh.schemaViolations()).toEqual([])
  expect(gh.errors()).toEqual([])
  await gh.close()
})

/** The workflow's env for an event: its payload file, name, commit and ref. */
function eventEnv(
  dir: string,
  name: string,
  payload: unknown,
  extra: Record<string, string> = {}
): Record<string, string> {
  const path = join(dir, `.event-${name}-${Date.now()}.json`)
  writeFileSync(path, JSON.stringify(payload))
  return {
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: path,
    GITHUB_API_URL: gh.url,
    GITHUB_SERVER_URL: SERVER,
    GITHUB_REPOSITORY: 'acme/lineage',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'Lineage',
    ...extra
  }
}

function prPayload(number: number, base: string, head: string, fork = false) {
  return {
    number,
    pull_request: {
      number,
      base: { sha: base, ref: 'main', repo: { full_name: 'acme/lineage' } },
      head: {
        sha: head,
        ref: 'topic',
        repo: { full_name: fork ? 'contributor/lineage' : 'acme/lineage' }
      }
    }
  }
}

const prEnv = (dir: string, number: number, base: string, head: string, fork = false) =>
  eventEnv(dir, 'pull_request', prPayload(number, base, head, fork), {
    GITHUB_SHA: 'e'.repeat(40),
    GITHUB_REF: `refs/pull/${number}/merge`
  })

const pushEnv = (dir: string, before: string, after: string, branch = 'main') =>
  eventEnv(
    dir,
    'push',
    { before, after, ref: `refs/heads/${branch}` },
    {
      GITHUB_SHA: after,
      GITHUB_REF: `refs/heads/${branch}`
    }
  )

const warnings = (r: ActionRun) => r.stdout.split('\n').filter(l => l.startsWith('::warning'))

/** The lineage of a pull request: base on main, the tenant holding what the base made. */
const removed = row('c', 'd', 'c > d', { 12: '' })
const BASE = [HEADER, row('a', 'b'), row('b', 'c'), removed]
const HEAD = [HEADER, row('a', 'b'), row('b', 'c')]

async function lineageRepo(): Promise<{
  s: Simulator
  dir: string
  repo: GitRepo
  wf: string
  file: string
  base: string
  head: string
}> {
  const s = await sim()
  const dir = workspace()
  const repo = initRepo(dir)
  const file = writeCsv(dir, 'lineage.csv', BASE)
  const wf = s.seed({
    prefix: 'lineage',
    key: 'lineage.csv',
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  // An hour ago: prune leaves alone what was written after its plan began.
  applyLineageCsv(s.assets, readFileSync(join(dir, file), 'utf8'), {
    semantic: 'partial',
    caseSensitive: true,
    separator: ',',
    lagMs: 0,
    at: Date.now() - 3_600_000
  })
  const base = repo.commitAll('base')
  writeCsv(dir, 'lineage.csv', HEAD)
  const head = repo.commitAll('head')
  return { s, dir, repo, wf, file, base, head }
}

function run(
  s: Simulator,
  dir: string,
  inputs: Record<string, string>,
  env: Record<string, string>
): Promise<ActionRun> {
  return runAction({
    cwd: dir,
    inputs: inputsFor(s, { github_token: TOKEN, prune: 'true', ...inputs }),
    env
  })
}

describe('on a pull request', () => {
  it('creates one comment, and the next push updates it in place: never a second', async () => {
    const { s, dir, repo, wf, file, base, head } = await lineageRepo()
    gh.pullRequest({ number: 7, headSha: head })
    gh.seedComments(7, ['Looks good to me', 'What does prune retire here?'])
    const inputs = { workflow_name: wf, lineage_file: file, dry_run: 'true' }

    const first = await run(s, dir, inputs, prEnv(dir, 7, base, head))
    expect(first.code).toBe(0)
    expect(first.outputs.phase).toBe('DryRun')
    const ours = () => gh.comments().filter(c => c.user.type === 'Bot')
    expect(ours()).toHaveLength(1)
    const [created] = ours()
    expect(created.issue).toBe(7)
    expect(created.body).toMatch(MARKER)
    expect(created.body).toContain(`## 🧪 Atlan Lineage Builder: Dry run · ${wf}`)
    expect(created.body).toContain('### CSV validation of lineage.csv')
    expect(created.body).toContain('**0 added, 1 removed, 0 changed**')
    expect(created.body).toContain('### Plan against the tenant')
    expect(created.body).toContain('**Processes to retire**')
    expect(created.body).toContain(
      `[job summary](${SERVER}/acme/lineage/actions/runs/4242/attempts/1)`
    )
    expect(created.body).toContain(`commit ${head.slice(0, 12)}`)
    expect(first.stdout).toContain('Pull request comment created on #7.')
    expect(warnings(first)).toEqual([])

    // The next push to the pull request.
    writeCsv(dir, 'lineage.csv', [...HEAD, row('x', 'y')])
    const head2 = repo.commitAll('another row')
    const second = await run(s, dir, inputs, prEnv(dir, 7, base, head2))
    expect(second.code).toBe(0)
    expect(ours()).toHaveLength(1)
    const [updated] = ours()
    expect(updated.id).toBe(created.id)
    expect(updated.history.map(h => h.method)).toEqual(['POST', 'PATCH'])
    expect(updated.body).toContain('**1 added, 1 removed, 0 changed**')
    expect(updated.body).toContain(`commit ${head2.slice(0, 12)}`)
    expect(second.stdout).toContain('Pull request comment updated on #7.')
    // Looked up (listed) before each write, and after the create (the oldest of ours stays).
    const routes = gh
      .requests()
      .map(q => q.route)
      .filter(r => r.startsWith('comments/'))
    expect(routes).toEqual([
      'comments/list',
      'comments/create',
      'comments/list',
      'comments/list',
      'comments/update'
    ])
    expect(gh.comments()).toHaveLength(3) // the two reviews are untouched
    expect(submits(s)).toBe(0)
    expectClean(first, s, [TOKEN])
    expectClean(second, s, [TOKEN])
  })

  it("a copy of the marker by anyone else is never overwritten: the token's own comment is", async () => {
    const { s, dir, wf, file, base, head } = await lineageRepo()
    const inputs = { workflow_name: wf, lineage_file: file, dry_run: 'true' }
    gh.pullRequest({ number: 7, headSha: head })
    expect((await run(s, dir, inputs, prEnv(dir, 7, base, head))).code).toBe(0)
    const marker = gh.comments()[0].body.split('\n')[0]
    // On another pull request, someone (a person, another app) wrote comments starting with it.
    gh.pullRequest({ number: 8, headSha: head })
    gh.seedComments(8, [`${marker}\nforged by a person`])
    gh.seedComments(8, [`${marker}\nwritten by another app`], {
      login: 'renovate[bot]',
      type: 'Bot'
    })
    const r = await run(s, dir, inputs, prEnv(dir, 8, base, head))
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Pull request comment created on #8.')
    const on8 = gh.comments().filter(c => c.issue === 8)
    expect(on8.map(c => [c.user.login, c.body.split('\n')[1]])).toEqual([
      ['reviewer', 'forged by a person'],
      ['renovate[bot]', 'written by another app'],
      ['github-actions[bot]', expect.any(String)]
    ])
    expect(on8.slice(0, 2).every(c => c.history.length === 1)).toBe(true)
    // GITHUB_TOKEN may not ask who it is: GitHub's 403, then github-actions[bot] is assumed.
    expect(
      gh
        .requests()
        .filter(q => q.route === 'user/get')
        .map(q => q.status)
    ).toEqual([403, 403])
    expect(warnings(r)).toEqual([])
  })

  it("an app's token (actions/create-github-app-token): its bot's comment is updated, not added again", async () => {
    const { s, dir, repo, wf, file, base, head } = await lineageRepo()
    gh.tokenUser({ login: 'lineage-app[bot]', type: 'Bot' })
    gh.pullRequest({ number: 12, headSha: head })
    const inputs = { workflow_name: wf, lineage_file: file, dry_run: 'true' }
    expect((await run(s, dir, inputs, prEnv(dir, 12, base, head))).code).toBe(0)
    writeCsv(dir, 'lineage.csv', [...HEAD, row('x', 'y')])
    const head2 = repo.commitAll('another row')
    const second = await run(s, dir, inputs, prEnv(dir, 12, base, head2))
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('Pull request comment updated on #12.')
    const on12 = gh.comments().filter(c => c.issue === 12)
    expect(on12.map(c => [c.user.login, c.history.map(h => h.method)])).toEqual([
      ['lineage-app[bot]', ['POST', 'PATCH']]
    ])
    expect(warnings(second)).toEqual([])
  })

  it('403 (no pull-requests: write): one warning naming both ways out; the result is unchanged', async () => {
    const { s, dir, wf, file, base, head } = await lineageRepo()
    const inputs = { workflow_name: wf, lineage_file: file, dry_run: 'true' }
    const off = await run(s, dir, { ...inputs, pr_comment: 'false' }, prEnv(dir, 9, base, head))
    // pr_comment: false makes no GitHub call at all.
    expect(gh.requests()).toEqual([])
    gh.setFault('comments/create', 403, 10)
    const refused = await run(s, dir, inputs, prEnv(dir, 9, base, head))
    expect(gh.comments()).toHaveLength(0)
    expect(warnings(refused)).toEqual([
      "::warning::Pull request comment skipped: GitHub refused to comment on pull request #9 (HTTP 403: Resource not accessible by integration). To fix: add `permissions: pull-requests: write` to the job, or set pr_comment: false to turn the comment off. The step's result is unchanged."
    ])
    // The same step as with pr_comment: false, apart from the comment.
    expect(refused.code).toBe(off.code)
    const result = (r: ActionRun) => ({ ...JSON.parse(r.outputs.result), checkRunId: undefined })
    expect(result(refused)).toEqual(result(off))
    expect(refused.outputs.phase).toBe('DryRun')
    // GITHUB_TOKEN has no user (403): GraphQL's viewer names its bot.
    expect(gh.requests().map(q => q.route)).toEqual([
      'user/get',
      'graphql',
      'comments/list',
      'comments/create'
    ])
  })

  it("a fork's pull request (read-only token): the warning says why; the step still passes", async () => {
    const { s, dir, wf, file, base, head } = await lineageRepo()
    gh.pullRequest({ number: 11, fork: true, headSha: head })
    const r = await run(
      s,
      dir,
      { workflow_name: wf, lineage_file: file, dry_run: 'true' },
      prEnv(dir, 11, base, head, true)
    )
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('DryRun')
    expect(gh.comments()).toHaveLength(0)
    const w = warnings(r)
    expect(w).toHaveLength(1)
    expect(w[0]).toContain('GitHub refused to comment on pull request #11 (HTTP 403')
    expect(w[0]).toContain('on a pull request from a fork the token is read-only')
    expect(w[0]).toContain('`permissions: pull-requests: write`')
    expect(w[0]).toContain('pr_comment: false')
  })

  it('an unreachable GitHub API: one warning naming the cause; the step still passes', async () => {
    const { s, dir, wf, file, base, head } = await lineageRepo()
    const r = await run(
      s,
      dir,
      { workflow_name: wf, lineage_file: file, dry_run: 'true' },
      {
        ...prEnv(dir, 7, base, head),
        GITHUB_API_URL: `http://127.0.0.1:${await closedPort()}`
      }
    )
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('DryRun')
    expect(warnings(r)).toEqual([
      "::warning::Pull request comment skipped: could not reach the GitHub API to comment on pull request #7 (connection refused). Check GITHUB_API_URL and the runner's network or proxy settings. The step's result is unchanged."
    ])
  })
})

describe('after the merge', () => {
  it("the push of the merge commit puts the run's result on the same comment", async () => {
    const { s, dir, wf, file, base, head } = await lineageRepo()
    const inputs = { workflow_name: wf, lineage_file: file }
    const pr = await run(s, dir, { ...inputs, dry_run: 'true' }, prEnv(dir, 7, base, head))
    expect(pr.code).toBe(0)
    const [planned] = gh.comments()
    expect(planned.body).toContain('**Processes to retire**')

    // Merged: the head commit lands on main (a fast-forward), and the push runs the workflow.
    gh.pullRequest({ number: 7, headSha: head, mergeCommitSha: head })
    const merged = await run(s, dir, inputs, pushEnv(dir, base, head))
    expect(merged.code).toBe(0)
    expect(merged.outputs).toMatchObject({ phase: 'Succeeded', processes_retired: '1' })
    const comments = gh.comments()
    expect(comments).toHaveLength(1)
    const [report] = comments
    expect(report.id).toBe(planned.id)
    expect(report.history.map(h => h.method)).toEqual(['POST', 'PATCH'])
    const runId = merged.outputs.run_id
    expect(report.body).toMatch(MARKER)
    expect(report.body).toContain(`## ✅ Atlan Lineage Builder: Succeeded · [run ${runId}](`)
    expect(report.body).toContain(
      `the push of commit ${head.slice(0, 12)} to main ran the Lineage Builder`
    )
    expect(report.body).toContain('- **Phase:** Succeeded')
    expect(report.body).toContain(`- **Run:** [${runId}](${merged.outputs.run_url}`)
    expect(report.body).toMatch(
      /- \*\*Processes verified:\*\* 2 · \*\*missing:\*\* 0 · \*\*not checked:\*\* 0/
    )
    expect(report.body).toContain('- **Processes retired:** 1')
    expect(report.body).toContain('**Retired** (soft-deleted, restorable in Atlan): 1 process')
    expect(merged.stdout).toContain(
      'Pull request comment updated on #7 with the result after the merge.'
    )
    expect(gh.requests().find(q => q.route === 'commits/pulls')?.path).toContain(
      `/commits/${head}/pulls`
    )
    expectClean(merged, s, [TOKEN])
  })

  it('a commit with no pull request, or a push to a branch whose pull request is still open, gets no comment', async () => {
    const { s, dir, wf, file, base, head } = await lineageRepo()
    const inputs = { workflow_name: wf, lineage_file: file, prune: 'false' }
    const direct = await run(s, dir, inputs, pushEnv(dir, base, head))
    expect(direct.code).toBe(0)
    gh.pullRequest({ number: 12, headSha: head }) // open, its head pushed to its branch
    const topic = await run(s, dir, inputs, pushEnv(dir, base, head, 'topic'))
    expect(topic.code).toBe(0)
    expect(gh.requests().filter(q => q.route === 'commits/pulls')).toHaveLength(2)
    expect(gh.requests().filter(q => q.route.startsWith('comments/'))).toEqual([])
    expect(warnings(direct)).toEqual([])
    expect(warnings(topic)).toEqual([])
  })
})

describe('hostile text and size', () => {
  // A file name may hold anything but '/' and NUL.
  const FILE_NAME = `lin[eage](evil)<img src=x> @octocat @acme\n::error file=x::pwned\r##[warning]x.csv`

  it('HTML, mentions, links and workflow commands in cells, headers and the file name stay inert', async () => {
    const dir = workspace()
    const evil = `${HOSTILE.link} ${HOSTILE.image} ${MENTIONS} <details open><summary>x</summary> ${HOSTILE.autolink}`
    const file = writeCsv(dir, FILE_NAME, [
      `${HEADER},${evil.replace(/,/g, ' ')} ${HOSTILE.legacy}`,
      `${row(`a ${evil}`, 'b', `proc ${evil}`)},x`,
      `${row('b', 'c', `"proc${HOSTILE.command}${HOSTILE.fence} ${MENTIONS}"`, { 2: '' })},y`
    ])
    const r = await runAction({
      cwd: dir,
      inputs: {
        atlan_base_url: 'https://acme.atlan.com',
        atlan_api_key: 'k-create-dry-run',
        mode: 'create',
        dry_run: 'true',
        fail_on_errors: 'false',
        lineage_file: file,
        github_token: TOKEN
      },
      env: prEnv(dir, 21, 'a'.repeat(40), 'b'.repeat(40))
    })
    expect(r.outputs.phase).toBe('DryRun')
    expectOnlyOwnCommands(r.stdout)
    const [c] = gh.comments()
    expect(c.body).toMatch(MARKER)
    expect(c.body).toContain('### CSV validation')
    expectInert(c.body, /^http:\/\/127\.0\.0\.1:9\//)
    expectNoMentions(c.body)
    expect(c.body.match(/<!--/g)).toHaveLength(1) // the marker is the only HTML comment
    expect(c.body).not.toMatch(/<(img|details|summary)/i)
    expect(c.body).toContain('\\[Atlan token expired\\]')
  })

  it('a report longer than 65,536 characters is cut, points to the job summary, and GitHub accepts it', async () => {
    // Connections missing from the tenant, each named by angle brackets (four characters each
    // once escaped), fill the plan's tables far past a comment's limit.
    const s = await sim({
      readableConnections: [
        'default/snowflake/1700000001',
        'default/snowflake/1700000002',
        'default/dbt/1700000003'
      ]
    })
    const dir = workspace()
    const name = (i: number) => `${'<'.repeat(180)}${i}`
    const rows = Array.from({ length: 40 }, (_, i) =>
      row(`${'&'.repeat(90)}${i}`, `${'<'.repeat(90)}${i}`, `${'>'.repeat(90)}${i}`, {
        2: name(i),
        7: name(i + 100)
      })
    )
    const file = writeCsv(dir, 'big.csv', [HEADER, ...rows])
    const wf = s.seed({
      prefix: 'lineage',
      key: 'big.csv',
      runs: [{ phase: 'Succeeded', durationS: 1 }]
    })
    const r = await run(
      s,
      dir,
      { workflow_name: wf, lineage_file: file, dry_run: 'true' },
      prEnv(dir, 30, 'a'.repeat(40), 'b'.repeat(40))
    )
    const [c] = gh.comments()
    expect(c.body.length).toBeLessThanOrEqual(65_536)
    expect(c.body.length).toBeGreaterThan(60_000)
    expect(c.body).toMatch(MARKER)
    expect(c.body).toContain(
      `_…cut here: the report is longer than a pull-request comment may be (65,536 characters). The [job summary](${SERVER}/acme/lineage/actions/runs/4242/attempts/1) has all of it._`
    )
    expect(c.body.trimEnd().split('\n').at(-1)).toMatch(
      /^<sub>big\.csv · .*updated on every push<\/sub>$/
    )
    // The summary, with no such limit, has it all.
    expect(r.summary.length).toBeGreaterThan(c.body.length)
  })
})
