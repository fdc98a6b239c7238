// The URLs the action writes into the job summary and the check run copy cleanly: a reader can
// paste the suggested base URL, the run link or the tenant address as they are (no invisible
// character in them), while a URL in text from elsewhere still renders as no link.
import { afterEach, describe, expect, it } from '@jest/globals'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { runAction } from '../helpers/action.js'
import { inputsFor, sim } from '../helpers/e2e.js'
import { INVISIBLE, copiedUrls, expectInert } from './hostile.js'

let gh: GitHubSim | undefined
afterEach(async () => {
  await gh?.close()
  gh = undefined
})

/** No URL in the rendered text carries an invisible character, and each of `urls` copies as is. */
function expectPasteable(markdown: string, urls: string[]): void {
  const copied = copiedUrls(markdown)
  expect(copied.filter(u => INVISIBLE.test(u))).toEqual([])
  expect(copied).toEqual(expect.arrayContaining(urls))
}

describe('URLs in the report paste as they are (dist/index.js)', () => {
  it('the suggested base URL of an input error', async () => {
    const r = await runAction({
      inputs: { atlan_base_url: 'https://acme.atlan.com/home', atlan_api_key: 'k' }
    })
    expect(r.outputs.phase).toBe('Invalid')
    expect(r.summary).toContain("use the tenant's origin without a path:")
    expectPasteable(r.summary, ['https://acme.atlan.com'])
  })

  it('the tenant address in a "not found" message', async () => {
    const s = await sim()
    const r = await runAction({
      inputs: inputsFor(s, { workflow_name: 'csa-lineage-builder-1714638976' })
    })
    expect(r.outputs.phase).toBe('Invalid')
    expectPasteable(r.summary, [s.url])
  })

  it("a Failed run: the run link in the message and the check run; Atlan's own URL shows, unlinked", async () => {
    const s = await sim({
      outcome: 'Failed',
      outcomeMessage: 'Asset X not found, see https://evil.example/autolink'
    })
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    gh = await startGitHubSim()
    const r = await runAction({
      inputs: inputsFor(s, {
        workflow_name: wf,
        check_run: 'true',
        github_token: 'ghs_urls_test_token_0123'
      }),
      env: { GITHUB_API_URL: gh.url }
    })
    expect(r.outputs.phase).toBe('Failed')
    const runUrl = r.outputs.run_url
    expect(runUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/workflows\/profile\//)
    expectPasteable(r.summary, [runUrl, 'https://evil.example/autolink'])
    expectInert(r.summary)
    const texts = gh
      .requests()
      .filter(q => q.route.startsWith('checks/'))
      .map(q => (q.body as { output?: { summary?: string } }).output?.summary ?? '')
    for (const t of texts) {
      expectPasteable(t, [])
      expectInert(t)
    }
    const done = texts.filter(t => t.includes('Asset X not found'))
    expect(done.length).toBeGreaterThanOrEqual(1)
    for (const t of done) expectPasteable(t, [runUrl, 'https://evil.example/autolink'])
  })
})
