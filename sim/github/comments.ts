// Pull requests and their comments as GitHub keeps them (docs.github.com/rest/issues/comments,
// docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit): comments in
// ascending id order (created, updated, deleted), listed in pages with a Link header; bodies of
// at most 65,536 characters; a pull request from a fork whose token is read-only refuses every
// write.
import type { Reply } from './check-runs.js'

export interface SimUser {
  login: string
  type: 'Bot' | 'User'
}

export interface SimComment {
  id: number
  owner: string
  repo: string
  issue: number
  body: string
  user: SimUser
  created_at: string
  updated_at: string
  /** One entry per accepted create or update, oldest first. */
  history: Array<{ method: 'POST' | 'PATCH'; length: number }>
}

export interface SimPullRequest {
  number: number
  /** The head branch lives in a fork: the job's token is read-only, so writes answer 403. */
  fork?: boolean
  headSha?: string
  headRef?: string
  /** Default `main`. */
  baseRef?: string
  /** Set once merged: the commit the merge (or squash, or the last rebased commit) made. */
  mergeCommitSha?: string
  /** Closed without being merged (`merged_at` stays null). */
  closed?: boolean
  /** Other commits of the pull request, for the commit look-up. */
  commits?: string[]
}

/** Who the action's token writes as (GITHUB_TOKEN: the GitHub Actions app's bot user). */
export const ACTION_USER: SimUser = { login: 'github-actions[bot]', type: 'Bot' }

/** GitHub's limit on a comment body, in characters (its 422 names it). */
export const BODY_LIMIT = 65_536

const DOCS = 'https://docs.github.com/rest/issues/comments'

export class CommentStore {
  private readonly comments = new Map<number, SimComment>()
  private readonly pulls = new Map<string, SimPullRequest>()
  private nextId = 2_000_000_001

  /** Who the token writes as: GITHUB_TOKEN's bot, or a test's user (a PAT) or app bot. */
  writer: SimUser = ACTION_USER

  constructor(private readonly webUrl: () => string) {}

  /** Adds or replaces a pull request; comments on numbers never added act as a same-repo PR's. */
  setPullRequest(owner: string, repo: string, pr: SimPullRequest): void {
    this.pulls.set(`${owner}/${repo}#${pr.number}`, { ...pr })
  }

  all(): SimComment[] {
    return [...this.comments.values()].map(c => structuredClone(c))
  }

  /** Comments written by someone else (a reviewer), for tests of the look-up. */
  seed(owner: string, repo: string, issue: number, bodies: string[], user?: SimUser): void {
    for (const body of bodies)
      this.insert(owner, repo, issue, body, user ?? { login: 'reviewer', type: 'User' })
  }

