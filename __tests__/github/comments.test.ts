// The pull-request comment's client and its life in a step, through a real Octokit against the
// GitHub simulator: found by its marker across pages before anything is created, created once,
// updated after; the merged pull request of a pushed commit; one warning naming the fix when
// GitHub refuses; a GitHub that does not answer is given up on.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { RequestError } from '@octokit/request-error'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { parseConfig } from '../../src/config/parse.js'
import { rawInputs } from '../helpers/inputs.js'
import { setEnv, withoutProxy } from '../helpers/env.js'
import type { CommentEvent } from '../../src/report/post-pr-comment.js'

type CommentsModule = typeof import('../../src/github/comments.js')
type PostModule = typeof import('../../src/report/post-pr-comment.js')
type OctokitModule = typeof import('../../src/github/octokit.js')

let sim: GitHubSim
let restoreEnv: () => void
let comments: CommentsModule
let post: PostModule
let octokitModule: OctokitModule

beforeAll(async () => {
  sim = await startGitHubSim()
  restoreEnv = setEnv({ ...withoutProxy(), GITHUB_API_URL: sim.url })
  // Imported after the env is set: @actions/github reads the proxy variables on import.
  octokitModule = await import('../../src/github/octokit.js')
  comments = await import('../../src/github/comments.js')
  post = await import('../../src/report/post-pr-comment.js')
})

afterAll(async () => {
  restoreEnv()
  await sim.close()
})

afterEach(() => {
  expect(sim.schemaViolations()).toEqual([])
  expect(sim.errors()).toEqual([])
})

const client = (_token = 'ghs_test_token', signal?: AbortSignal) =>
  octokitModule.createOctokit('ghs_test_token', {
    retryAfterBaseMs: 1,
    info: () => undefined,
    signal
  })
const MARKER = '<!-- atlan-lineage-action:pr-comment 0123456789abcdef -->'
const pr = (number: number) => ({ owner: 'acme', repo: 'lineage', number })
const BOT = 'github-actions[bot]'
const onPr = (n: number) => sim.comments().filter(c => c.issue === n)

describe('upsertComment', () => {
  it('creates the comment once, then updates it in place; an unchanged body is not written', async () => {
    const c = client()
    const first = await comments.upsertComment(c, pr(10), MARKER, `${MARKER}\none`, BOT)
    expect(first.action).toBe('created')
    const second = await comments.upsertComment(c, pr(10), MARKER, `${MARKER}\ntwo`, BOT)
    expect(second).toEqual({ action: 'updated', id: first.id })
    const third = await comments.upsertComment(c, pr(10), MARKER, `${MARKER}\ntwo`, BOT)
    expect(third).toEqual({ action: 'unchanged', id: first.id })
    expect(onPr(10)).toHaveLength(1)
    expect(onPr(10)[0]).toMatchObject({ body: `${MARKER}\ntwo`, history: [{}, {}] })
  })

  it('finds its comment on the third page (250 others before it) instead of adding a second', async () => {
    sim.seedComments(
      11,
      Array.from({ length: 250 }, (_, i) => `review ${i}`)
    )
    const c = client()
    await comments.upsertComment(c, pr(11), MARKER, `${MARKER}\nfirst`, BOT)
    sim.seedComments(11, ['later review'])
    const again = await comments.upsertComment(c, pr(11), MARKER, `${MARKER}\nsecond`, BOT)
    expect(again.action).toBe('updated')
    expect(onPr(11).filter(x => x.body.startsWith(MARKER))).toHaveLength(1)
    const lists = sim.requests().filter(q => q.route === 'comments/list' && q.path.includes('/11/'))
    // Looked for, looked up again after the create (the oldest of ours stays), then found.
    expect(lists.map(q => new URL(q.path, sim.url).searchParams.get('page') ?? '1')).toEqual([
      ...['1', '2', '3'],
      ...['1', '2', '3'],
      ...['1', '2', '3']
    ])
  })

  it('two steps that both found nothing (two workflows, quick pushes) leave one comment: the oldest', async () => {
    const c = client()
    // The first step's create is answered only after the second step has listed and created.
    let release: () => void = () => undefined
    sim.hold('comments/create', new Promise<void>(r => (release = r)))
    const first = comments.upsertComment(c, pr(15), MARKER, `${MARKER}\nfirst`, BOT)
    await new Promise<void>(resolve => {
      const poll = () =>
        sim.requests().some(q => q.route === 'comments/create' && q.path.includes('/15/'))
          ? resolve()
          : setTimeout(poll, 5)
      poll()
    })
    const second = await comments.upsertComment(c, pr(15), MARKER, `${MARKER}\nsecond`, BOT)
    release()
    const late = await first
    expect(second.action).toBe('created')
    expect(late).toEqual({ action: 'updated', id: second.id })
    expect(onPr(15).map(x => [x.id, x.body])).toEqual([[second.id, `${MARKER}\nfirst`]])
  })

  it("adopts only the token's own comment: a marker copied by a person or another bot is not ours", async () => {
    sim.seedComments(12, [`${MARKER}\npasted by a person`])
    sim.seedComments(12, [`${MARKER}\nanother app`], { login: 'renovate[bot]', type: 'Bot' })
    sim.seedComments(12, ['<!-- atlan-lineage-action:pr-comment other -->'], {
      login: BOT,
      type: 'Bot'
    })
    const c = client()
    expect(await comments.findComment(c, pr(12), MARKER, BOT)).toBeUndefined()
    const made = await comments.upsertComment(c, pr(12), MARKER, `${MARKER}\nours`, BOT)
    expect(made.action).toBe('created')
    expect(onPr(12).map(x => x.body)).toEqual([
      `${MARKER}\npasted by a person`,
      `${MARKER}\nanother app`,
      '<!-- atlan-lineage-action:pr-comment other -->',
      `${MARKER}\nours`
    ])
    // Logins compare without case, as GitHub's do.
    expect((await comments.findComment(c, pr(12), MARKER, 'GitHub-Actions[bot]'))?.id).toBe(made.id)
  })
})

