// Replies are capped after decompression (src/atlan/transport.ts): a real client against a
// loopback server that answers a gzip bomb.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { gzipSync } from 'node:zlib'
import { AtlanError } from '../../src/atlan/errors.js'
import { setEnv, withoutProxy } from '../helpers/env.js'
import { loopbackServer } from '../helpers/loopback.js'
import { realClient } from './fakes.js'

const tenant = loopbackServer()
let restoreEnv: () => void
beforeAll(() => {
  restoreEnv = setEnv(withoutProxy())
})
afterAll(() => restoreEnv())

describe('row 8: replies are capped after decompression', () => {
  it('a gzip bomb (64 MB of zeros in ~64 KB) is cut at the cap, read once, and named clearly', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20))
    let hits = 0
    tenant.handler = (_req, res) => {
      hits++
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(bomb)
    }
    // Inflating 32 MB takes a while on a loaded machine: a timeout there would be a second read.
    const client = realClient(tenant.url, { requestTimeoutMs: 15_000 })
    try {
      const e = (await client.getRun('wf-1-abcde').catch((x: unknown) => x)) as AtlanError
      expect(e).toBeInstanceOf(AtlanError)
      expect(e.message).toMatch(/larger than 32 MB \(after decompression\)/)
      expect(hits).toBe(1)
    } finally {
      await client.close()
    }
  })
})
