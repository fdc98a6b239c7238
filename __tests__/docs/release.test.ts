// script/release in a throw-away repository with a bare "origin": it checks the version against
// the tag, tags, moves the major tag, and pushes only after the second "y".
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../helpers/shared.js'

const release = join(repoRoot, 'script', 'release')
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1'
}

let dir: string
let work: string
let origin: string

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

function commitVersion(version: string): void {
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'x', version }))
  writeFileSync(join(work, 'CHANGELOG.md'), `# Changelog\n\n## [${version}]\n`)
  git(work, 'add', '.')
  git(work, 'commit', '-q', '-m', `v${version}`)
}

function run(args: string[], answers: string) {
  return spawnSync('bash', [release, ...args], {
    cwd: work,
    env: gitEnv,
    input: answers,
    encoding: 'utf8'
  })
}

const tagsAt = (cwd: string, tag: string) => git(cwd, 'rev-list', '-n', '1', tag)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'release-test-'))
  work = join(dir, 'work')
  origin = join(dir, 'origin.git')
  git(dir, 'init', '-q', '--bare', origin)
  git(dir, 'init', '-q', work)
  git(work, 'remote', 'add', 'origin', origin)
  commitVersion('1.0.0')
})

afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('script/release', () => {
  it('refuses a tag that does not match package.json', () => {
    const r = run(['v2.0.0'], 'y\ny\n')
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('does not match')
    expect(git(work, 'tag')).toBe('')
  })

  it('tags and moves the major tag, but does not push when the push is not confirmed', () => {
    const r = run([], 'y\nn\n')
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Not pushed')
    expect(git(work, 'tag').split('\n').sort()).toEqual(['v1', 'v1.0.0'])
    expect(tagsAt(work, 'v1')).toBe(git(work, 'rev-parse', 'HEAD'))
    expect(git(origin, 'tag')).toBe('')
  })

  it('does nothing without a first "y" (and with no answer at all)', () => {
    for (const answers of ['n\n', '']) {
      const r = run([], answers)
      expect(r.status).toBe(0)
      expect(git(work, 'tag')).toBe('')
    }
  })

  it('pushes both tags after confirmation, and moves v1 on the next release', () => {
    expect(run([], 'y\ny\n').status).toBe(0)
    expect(git(origin, 'tag').split('\n').sort()).toEqual(['v1', 'v1.0.0'])
    commitVersion('1.1.0')
    const r = run(['v1.1.0'], 'y\ny\n')
    expect(r.status).toBe(0)
    expect(tagsAt(origin, 'v1')).toBe(git(work, 'rev-parse', 'HEAD'))
    expect(tagsAt(origin, 'v1.0.0')).not.toBe(tagsAt(origin, 'v1'))
  })

  it('refuses an existing tag, an older version and a dirty work tree', () => {
    run([], 'y\nn\n')
    expect(run([], 'y\nn\n').stderr).toContain('already exists')
    commitVersion('0.9.0')
    expect(run([], 'y\nn\n').stderr).toContain('not newer')
    commitVersion('1.2.0')
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'x', version: '1.2.0' }) + ' ')
    expect(run([], 'y\nn\n').stderr).toContain('uncommitted')
  })

  it('leaves the major tag alone for a pre-release', () => {
    run([], 'y\nn\n')
    commitVersion('1.1.0-rc.1')
    const r = run([], 'y\nn\n')
    expect(r.status).toBe(0)
    expect(tagsAt(work, 'v1')).toBe(tagsAt(work, 'v1.0.0'))
    expect(git(work, 'tag')).toContain('v1.1.0-rc.1')
  })
})
