// The expression the docs and warnings give for turning the PR comment and the check run off on
// pull requests from forks, evaluated with GitHub's own expression library: it must be false only
// there, and stay true on a push (whose merge report the same workflow posts).
import { describe, expect, it } from '@jest/globals'
import { Evaluator, Lexer, Parser, data } from '@actions/expressions'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { NOT_A_FORK_PULL_REQUEST } from '../../src/github/checks.js'
import { PR_COMMENT_FORK_FIX } from '../../src/github/comments.js'
import { repoRoot } from '../helpers/shared.js'

type Json = string | number | boolean | null | undefined | { [key: string]: Json }

function toData(v: Json): data.ExpressionData {
  if (v === null || v === undefined) return new data.Null()
  if (typeof v === 'string') return new data.StringData(v)
  if (typeof v === 'boolean') return new data.BooleanData(v)
  if (typeof v === 'number') return new data.NumberData(v)
  return new data.Dictionary(
    ...Object.entries(v).map(([key, value]) => ({ key, value: toData(value) }))
  )
}

/** What the runner would pass as the input's value for this `github` context. */
function evaluate(template: string, github: Json): string {
  const inner = /^\$\{\{(.*)\}\}$/s.exec(template)
  if (!inner) throw new Error(`not an expression: ${template}`)
  const { tokens } = new Lexer(inner[1]).lex()
  const expr = new Parser(tokens, ['github'], []).parse()
  return new Evaluator(expr, new data.Dictionary({ key: 'github', value: toData(github) }))
    .evaluate()
    .coerceString()
}

const repository = 'acme/lineage'
const pr = (headRepo: string, fork: boolean) => ({
  pull_request: { number: 7, head: { repo: { full_name: headRepo, fork } } }
})
const events: [string, Json, string][] = [
  ['a push', { event_name: 'push', repository, event: { ref: 'refs/heads/main' } }, 'true'],
  ['a merge group', { event_name: 'merge_group', repository, event: {} }, 'true'],
  ['a manual run', { event_name: 'workflow_dispatch', repository, event: {} }, 'true'],
  [
    'a pull request from the repository itself',
    { event_name: 'pull_request', repository, event: pr(repository, false) },
    'true'
  ],
  [
    'a pull_request_target from a fork (the base repository’s token can write)',
    { event_name: 'pull_request_target', repository, event: pr('someone/lineage', true) },
    'true'
  ],
  [
    'a pull request from a fork',
    { event_name: 'pull_request', repository, event: pr('someone/lineage', true) },
    'false'
  ]
]

describe('NOT_A_FORK_PULL_REQUEST', () => {
  it.each(events)('on %s', (_, github, expected) => {
    expect(evaluate(NOT_A_FORK_PULL_REQUEST, github)).toBe(expected)
  })

  it('is the expression the PR comment warning and the README give, and the only one', () => {
    expect(PR_COMMENT_FORK_FIX).toContain(`pr_comment: ${NOT_A_FORK_PULL_REQUEST}`)
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const given = [...readme.matchAll(/(?:pr_comment|check_run): (\$\{\{.*?\}\})/g)].map(m => m[1])
    expect(given.length).toBeGreaterThanOrEqual(2)
    expect(new Set(given)).toEqual(new Set([NOT_A_FORK_PULL_REQUEST]))
  })
})
