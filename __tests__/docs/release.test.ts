// script/release in a throw-away repository with a bare "origin": it checks the version against
// the tag, tags, moves the major tag, and pushes only after the second "y".
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { git, gitEnv, initRepo, type GitRepo } from '../../scripts/git-repo.js'
import { repoRoot } from '../helpers/shared.js'

const release = join(repoRoot, 'script', 'release')

let dir: string
let work: string
let origin: string
let repo: GitRepo

function commitVersion(version: string): void {
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'x', version }))
  writeFileSync(join(work, 'CHANGELOG.md'), `# Changelog\n\n## [${version}]\n`)
  repo.commitAll(`v${version}`)
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
  mkdirSync(work)
  repo = initRepo(work)
  repo.git('remote', 'add', 'origin', origin)
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
