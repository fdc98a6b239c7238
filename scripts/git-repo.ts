// Throw-away git repositories for the tests, the benchmarks and the demo: git runs with a fixed
// author and without the machine's global or system configuration, so a developer's signing,
// hooks or default branch cannot change what a commit does.
import { spawnSync } from 'node:child_process'

/** The environment git runs with here (and that scripts which call git themselves are given). */
export const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Lineage Test',
  GIT_AUTHOR_EMAIL: 'lineage-test@example.com',
  GIT_COMMITTER_NAME: 'Lineage Test',
  GIT_COMMITTER_EMAIL: 'lineage-test@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1'
}

/** Runs git in `cwd` and returns its trimmed output; throws with git's own message on failure. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' })
  if (r.status !== 0)
    throw new Error(`git ${args.join(' ')} failed: ${r.stderr || r.error?.message || r.status}`)
  return r.stdout.trim()
}

export interface GitRepo {
  dir: string
  /** git in this repository. */
  git(...args: string[]): string
  /** Stages every change in the work tree and commits it; returns the new commit's SHA. */
  commitAll(message: string): string
}

/** A new repository in `dir` (which must exist) on branch `main`. */
export function initRepo(dir: string): GitRepo {
  git(dir, 'init', '-q', '-b', 'main')
  const inRepo = (...args: string[]) => git(dir, ...args)
  return {
    dir,
    git: inRepo,
    commitAll(message) {
      inRepo('add', '-A')
      inRepo('commit', '-q', '-m', message)
      return inRepo('rev-parse', 'HEAD')
    }
  }
}
