// Prune against a fake MetaApi: each candidate read again just before the delete (same GUID,
// still ACTIVE, not written after the plan began, not stamped by another workflow), deletes of 20
// GUIDs, and only what Atlan's reply lists counts as retired (docs/atlan-contract.md §10.10, §10.11).
import { describe, expect, it } from '@jest/globals'
import { CancelledError } from '../../src/run/signals.js'
import type { RetireCandidate } from '../../src/tenant/plan.js'
import { CLOCK_TOLERANCE_MS, retireProcesses } from '../../src/tenant/after.js'
import { DBT, FakeMeta, unavailable } from './fake-meta.js'

const HOUR = 3_600_000

function candidate(meta: FakeMeta, suffix: string, agoMs = HOUR): RetireCandidate {
  const e = meta.process(DBT, suffix, agoMs)
  return { qualifiedName: e.qualifiedName, guid: e.guid, baseLine: 4, updateTime: e.updatedAt }
}

const ctx = () => ({ planStartedAt: Date.now(), workflowName: 'csa-lineage-builder-1714638976' })

describe('retireProcesses', () => {
  it('deletes what is still the same ACTIVE process, in batches of 20, each read first', async () => {
    const meta = new FakeMeta()
    const list = Array.from({ length: 45 }, (_, i) => candidate(meta, `p${i}`))
    const res = await retireProcesses(meta, list, ctx())
    expect(meta.reads).toHaveLength(45)
    expect(meta.deletes.map(d => d.length)).toEqual([20, 20, 5])
    expect(res.retired).toHaveLength(45)
    expect(res.skipped).toEqual([])
    expect(meta.store.list().filter(e => e.typeName === 'Process' && !e.deletedAt)).toEqual([])
  })

  it('reads each batch again right before its delete, not all candidates up front', async () => {
    const meta = new FakeMeta()
    const list = Array.from({ length: 25 }, (_, i) => candidate(meta, `p${i}`))
    const order: string[] = []
    meta.onRead = () => void order.push('read')
    meta.onDelete = (guids, deleted) => (order.push(`delete ${guids.length}`), deleted)
    await retireProcesses(meta, list, ctx())
    expect(order).toEqual([
      ...Array<string>(20).fill('read'),
      'delete 20',
      ...Array<string>(5).fill('read'),
      'delete 5'
    ])
  })

  it('a delete that fails keeps what was retired before it, and names the rest', async () => {
    const meta = new FakeMeta()
    const list = Array.from({ length: 45 }, (_, i) => candidate(meta, `p${i}`))
    let calls = 0
    meta.onDelete = (_guids, deleted) => {
      if (++calls === 2) throw unavailable('DELETE /api/meta/entity/bulk')
      return deleted
    }
    const logged: string[] = []
    const res = await retireProcesses(meta, list, ctx(), { info: m => logged.push(m) })
    expect(res.retired).toHaveLength(20)
    expect(logged).toHaveLength(20)
    expect(logged[0]).toBe(`Retired ${list[0].qualifiedName} (removed line 4)`)
    expect(res.stopped).toMatch(/503/)
    expect(res.notDeleted).toHaveLength(25)
    expect(res.notDeleted[0].reason).toMatch(/its delete failed .*may still have been deleted/)
    expect(res.notDeleted[24].reason).toBe('not attempted: prune stopped before it')
    expect(meta.deletes).toHaveLength(2)
  })

  it('a job cancelled between batches keeps what was retired and sends nothing more', async () => {
    const meta = new FakeMeta()
    const list = Array.from({ length: 25 }, (_, i) => candidate(meta, `p${i}`))
    let reads = 0
    meta.onRead = () => {
      // As the client does once the job is cancelled (src/atlan/transport.ts).
      if (++reads > 20) throw new CancelledError('The job was cancelled: GET … was not sent.')
    }
    const res = await retireProcesses(meta, list, ctx())
    expect(res.retired).toHaveLength(20)
    expect(res.stopped).toMatch(/The job was cancelled/)
    expect(res.notDeleted.map(c => c.reason)).toEqual(
      Array<string>(5).fill('not attempted: prune stopped before it')
    )
    expect(meta.deletes).toHaveLength(1)
  })

  it('counts as retired only what Atlan says it deleted', async () => {
    const meta = new FakeMeta()
    const [a, b] = [candidate(meta, 'a'), candidate(meta, 'b')]
    meta.onDelete = (_guids, deleted) => deleted.filter(g => g === a.guid)
    const res = await retireProcesses(meta, [a, b], ctx())
    expect(res.retired.map(r => r.guid)).toEqual([a.guid])
    expect(res.notDeleted.map(r => r.guid)).toEqual([b.guid])
  })

  it('leaves alone, with the reason, a process gone, archived, or replaced under its GUID', async () => {
    const meta = new FakeMeta()
    const gone = candidate(meta, 'gone')
    meta.store.byGuid.delete(gone.guid)
    const archived = candidate(meta, 'archived')
    meta.store.softDelete(archived.guid, 0)
    const renamed = candidate(meta, 'renamed')
    meta.store.byGuid.get(renamed.guid)!.qualifiedName = `${DBT}/other`
    const res = await retireProcesses(meta, [gone, archived, renamed], ctx())
    expect(meta.deletes).toEqual([])
    expect(res.skipped.map(s => s.reason)).toEqual([
      'it no longer exists',
      'it is already DELETED',
      `its GUID now holds a Process named ${DBT}/other`
    ])
  })

  it('leaves alone a process written after the plan looked at it (another CSV’s run)', async () => {
    const meta = new FakeMeta()
    const c = candidate(meta, 'moved')
    // Another workflow writes the same process with a change (Atlas records no unchanged write,
    // §10.10), half an hour ago: still before the plan began, between the lookup and the re-read.
    meta.onRead = () => {
      const e = meta.store.byGuid.get(c.guid)!
      meta.store.put({ ...e, name: 'moved, as b.csv names it' }, 0, Date.now() - HOUR / 2)
    }
    const res = await retireProcesses(meta, [c], ctx())
    expect(res.retired).toEqual([])
    expect(res.skipped[0].reason).toMatch(
      /after this step's plan began \(another CSV's run may have written it\)/
    )
  })

  it('leaves alone a process written just before the plan began (within the clock tolerance)', async () => {
    const meta = new FakeMeta()
    const recent = candidate(meta, 'recent', CLOCK_TOLERANCE_MS / 2)
    const old = candidate(meta, 'old', 2 * CLOCK_TOLERANCE_MS)
    const res = await retireProcesses(meta, [recent, old], ctx())
    expect(res.retired.map(r => r.qualifiedName)).toEqual([old.qualifiedName])
    expect(res.skipped.map(s => s.qualifiedName)).toEqual([recent.qualifiedName])
  })

  it('leaves alone a process another workflow stamped, and one whose write time Atlan does not say', async () => {
    const meta = new FakeMeta()
    const stamped = candidate(meta, 'stamped')
    const undated = candidate(meta, 'undated')
    const real = meta.entity.bind(meta)
    meta.entity = async guid => {
      const e = await real(guid)
      if (guid === stamped.guid)
        return {
          ...e!,
          attributes: { ...e!.attributes, lastSyncWorkflowName: 'csa-lineage-builder-9' }
        }
      if (guid === undated.guid) return { ...e!, updateTime: undefined }
      return e
    }
    const res = await retireProcesses(meta, [stamped, undated], ctx())
    expect(res.retired).toEqual([])
    expect(res.skipped.map(s => s.reason)).toEqual([
      'workflow csa-lineage-builder-9 last wrote it, not csa-lineage-builder-1714638976',
      'Atlan did not say when it was last written'
    ])
  })

  it('leaves alone a process whose re-read does not prove it ACTIVE under the same GUID', async () => {
    const meta = new FakeMeta()
    const unstated = candidate(meta, 'unstated')
    const other = candidate(meta, 'other')
    const real = meta.entity.bind(meta)
    meta.entity = async guid => {
      const e = (await real(guid))!
      if (guid === unstated.guid) return { ...e, status: undefined }
      return { ...e, guid: 'another-guid' }
    }
    const res = await retireProcesses(meta, [unstated, other], ctx())
    expect(meta.deletes).toEqual([])
    expect(res.skipped.map(s => s.reason)).toEqual([
      'Atlan did not say it is ACTIVE',
      'Atlan answered its GUID with another-guid'
    ])
  })

  it('sends nothing for no candidates', async () => {
    const meta = new FakeMeta()
    expect(await retireProcesses(meta, [], ctx())).toMatchObject({ retired: [], requests: 0 })
    expect(meta.reads).toEqual([])
  })
})
