// The template read and written as text (docs/atlan-contract.md §10.3), and search replies cut to
// the hits asked for (§3.4).
import { describe, expect, it } from '@jest/globals'
import { BASE, envelope, json, makeClient, runHit, text } from './fakes.js'

const WF = 'csa-lineage-builder-1714638976'
/** A `_source` a JSON round trip would change: big integer, `1.50`, duplicate key, `__proto__`. */
const SOURCE = `{"apiVersion":"argoproj.io/v1alpha1","kind":"WorkflowTemplate",
 "metadata": {"name": "${WF}", "namespace": "default", "generation": 2,
   "uid": 123456789012345678901, "annotations": {"__proto__": {"x": 1}, "r": 1.50, "d": 1, "d": 2}},
 "spec": {"templates": [{"name": "main", "dag": {"tasks": [{"name": "run", "arguments":
   {"parameters": [{"name": "lineage_file", "value": "{}"}]}}]}}]}, "status": {}}`

const reply = (sources: string[]) =>
  `{"took": 2, "hits": {"total": {"value": ${sources.length}}, "hits": [${sources
    .map((s, i) => `{"_id": "${WF}-${i}", "_score": null, "_source": ${s}}`)
    .join(', ')}]}}`

describe('readTemplate', () => {
  it("returns the hit's _source exactly as sent, and its parsed form", async () => {
    const { client, fake } = makeClient([text(200, reply([SOURCE]))])
    const read = await client.readTemplate(WF)
    expect(read?.text).toBe(SOURCE)
    expect(read?.doc.metadata).toMatchObject({ name: WF, generation: 2 })
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/workflows/indexsearch`)
    expect(fake.calls[0].body).toMatchObject({ size: 1 })
  })

  it('a hit for another workflow is not found (never written back under this name)', async () => {
    const other = SOURCE.replace(`"name": "${WF}"`, '"name": "someone-else"')
    const { client } = makeClient([text(200, reply([other]))])
    expect(await client.readTemplate(WF)).toBeUndefined()
  })

  it('a reply nesting deeper than the bound is refused before it is walked', async () => {
    const deep = SOURCE.replace('"status": {}', `"status": ${'['.repeat(5000)}${']'.repeat(5000)}`)
    const { client } = makeClient([text(200, reply([deep]))])
    await expect(client.readTemplate(WF)).rejects.toThrow(
      /cannot edit safely \(it nests deeper than 128 levels\).*not changed and nothing was run/
    )
  })

  it('of duplicate _source keys the last counts, as JSON.parse has it', async () => {
    const hit = `{"took": 1, "hits": {"hits": [{"_id": "${WF}", "_source": {"metadata": {"name": "x"}}, "_source": ${SOURCE}}]}}`
    const { client } = makeClient([text(200, hit)])
    expect((await client.readTemplate(WF))?.text).toBe(SOURCE)
  })
})

describe('updateWorkflow', () => {
  it('sends the text byte for byte and reads the generation of the reply', async () => {
    const { client, fake } = makeClient([
      json(200, {
        metadata: { name: WF, generation: 3 },
        spec: JSON.parse(SOURCE).spec
      })
    ])
    const stored = await client.updateWorkflow(WF, SOURCE)
    expect(Buffer.from(fake.calls[0].body as Uint8Array).toString('utf8')).toBe(SOURCE)
    expect(fake.calls[0].headers['content-type']).toBe('application/json')
    expect(fake.calls[0].url).toBe(`${BASE}/api/service/workflows/${WF}`)
    expect(stored).toMatchObject({ generation: 3, parameters: { lineage_file: '{}' } })
  })
})

describe('search replies with more hits than asked for', () => {
  it('a run search answered with 190,000 hits reads the first ones asked for, and says so in the debug log', async () => {
    // Small hits, so the flood stays under the 32 MB reply cap.
    const flood = Array.from({ length: 190_000 }, (_, i) => ({
      _id: `wf-1-${i}`,
      _source: { status: { phase: 'Succeeded' } }
    }))
    const { client, log } = makeClient([json(200, envelope(flood))])
    const runs = await client.runsOf('wf-1', 10)
    expect(runs.map(r => r.name)).toEqual(flood.slice(0, 10).map(h => h._id))
    expect(log.lines).toContain(
      'debug: POST /api/service/runs/indexsearch: the reply holds 190000 hits, more than the 10 asked for; only the first 10 are read'
    )
  })

  it('a workflow search by name reads one hit', async () => {
    const { client, log } = makeClient([text(200, reply([SOURCE, SOURCE, SOURCE]))])
    expect((await client.findWorkflow(WF))?.name).toBe(WF)
    expect(log.lines.filter(l => l.includes('3 hits, more than the 1 asked for'))).toHaveLength(1)
  })

  it('a run with a bad id past the asked-for hits is never read', async () => {
    const hits = [runHit('wf-1-a', 'wf-1', { phase: 'Running' }), runHit('bad id!', 'wf-1', {})]
    const { client } = makeClient([json(200, envelope(hits))])
    expect((await client.getRun('wf-1-a'))?.name).toBe('wf-1-a')
  })
})
