// Presigned upload against a real HTTP server on 127.0.0.1: the file is streamed (several
// chunks, Content-Length from stat), carries no Authorization, and failures reopen the stream; an
// upload to a store that never answers is bounded, and only the validated bytes are sent.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AtlanClient } from '../../src/atlan/client.js'
import { AtlanError } from '../../src/atlan/errors.js'
import { openLineageFile } from '../../src/lineage/source.js'
import { setEnv, withoutProxy } from '../helpers/env.js'
import { loopbackServer } from '../helpers/loopback.js'
import { API_KEY, MemoryLog, makeClient, realClient } from './fakes.js'

const SIGNATURE = 'SIGNATURE-abcdef0123456789'
const SIZE = 6 * 1024 * 1024 + 123

interface Put {
  headers: http.IncomingHttpHeaders
  bytes: number
  chunks: number
  sha256: string
}

let server: http.Server
let base: string
let dir: string
let file: string
let fileSha: string
let puts: Put[] = []
let presigns: http.IncomingHttpHeaders[] = []
/** Status for each coming PUT, in order; 201 once the list is empty. */
let putStatuses: number[] = []
let restoreEnv: () => void
let client: AtlanClient | undefined
let log: MemoryLog

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlan-upload-'))
  // The upload only reads files inside the workspace.
  restoreEnv = setEnv({ ...withoutProxy(), GITHUB_WORKSPACE: dir })
  file = join(dir, 'lineage.csv')
  const data = randomBytes(SIZE)
  writeFileSync(file, data)
  fileSha = createHash('sha256').update(data).digest('hex')

  server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/service/files/presignedUrl') {
      presigns.push(req.headers)
      let body = ''
      req.on('data', c => (body += c))
      req.on('end', () => {
        const { key } = JSON.parse(body) as { key: string }
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify({ url: `${base}/objectstore/${key}?sig=${SIGNATURE}&exp=60` }))
      })
      return
    }
    if (req.method === 'PUT' && req.url?.startsWith('/objectstore/')) {
      const hash = createHash('sha256')
      const put: Put = { headers: req.headers, bytes: 0, chunks: 0, sha256: '' }
      req.on('data', (c: Buffer) => {
        put.bytes += c.length
        put.chunks++
        hash.update(c)
      })
      req.on('end', () => {
        put.sha256 = hash.digest('hex')
        puts.push(put)
        res.statusCode = putStatuses.shift() ?? 201
        res.end(res.statusCode >= 400 ? `<Error><Signature>${SIGNATURE}</Signature></Error>` : '')
      })
      return
    }
    res.statusCode = 404
    res.end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterEach(async () => {
  await client?.close()
  client = undefined
  puts = []
  presigns = []
  putStatuses = []
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  rmSync(dir, { recursive: true, force: true })
  restoreEnv()
})

function makeRealClient(): AtlanClient {
  log = new MemoryLog()
  client = new AtlanClient({
    baseUrl: base,
    apiKey: API_KEY,
    version: '1.2.3',
    requestTimeoutMs: 10_000,
    uploadTimeoutMs: 10_000,
    family: 'workflows',
    sleep: async () => {},
    log
  })
  return client
}

describe('uploadFile', () => {
  it('streams a multi-MB file with Content-Length, BlockBlob and no Authorization', async () => {
    const c = makeRealClient()
    const result = await c.uploadFile(await c.presignUpload('lineage/orders.csv'), file)
    expect(result).toEqual({ status: 201, bytes: SIZE })

    expect(presigns).toHaveLength(1)
    expect(presigns[0].authorization).toBe(`Bearer ${API_KEY}`)

    expect(puts).toHaveLength(1)
    const put = puts[0]
    expect(put.bytes).toBe(SIZE)
    expect(put.sha256).toBe(fileSha)
    // Streamed from disk: many reads of the file arrive as separate chunks.
    expect(put.chunks).toBeGreaterThan(5)
    expect(put.headers['content-length']).toBe(String(SIZE))
    expect(put.headers['transfer-encoding']).toBeUndefined()
    expect(put.headers['x-ms-blob-type']).toBe('BlockBlob')
    expect(put.headers.authorization).toBeUndefined()
    expect(put.headers['user-agent']).toBe('atlan-lineage-action/1.2.3')

    expect(log.lines.some(l => l.includes('/objectstore/lineage/orders.csv'))).toBe(true)
    expect(log.lines.join('\n')).not.toContain(SIGNATURE)
    expect(log.lines.join('\n')).not.toContain(API_KEY)
  })

  it('accepts 200 (S3/GCS)', async () => {
    putStatuses = [200]
    const c = makeRealClient()
    const url = await c.presignUpload('a.csv')
    expect(await c.uploadFile(url, file)).toEqual({ status: 200, bytes: SIZE })
  })

  it('retries a 503 with a fresh stream: the retry carries the whole file', async () => {
    putStatuses = [503, 502]
    const c = makeRealClient()
    const url = await c.presignUpload('b.csv')
    expect(await c.uploadFile(url, file)).toEqual({ status: 201, bytes: SIZE })
    expect(puts).toHaveLength(3)
    for (const p of puts) expect(p.sha256).toBe(fileSha)
    expect(log.lines.filter(l => l.includes('retrying in'))).toHaveLength(2)
    expect(log.lines.join('\n')).not.toContain(SIGNATURE)
  })

  it('403 (expired URL) is not retried; the error hides the signature', async () => {
    putStatuses = [403]
    const c = makeRealClient()
    const url = await c.presignUpload('c.csv')
    const err = (await c.uploadFile(url, file).catch(e => e)) as AtlanError
    expect(err).toBeInstanceOf(AtlanError)
    expect(err.kind).toBe('permission')
    expect(err.endpoint).toBe('PUT /objectstore/c.csv')
    expect(err.message).toContain('expired')
    expect(err.message).not.toContain(SIGNATURE)
    expect(puts).toHaveLength(1)
  })

  it('a missing file fails before any request', async () => {
    const c = makeRealClient()
    await expect(
      c.uploadFile(`${base}/objectstore/x?sig=1`, join(dir, 'nope.csv'))
    ).rejects.toThrow(/lineage_file.*was not found/)
    expect(puts).toHaveLength(0)
  })
})

