import { describe, expect, it, jest } from '@jest/globals'
import { chunk, clampCheckText, clampText, TEXT_LIMIT } from '../../src/github/check-limits.js'
import { CheckRunReporter, type ChecksClient } from '../../src/github/checks.js'

describe('Checks API limits', () => {
  it('leaves short text alone and cuts long text to the limit with a note', () => {
    expect(clampCheckText('short')).toBe('short')
    const long = 'y'.repeat(TEXT_LIMIT + 1000)
    const cut = clampCheckText(long)
    expect(cut.length).toBeLessThanOrEqual(TEXT_LIMIT)
    const omitted = Number(/truncated: (\d+) characters/.exec(cut)?.[1])
    expect(cut.indexOf('\n\n_…') + omitted).toBe(long.length)
  })

  it('never splits a surrogate pair', () => {
    expect(clampText('ab😀', 3)).toBe('ab')
    const cut = clampCheckText('😀'.repeat(TEXT_LIMIT))
    expect(cut.length).toBeLessThanOrEqual(TEXT_LIMIT)
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
  })

  it('chunks', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunk([], 50)).toEqual([])
  })
})

describe('CheckRunReporter with a fake client', () => {
  function fake() {
    const calls: { op: string; params: Record<string, unknown> }[] = []
    const client = {
      rest: {
        checks: {
          create: async (params: Record<string, unknown>) => {
            calls.push({ op: 'create', params })
            return { data: { id: 1, html_url: 'https://github.com/o/r/runs/1' } }
          },
          update: async (params: Record<string, unknown>) => {
            calls.push({ op: 'update', params })
            return { data: { id: 1 } }
          }
        }
      }
    } as unknown as ChecksClient
    return { client, calls }
  }
  const annotation = {
    path: 'a.csv',
    start_line: 0,
    end_line: -1,
    annotation_level: 'notice' as const,
    message: 'm',
    title: 't'.repeat(300)
  }

  it('caps annotations, says so in the summary, and cleans each one', async () => {
    const { client, calls } = fake()
    const r = new CheckRunReporter({ octokit: client, owner: 'o', repo: 'r', maxAnnotations: 120 })
    await r.start({ name: 'n', headSha: 'a', title: 't', summary: 's' })
    await r.complete({
      conclusion: 'failure',
      title: 't',
      summary: 's',
      annotations: Array(130).fill(annotation)
    })
    const updates = calls
      .filter(c => c.op === 'update')
      .map(c => c.params.output as Record<string, unknown>)
    expect(updates.map(o => (o.annotations as unknown[]).length)).toEqual([50, 50, 20])
    expect(updates[2].summary).toBe('s\n\nOnly the first 120 of 130 problems are annotated.')
    expect((updates[0].annotations as Record<string, unknown>[])[0]).toEqual({
      ...annotation,
      start_line: 1,
      end_line: 1,
      title: 't'.repeat(255)
    })
  })

  it('completes without an annotations key when there are none', async () => {
    const { client, calls } = fake()
    const r = new CheckRunReporter({ octokit: client, owner: 'o', repo: 'r' })
    await r.start({ name: 'n', headSha: 'a', title: 't', summary: 's' })
    await r.complete({ conclusion: 'success', title: 't', summary: 's' })
    const last = calls.at(-1)?.params as Record<string, unknown>
    expect(last).toMatchObject({ status: 'completed', conclusion: 'success', check_run_id: 1 })
    expect(last.output).toEqual({ title: 't', summary: 's' })
  })

  it('does nothing when complete() comes without start()', async () => {
    const { client, calls } = fake()
    // The reporter says so in the step's debug log (a workflow command on stdout): captured here.
    const written: string[] = []
    const write = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation(chunk => (written.push(String(chunk)), true))
    try {
      await new CheckRunReporter({ octokit: client, owner: 'o', repo: 'r' }).complete({
        conclusion: 'success',
        title: 't',
        summary: 's'
      })
    } finally {
      write.mockRestore()
    }
    expect(calls).toEqual([])
    expect(written.join('')).toContain('::debug::check run: update/complete before start')
  })
})