describe('tokenLogin', () => {
  afterEach(() => sim.tokenUser(undefined))
  const lastStatus = (route: string) =>
    sim
      .requests()
      .filter(q => q.route === route)
      .at(-1)?.status

  it("GITHUB_TOKEN may not call GET /user (403): its comments are github-actions[bot]'s", async () => {
    expect(await comments.tokenLogin(client())).toBe(BOT)
    expect(lastStatus('user/get')).toBe(403)
  })

  it("a personal access token is its user: only that user's marker comment is updated", async () => {
    sim.tokenUser({ login: 'lineage-robot', type: 'User' })
    const c = client()
    expect(await comments.tokenLogin(c)).toBe('lineage-robot')
    // A marker comment by github-actions[bot] (an earlier run with GITHUB_TOKEN) is not this token's.
    sim.seedComments(13, [`${MARKER}\nold`], { login: BOT, type: 'Bot' })
    const first = await comments.upsertComment(c, pr(13), MARKER, `${MARKER}\nnew`, 'lineage-robot')
    expect(first.action).toBe('created')
    const again = await comments.upsertComment(
      c,
      pr(13),
      MARKER,
      `${MARKER}\nnewer`,
      'lineage-robot'
    )
    expect(again).toEqual({ action: 'updated', id: first.id })
    expect(onPr(13).map(x => [x.user.login, x.body])).toEqual([
      [BOT, `${MARKER}\nold`],
      ['lineage-robot', `${MARKER}\nnewer`]
    ])
  })

  it("an app's installation token has no user either: GraphQL's viewer names its bot, whose comment is updated", async () => {
    // As actions/create-github-app-token makes it: comments are written as "<app>[bot]".
    const app = { login: 'lineage-app[bot]', type: 'Bot' } as const
    sim.tokenUser(app)
    const c = client()
    expect(await comments.tokenLogin(c)).toBe(app.login)
    const first = await comments.upsertComment(c, pr(14), MARKER, `${MARKER}\none`, app.login)
    const again = await comments.upsertComment(
      c,
      pr(14),
      MARKER,
      `${MARKER}\ntwo`,
      await comments.tokenLogin(c)
    )
    expect(again).toEqual({ action: 'updated', id: first.id })
    expect(onPr(14).map(x => [x.user.login, x.body])).toEqual([[app.login, `${MARKER}\ntwo`]])
    expect(lastStatus('user/get')).toBe(403)
  })

  it('GitHub refusing the viewer query too: github-actions[bot] is assumed, as before', async () => {
    sim.setFault('graphql', 403, 1)
    expect(await comments.tokenLogin(client())).toBe(BOT)
  })

  it('any other failure of GET /user is not taken for GITHUB_TOKEN', async () => {
    sim.setFault('user/get', 401, 1)
    await expect(comments.tokenLogin(client())).rejects.toMatchObject({ status: 401 })
  })
})

describe('pullsOfCommit', () => {
  it('lists the pull requests of a commit with whether they are merged and their base', async () => {
    sim.pullRequest({ number: 20, mergeCommitSha: '2'.repeat(40), baseRef: 'release' })
    const found = await comments.pullsOfCommit(client(), {
      owner: 'acme',
      repo: 'lineage',
      sha: '2'.repeat(40)
    })
    expect(found).toEqual([{ number: 20, merged: true, baseRef: 'release' }])
  })
})