  list(
    owner: string,
    repo: string,
    issue: number,
    query: URLSearchParams
  ): [Reply, Record<string, string>] {
    // GitHub takes at most 100 per page, 30 unless asked.
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1)
    const mine = [...this.comments.values()]
      .filter(c => c.owner === owner && c.repo === repo && c.issue === issue)
      .sort((a, b) => a.id - b.id)
    const last = Math.max(1, Math.ceil(mine.length / perPage))
    const items = mine.slice((page - 1) * perPage, page * perPage).map(c => this.toApi(c))
    return [
      { status: 200, body: items },
      linkHeader(this.webUrl(), owner, repo, issue, page, last, perPage)
    ]
  }

  create(owner: string, repo: string, issue: number, body: Record<string, unknown>): Reply {
    const refused = this.readOnly(owner, repo, issue) ?? tooLong(body.body, 'create')
    if (refused) return refused
    const c = this.insert(owner, repo, issue, String(body.body), this.writer)
    return { status: 201, body: this.toApi(c) }
  }

  update(owner: string, repo: string, id: number, body: Record<string, unknown>): Reply {
    const c = this.comments.get(id)
    if (!c || c.owner !== owner || c.repo !== repo) return notFound()
    const refused = this.readOnly(owner, repo, c.issue) ?? tooLong(body.body, 'update')
    if (refused) return refused
    c.body = String(body.body)
    c.updated_at = new Date().toISOString()
    c.history.push({ method: 'PATCH', length: c.body.length })
    return { status: 200, body: this.toApi(c) }
  }

  /** DELETE: 204 with no body; a fork's read-only token is refused like any write. */
  remove(owner: string, repo: string, id: number): Reply {
    const c = this.comments.get(id)
    if (!c || c.owner !== owner || c.repo !== repo) return notFound()
    const refused = this.readOnly(owner, repo, c.issue)
    if (refused) return refused
    this.comments.delete(id)
    return { status: 204, body: undefined }
  }

  /**
   * The pull requests of a commit: those it was merged by, and those whose head or commits hold
   * it (GitHub lists open ones only for commits not on the default branch; tests choose).
   */
  pullsOf(owner: string, repo: string, sha: string): Reply {
    const found = [...this.pulls.entries()]
      .filter(([key]) => key.startsWith(`${owner}/${repo}#`))
      .map(([, pr]) => pr)
      .filter(pr => pr.mergeCommitSha === sha || pr.headSha === sha || pr.commits?.includes(sha))
    return { status: 200, body: found.map(pr => this.pullToApi(owner, repo, pr)) }
  }

  private insert(
    owner: string,
    repo: string,
    issue: number,
    body: string,
    user: SimUser
  ): SimComment {
    const now = new Date().toISOString()
    const c: SimComment = {
      id: this.nextId++,
      owner,
      repo,
      issue,
      body,
      user,
      created_at: now,
      updated_at: now,
      history: [{ method: 'POST', length: body.length }]
    }
    this.comments.set(c.id, c)
    return c
  }

  private readOnly(owner: string, repo: string, issue: number): Reply | undefined {
    if (!this.pulls.get(`${owner}/${repo}#${issue}`)?.fork) return undefined
    // What a pull_request event from a fork gets: a token without write permissions.
    return {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: `${DOCS}#create-an-issue-comment`,
        status: '403'
      }
    }
  }

  private toApi(c: SimComment): Record<string, unknown> {
    const api = `${this.webUrl()}/repos/${c.owner}/${c.repo}`
    return {
      id: c.id,
      node_id: `IC_sim${c.id}`,
      url: `${api}/issues/comments/${c.id}`,
      html_url: `${this.webUrl()}/${c.owner}/${c.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${api}/issues/${c.issue}`,
      body: c.body,
      user: {
        login: c.user.login,
        id: c.user.type === 'Bot' ? 41898282 : 1,
        type: c.user.type,
        site_admin: false
      },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER'
    }
  }

  private pullToApi(owner: string, repo: string, pr: SimPullRequest): Record<string, unknown> {
    const full = `${owner}/${repo}`
    const headRepo = pr.fork ? `contributor/${repo}` : full
    return {
      id: 900_000 + pr.number,
      number: pr.number,
      state: pr.mergeCommitSha || pr.closed ? 'closed' : 'open',
      title: `Pull request ${pr.number}`,
      html_url: `${this.webUrl()}/${full}/pull/${pr.number}`,
      merged_at: pr.mergeCommitSha ? new Date().toISOString() : null,
      merge_commit_sha: pr.mergeCommitSha ?? null,
      base: {
        ref: pr.baseRef ?? 'main',
        sha: 'b'.repeat(40),
        label: `${owner}:${pr.baseRef ?? 'main'}`,
        repo: { full_name: full, fork: false }
      },
      head: {
        ref: pr.headRef ?? `topic-${pr.number}`,
        sha: pr.headSha ?? 'c'.repeat(40),
        label: `${headRepo.split('/')[0]}:${pr.headRef ?? `topic-${pr.number}`}`,
        repo: { full_name: headRepo, fork: pr.fork === true }
      }
    }
  }
}

/** GitHub's Link header: next and last while there are more pages, prev and first after the first. */
function linkHeader(
  web: string,
  owner: string,
  repo: string,
  issue: number,
  page: number,
  last: number,
  perPage: number
): Record<string, string> {
  const url = (p: number) =>
    `${web}/repos/${owner}/${repo}/issues/${issue}/comments?per_page=${perPage}&page=${p}`
  const links: string[] = []
  if (page > 1) links.push(`<${url(page - 1)}>; rel="prev"`, `<${url(1)}>; rel="first"`)
  if (page < last) links.push(`<${url(page + 1)}>; rel="next"`, `<${url(last)}>; rel="last"`)
  return links.length ? { link: links.join(', ') } : {}
}

/** GitHub's 422 for a body over the limit (counted in characters, as its message says). */
function tooLong(body: unknown, op: 'create' | 'update'): Reply | undefined {
  if (typeof body !== 'string' || [...body].length <= BODY_LIMIT) return undefined
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [
        {
          resource: 'IssueComment',
          code: 'unprocessable',
          field: 'data',
          message: `Body is too long (maximum is ${BODY_LIMIT} characters)`
        }
      ],
      documentation_url: `${DOCS}#${op}-an-issue-comment`,
      status: '422'
    }
  }
}

function notFound(): Reply {
  return {
    status: 404,
    body: {
      message: 'Not Found',
      documentation_url: `${DOCS}#update-an-issue-comment`,
      status: '404'
    }
  }
}
