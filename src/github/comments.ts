// The pull-request comment's GitHub calls (a pull request's comments are issue comments): find
// ours by its marker, create or update it, and the pull requests of a pushed commit. The client's
// own signal (createOctokit's `signal`) bounds them in time; the messages say what to do when
// GitHub refuses.
import { RequestError } from '@octokit/request-error'
import { apiMessage, NOT_A_FORK_PULL_REQUEST, networkFailure } from './checks.js'
import { rateLimitWait, type Octokit } from './octokit.js'

/** The slice of Octokit used here. */
export type CommentsClient = Pick<Octokit, 'paginate' | 'graphql'> & {
  rest: {
    issues: Pick<
      Octokit['rest']['issues'],
      'listComments' | 'createComment' | 'updateComment' | 'deleteComment'
    >
    repos: Pick<Octokit['rest']['repos'], 'listPullRequestsAssociatedWithCommit'>
    users: Pick<Octokit['rest']['users'], 'getAuthenticated'>
  }
}

export interface PullRequestRef {
  owner: string
  repo: string
  number: number
}

/** Pages of 100 comments read at most while looking for ours. */
export const MAX_COMMENT_PAGES = 100

/** A pull request this many comments long is not searched further, and gets no new comment. */
export class CommentSearchLimit extends Error {}

interface Found {
  id: number
  body: string
}

/** Who GITHUB_TOKEN writes as: the GitHub Actions app's bot user. */
export const ACTIONS_BOT = 'github-actions[bot]'

/**
 * The login our comments are written under: the token's own user (GET /user, a personal access
 * token), else its app's bot. An app's installation token (GITHUB_TOKEN, or one from
 * actions/create-github-app-token) has no user, and GitHub refuses GET /user with 403 "Resource
 * not accessible by integration"; GraphQL's `viewer` still names its bot (`<app>[bot]`), so an
 * app's comment is found again instead of added on every push. Should that query fail too,
 * github-actions[bot] (GITHUB_TOKEN's) is assumed. Any other failure of GET /user is thrown.
 */
export async function tokenLogin(client: CommentsClient): Promise<string> {
  try {
    return (await client.rest.users.getAuthenticated()).data.login
  } catch (error) {
    const refused = error instanceof RequestError && error.status === 403 && !rateLimitWait(error)
    if (!refused) throw error
  }
  try {
    const { viewer } = await client.graphql<{ viewer?: { login?: unknown } }>(
      'query { viewer { login } }'
    )
    if (typeof viewer?.login === 'string' && viewer.login) return viewer.login
  } catch {
    // Not known: GITHUB_TOKEN, the usual case, is assumed below.
  }
  return ACTIONS_BOT
}

/**
 * Our comment on the pull request: the oldest whose body starts with `marker` and that `author`
 * wrote. A copy of the marker by anyone else is not ours to overwrite. All pages are read before
 * anything is created, so a comment is never made twice.
 */
export async function findComment(
  client: CommentsClient,
  pr: PullRequestRef,
  marker: string,
  author: string
): Promise<Found | undefined> {
  let pages = 0
  const list = client.paginate.iterator(client.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    per_page: 100
  })
  for await (const page of list) {
    for (const c of page.data) {
      // Logins are case-insensitive on GitHub.
      if (c.body?.startsWith(marker) && c.user?.login.toLowerCase() === author.toLowerCase())
        return { id: c.id, body: c.body }
    }
    // A bound on what one step reads; a full last page means there may be more.
    if (++pages >= MAX_COMMENT_PAGES && page.data.length === 100)
      throw new CommentSearchLimit(
        `pull request #${pr.number} has more than ${MAX_COMMENT_PAGES * 100} comments`
      )
  }
  return undefined
}

export type Upserted = { action: 'created' | 'updated' | 'unchanged'; id: number }

/**
 * Updates our comment (`author`'s, found by `marker`, which `body` starts with), or creates it.
 * Two steps that looked at the same time (two workflows on one pull request, quick pushes) may
 * both find nothing and both create: so after a create the oldest of ours is looked up again, and
 * when it is another's, ours is removed and its body goes there. Only the oldest ever stays, as
 * every step sees the same oldest.
 */