describe('uploadDirect without the opened lineage file', () => {
  it('opens the path under the same rules as lineage_file: outside the workspace, nothing is sent', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'direct-outside-'))
    const file = join(outside, 'lineage.csv')
    writeFileSync(file, 'a,b\n')
    const restore = setEnv({ GITHUB_WORKSPACE: process.cwd() })
    const { client, fake } = makeClient([])
    try {
      await expect(client.uploadDirect(file)).rejects.toThrow(/outside the workspace/)
      expect(fake.calls).toHaveLength(0)
    } finally {
      restore()
      rmSync(outside, { recursive: true, force: true })
    }
  })
})

/** An object store whose behaviour each test below sets. */
const store = loopbackServer()

describe('row 12: an upload to a store that never answers is bounded', () => {
  it('each attempt ends after request_timeout without progress; attempts stop at the limit', async () => {
    const file = join(dir, 'l.csv')
    writeFileSync(file, 'a,b\n')
    let puts = 0
    store.handler = req => {
      // Reads the body, then never answers.
      puts++
      req.resume()
    }
    const client = realClient(store.url, {
      requestTimeoutMs: 300,
      retry: { baseMs: 1, capMs: 5, maxAttempts: 3 }
    })
    try {
      const e = (await client
        .uploadFile(`${store.url}/objectstore/k.csv?sig=x`, file)
        .catch(x => x)) as AtlanError
      expect(e.kind).toBe('timeout')
      expect(puts).toBe(3)
    } finally {
      await client.close()
    }
  })
})

describe('row 14: the upload sends the validated bytes', () => {
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
  let received: Buffer[] = []
  beforeAll(() => {
    store.handler = (req, res) => {
      const parts: Buffer[] = []
      req.on('data', (c: Buffer) => parts.push(c))
      req.on('end', () => {
        received.push(Buffer.concat(parts))
        res.writeHead(200).end()
      })
    }
  })

  it('a file swapped (renamed over) after validation: the opened, validated bytes are uploaded', async () => {
    received = []
    const file = join(dir, 'swap.csv')
    writeFileSync(file, 'validated,bytes\n')
    const source = await openLineageFile('swap.csv', dir)
    source.validatedSha256 = sha('validated,bytes\n')
    writeFileSync(join(dir, 'evil.csv'), 'unvalidated,EVIL\n')
    renameSync(join(dir, 'evil.csv'), file)
    const client = realClient(store.url)
    client.useLineageFile(source)
    try {
      await client.uploadFile(`${store.url}/objectstore/k.csv`, 'swap.csv')
      expect(received.map(b => b.toString())).toEqual(['validated,bytes\n'])
    } finally {
      await client.close()
      await source.close()
    }
  })

  it('a file rewritten in place after validation: the digests differ and the step fails', async () => {
    received = []
    const file = join(dir, 'inplace.csv')
    writeFileSync(file, 'validated,bytes\n')
    const source = await openLineageFile('inplace.csv', dir)
    source.validatedSha256 = sha('validated,bytes\n')
    writeFileSync(file, 'unvalidated,EVIL\n') // same inode, same length
    const client = realClient(store.url)
    client.useLineageFile(source)
    try {
      await expect(
        client.uploadFile(`${store.url}/objectstore/k.csv`, 'inplace.csv')
      ).rejects.toThrow(/inplace\.csv changed after it was validated.*Nothing was submitted/)
    } finally {
      await client.close()
      await source.close()
    }
  })
})