describe('commentFailure', () => {
  const refused = (status: number, message: string) =>
    new RequestError(message, status, {
      request: { method: 'POST', url: 'http://x', headers: {} },
      response: { status, url: 'http://x', headers: {}, data: { message } }
    })

  it('403 names both ways out, and a fork names why its token is read-only', () => {
    const error = refused(403, 'Resource not accessible by integration')
    expect(comments.commentFailure(error, 'comment on pull request #7')).toBe(
      "Pull request comment skipped: GitHub refused to comment on pull request #7 (HTTP 403: Resource not accessible by integration). To fix: add `permissions: pull-requests: write` to the job, or set pr_comment: false to turn the comment off. The step's result is unchanged."
    )
    // A permission cannot make a fork's token writable: the advice is the one that works there.
    expect(comments.commentFailure(error, 'comment on pull request #7', true)).toBe(
      "Pull request comment skipped: GitHub refused to comment on pull request #7 (HTTP 403: Resource not accessible by integration); on a pull request from a fork the token is read-only, whatever the job's permissions. To fix: set pr_comment: false for pull requests from forks, for example pr_comment: ${{ github.event_name != 'pull_request' || !github.event.pull_request.head.repo.fork }}; the repository's own pull requests need `permissions: pull-requests: write`. The step's result is unchanged."
    )
  })

  it('a rate limit is not taken for a missing permission', () => {
    const text = comments.commentFailure(refused(403, 'API rate limit exceeded'), 'comment')
    expect(text).not.toMatch(/permissions/)
    expect(text).toMatch(/could not comment \(HTTP 403: API rate limit exceeded\)/)
  })
})

describe('commentTarget', () => {
  const pr = (eventName: string) =>
    post.commentTarget({
      eventName,
      sha: 'f'.repeat(40),
      ref: 'refs/pull/9/merge',
      payload: {
        pull_request: {
          number: 9,
          base: { repo: { full_name: 'acme/lineage' } },
          head: { sha: 'a'.repeat(40), repo: { full_name: 'contributor/lineage' } }
        }
      },
      serverUrl: 'http://127.0.0.1:9',
      runId: 1,
      runAttempt: 1,
      workflow: 'Lineage'
    })

  it("a fork's read-only token is pull_request's; pull_request_target runs with the base's", () => {
    expect(pr('pull_request')).toMatchObject({ kind: 'pull_request', number: 9, fork: true })
    expect(pr('pull_request_target')).toMatchObject({
      kind: 'pull_request',
      number: 9,
      fork: false
    })
  })
})

describe('postPrComment', () => {
  const event = (extra: Partial<CommentEvent>): CommentEvent => ({
    eventName: 'pull_request',
    sha: 'f'.repeat(40),
    ref: 'refs/pull/30/merge',
    payload: {},
    repo: { owner: 'acme', repo: 'lineage' },
    serverUrl: 'http://127.0.0.1:9',
    runId: 5,
    runAttempt: 1,
    workflow: 'Lineage',
    ...extra
  })
  const input = (extra: Record<string, string> = {}) => ({
    result: { phase: 'DryRun' as const, failed: false },
    config: parseConfig(
      rawInputs({ workflow_name: 'wf-1', lineage_file: 'l.csv', github_token: 'ghs_x1', ...extra })
    ),
    secrets: []
  })

  it('gives up on a GitHub that does not answer, with one warning', async () => {
    let release: () => void = () => undefined
    sim.hold('comments/list', new Promise<void>(r => (release = r)))
    const warnings: string[] = []
    await post.postPrComment(input(), {
      event: event({ payload: { pull_request: { number: 30 } } }),
      client,
      warning: m => warnings.push(m),
      deadlineMs: 200
    })
    release()
    expect(warnings).toEqual([
      "Pull request comment skipped: GitHub did not answer within 200ms when asked to comment on pull request #30. The step's result is unchanged."
    ])
    expect(onPr(30)).toHaveLength(0)
  })

  it('after a push, only a pull request merged into the pushed branch gets the result', async () => {
    const sha = '4'.repeat(40)
    // Closed without merging, though its commit reached main (pushed there directly); open;
    // merged, but into another branch: none of them merged this push.
    sim.pullRequest({ number: 40, headSha: sha, closed: true })
    sim.pullRequest({ number: 41, commits: [sha] })
    sim.pullRequest({ number: 42, mergeCommitSha: sha, baseRef: 'release' })
    const warnings: string[] = []
    const push = event({ eventName: 'push', sha, ref: 'refs/heads/main' })
    await post.postPrComment(input(), { event: push, client, warning: m => warnings.push(m) })
    expect([40, 41, 42].flatMap(onPr)).toEqual([])
    // Merged into main: it gets the result.
    sim.pullRequest({ number: 43, mergeCommitSha: sha })
    await post.postPrComment(input(), { event: push, client, warning: m => warnings.push(m) })
    expect([40, 41, 42].flatMap(onPr)).toEqual([])
    expect(onPr(43)).toHaveLength(1)
    expect(warnings).toEqual([])
  })

  it('comments on nothing for other events, for a tag push, or with pr_comment: false', async () => {
    const before = sim.requests().length
    const warnings: string[] = []
    const deps = { client, warning: (m: string) => warnings.push(m) }
    await post.postPrComment(input(), { ...deps, event: event({ eventName: 'workflow_dispatch' }) })
    await post.postPrComment(input(), {
      ...deps,
      event: event({ eventName: 'push', ref: 'refs/tags/v1' })
    })
    await post.postPrComment(input({ pr_comment: 'false' }), {
      ...deps,
      event: event({ payload: { pull_request: { number: 31 } } })
    })
    expect(sim.requests().length).toBe(before)
    expect(warnings).toEqual([])
  })
})
