// Code comments cite the Atlan contract in the repository (docs/atlan-contract.md §N.N), never
// notes a maintainer cannot open: every cited section must exist, and scripts/cite-contract.sh
// must have nothing left to rewrite.
import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../helpers/shared.js'

const CONTRACT = 'docs/atlan-contract.md'

/** Section numbers, plus `N.M` for item M of a numbered list directly in section N (§9.8). */
function sections(): Set<string> {
  const have = new Set<string>()
  let top = ''
  for (const line of readFileSync(join(repoRoot, CONTRACT), 'utf8').split('\n')) {
    const heading = /^(#{2,3}) (\d+(?:\.\d+)?)\.? /.exec(line)
    if (heading) {
      have.add(heading[2])
      top = heading[1] === '##' ? heading[2] : ''
      continue
    }
    const item = /^(\d+)\. /.exec(line)
    if (item && top) have.add(`${top}.${item[1]}`)
  }
  return have
}

function citingFiles(): string[] {
  const files = execFileSync('git', ['ls-files', 'src', 'sim', 'scripts', 'bench', '__tests__'], {
    cwd: repoRoot,
    encoding: 'utf8'
  })
  return files.split('\n').filter(f => /\.(ts|mts|js|mjs|md)$/.test(f))
}

/** `§3.4`, and the numbers listed or ranged after it (`§3.4-3.8`, `§3.2, 3.3`). */
function cited(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(
    /atlan-contract\.md §(\d+(?:\.\d+)?(?:(?:-|–|, §?|, )\d+(?:\.\d+)?)*)/g
  ))
    out.push(...m[1].split(/-|–|, §?/))
  return out
}

describe(CONTRACT, () => {
  it('has every section a comment cites', () => {
    const have = sections()
    expect(have.has('3.6')).toBe(true)
    const missing: string[] = []
    for (const file of citingFiles()) {
      const text = readFileSync(join(repoRoot, file), 'utf8')
      for (const n of cited(text)) if (!have.has(n)) missing.push(`${file}: §${n}`)
    }
    expect(missing).toEqual([])
  })

  it('is cited instead of notes outside the repository (run scripts/cite-contract.sh)', () => {
    const check = spawnSync('bash', ['scripts/cite-contract.sh', '--check'], {
      cwd: repoRoot,
      encoding: 'utf8'
    })
    expect(check.stdout.trim().split('\n').filter(Boolean)).toEqual([])
    expect(check.status).toBe(0)
  })
})
