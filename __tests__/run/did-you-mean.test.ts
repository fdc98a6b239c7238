import { describe, expect, it } from '@jest/globals'
import { closestNames } from '../../src/run/did-you-mean.js'

const newestFirst = [
  'csa-lineage-builder-1760000000',
  'csa-lineage-builder-1714638976',
  'csa-lineage-builder-1700000000'
]

describe('closestNames', () => {
  it('offers the name a digit or two away (swapped, dropped, mistyped)', () => {
    expect(closestNames('csa-lineage-builder-1714638967', newestFirst)).toEqual([
      'csa-lineage-builder-1714638976'
    ])
    expect(closestNames('csa-lineage-builder-171463897', newestFirst)).toEqual([
      'csa-lineage-builder-1714638976'
    ])
    expect(closestNames('CSA-Lineage-Builder-1714638976 ', newestFirst)).toEqual([
      'csa-lineage-builder-1714638976'
    ])
  })
  it("offers a run's workflow for a run name, and the names a cut-short name starts", () => {
    expect(closestNames('csa-lineage-builder-1714638976-x7k2p', newestFirst)).toEqual([
      'csa-lineage-builder-1714638976'
    ])
    // Every name starts so: the newest three, newest first.
    expect(closestNames('csa-lineage-builder', newestFirst)).toEqual(newestFirst)
    expect(closestNames('csa-lineage-builder-17', newestFirst, 2)).toEqual(newestFirst.slice(0, 2))
  })
  it('closest first; newest first among equals; at most `max`', () => {
    const names = ['csa-lineage-builder-1714638900', 'csa-lineage-builder-1714638970']
    expect(closestNames('csa-lineage-builder-1714638976', names)).toEqual([
      'csa-lineage-builder-1714638970',
      'csa-lineage-builder-1714638900'
    ])
    expect(closestNames('csa-lineage-builder-1714638976', names, 1)).toHaveLength(1)
  })
  it('offers nothing for a name unlike any, a short shared start, or the same name', () => {
    expect(closestNames('orders-lineage', newestFirst)).toEqual([])
    expect(closestNames('csa-', newestFirst)).toEqual([])
    expect(
      closestNames('csa-lineage-builder-1714638976', ['csa-lineage-builder-1714638976'])
    ).toEqual([])
    expect(closestNames('anything', [])).toEqual([])
  })
})