export async function upsertComment(
  client: CommentsClient,
  pr: PullRequestRef,
  marker: string,
  body: string,
  author: string
): Promise<Upserted> {
  const where = { owner: pr.owner, repo: pr.repo }
  const update = async (found: Found): Promise<Upserted> => {
    if (found.body === body) return { action: 'unchanged', id: found.id }
    await client.rest.issues.updateComment({ ...where, comment_id: found.id, body })
    return { action: 'updated', id: found.id }
  }
  const found = await findComment(client, pr, marker, author)
  if (found) return update(found)
  const made = await client.rest.issues.createComment({ ...where, issue_number: pr.number, body })
  const oldest = await findComment(client, pr, marker, author)
  if (!oldest || oldest.id === made.data.id) return { action: 'created', id: made.data.id }
  await client.rest.issues.deleteComment({ ...where, comment_id: made.data.id })
  return update(oldest)
}

export interface CommitPull {
  number: number
  merged: boolean
  /** The branch it was merged into (or targets). */
  baseRef: string
}

/** The pull requests GitHub associates with a commit (the merged one that brought it in first). */
export async function pullsOfCommit(
  client: CommentsClient,
  where: { owner: string; repo: string; sha: string }
): Promise<CommitPull[]> {
  const res = await client.rest.repos.listPullRequestsAssociatedWithCommit({
    owner: where.owner,
    repo: where.repo,
    commit_sha: where.sha,
    per_page: 100
  })
  return res.data.map(pr => ({
    number: pr.number,
    merged: Boolean(pr.merged_at),
    baseRef: pr.base.ref
  }))
}

/** How to give the comment its permission, or do without it. */
export const PR_COMMENT_FIX =
  'add `permissions: pull-requests: write` to the job, or set pr_comment: false to turn the comment off'

/** A fork's pull_request token stays read-only whatever the job asks for: no comment there. */
export const PR_COMMENT_FORK_FIX =
  'set pr_comment: false for pull requests from forks, for example ' +
  `pr_comment: ${NOT_A_FORK_PULL_REQUEST}; ` +
  "the repository's own pull requests need `permissions: pull-requests: write`"

/** The warning for a GitHub that did not answer within the comment's time budget. */
export function commentTimeout(what: string, budget: string): string {
  return `Pull request comment skipped: GitHub did not answer within ${budget} when asked to ${what}. The step's result is unchanged.`
}

/**
 * The one warning for a comment that could not be made: what GitHub said and what to do. `what`
 * names the call ("create the comment on pull request #7"); `fork`: a pull_request event from a
 * fork, whose token no permission makes writable.
 */
export function commentFailure(error: unknown, what: string, fork = false): string {
  const head = 'Pull request comment skipped'
  const tail = "The step's result is unchanged."
  if (error instanceof CommentSearchLimit)
    return `${head}: ${error.message}, too many to look for this action's comment; a new one is not added. ${tail}`
  const unreachable = networkFailure(error)
  if (unreachable)
    return `${head}: could not reach the GitHub API to ${what} (${unreachable}). Check GITHUB_API_URL and the runner's network or proxy settings. ${tail}`
  const status = error instanceof RequestError ? error.status : undefined
  const message = apiMessage(error)
  const detail = `${status !== undefined ? `HTTP ${status}: ` : ''}${message}`
  if (status === 403 && !/rate limit/i.test(message)) {
    if (fork)
      return `${head}: GitHub refused to ${what} (${detail}); on a pull request from a fork the token is read-only, whatever the job's permissions. To fix: ${PR_COMMENT_FORK_FIX}. ${tail}`
    return `${head}: GitHub refused to ${what} (${detail}). To fix: ${PR_COMMENT_FIX}. ${tail}`
  }
  if (status === 404)
    return `${head}: GitHub could not find where to ${what} (${detail}). Check that github_token belongs to this repository, or set pr_comment: false. ${tail}`
  if (status === 401)
    return `${head}: GitHub rejected the token (${detail}); check the github_token input, or set pr_comment: false. ${tail}`
  return `${head}: could not ${what} (${detail}). ${tail}`
}
