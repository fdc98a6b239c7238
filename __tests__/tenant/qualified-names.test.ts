// The Lineage Builder's naming rule (docs/atlan-contract.md §10.6). Expected hashes were computed
// outside this code base (Python hashlib.md5 of the concatenated UTF-8 string).
import { describe, expect, it } from '@jest/globals'
import {
  assetQualifiedName,
  connectionRef,
  processQualifiedName,
  processSuffix,
  type ProcessParts
} from '../../src/tenant/qualified-names.js'

const parts = (over: Partial<ProcessParts> = {}): ProcessParts => ({
  name: 'source_table > target_view',
  identity: '',
  connection: { connector: 'Matillion', name: 'prod-conn' },
  source: { connector: 'MATILLION', name: 'prod-conn', identity: 'db1/schema1/source_table' },
  target: { connector: 'snowflake', name: 'Ana lytics', identity: 'db2/schema2/target_view' },
  ...over
})

describe('qualifiedNames as the Lineage Builder makes them', () => {
  it('lowercases the connector of a connection reference, not the name', () => {
    expect(connectionRef({ connector: 'SnowFlake', name: 'Prod East' })).toBe(
      '{{snowflake/Prod East}}'
    )
  })

  it('names an asset <connectionQN>/<Identity>', () => {
    expect(assetQualifiedName('default/snowflake/1700000001', 'RAW/SALES/ORDERS')).toBe(
      'default/snowflake/1700000001/RAW/SALES/ORDERS'
    )
  })

  it('uses the Transformation Identity when there is one', () => {
    expect(processQualifiedName('default/dbt/1', parts({ identity: 'xform_123' }))).toBe(
      'default/dbt/1/xform_123'
    )
  })

  it('hashes name + unresolved references (connectors lowercased) without an identity', () => {
    expect(processSuffix(parts())).toBe('5812460ee4b9990982e554b3f951cf69')
    expect(processQualifiedName('default/matillion/9', parts())).toBe(
      'default/matillion/9/5812460ee4b9990982e554b3f951cf69'
    )
  })

  it('hashes UTF-8 bytes', () => {
    const p = parts({
      name: 'load ünïcode',
      connection: { connector: 'dbt', name: 'dbt-cloud' },
      source: { connector: 'snowflake', name: 'analytics-prod', identity: 'RAW/SALES/ORDERS' },
      target: {
        connector: 'snowflake',
        name: 'analytics-prod',
        identity: 'STAGING/SALES/STG_ORDERS'
      }
    })
    expect(processSuffix(p)).toBe('28cfb66f410e7f56a8a1cb099c754425')
  })

  it('changes with every part that enters the hash', () => {
    const h = processSuffix(parts())
    expect(processSuffix(parts({ name: 'other' }))).not.toBe(h)
    expect(processSuffix(parts({ connection: { connector: 'matillion', name: 'x' } }))).not.toBe(h)
    expect(
      processSuffix(parts({ target: { ...parts().target, identity: 'db2/schema2/other' } }))
    ).not.toBe(h)
  })
})
