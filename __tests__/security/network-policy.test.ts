// Issue "Hardening", rows 6, 8, 12, 13, 16, 17, 18 at the unit level: the outbound policy as a
// function (no test ever connects to a private or metadata address), reply-size caps, upload and
// Retry-After bounds, run-id and input rules. Servers bind to 127.0.0.1 only.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo, LookupFunction, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { AtlanClient } from '../../src/atlan/client.js'
import { AtlanError } from '../../src/atlan/errors.js'
import { guardedLookup, isBlockedAddress, uploadUrlRefusal } from '../../src/atlan/outbound.js'
import { DEFAULT_RETRY_POLICY, withRetry } from '../../src/atlan/retry.js'
import { isValidName, nameSegment } from '../../src/atlan/names.js'
import { proxyFor, redactProxyUrl } from '../../src/atlan/transport.js'
import { ConfigError } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/parse.js'
import { MAX_LINEAGE_FILE_BYTES, openLineageFile } from '../../src/lineage/source.js'
import { setEnv, withoutProxy } from '../helpers/env.js'
import { rawInputs } from '../helpers/inputs.js'
import { API_KEY, FakeClock, MemoryLog, json, makeClient } from '../atlan/fakes.js'

describe('row 6: presigned URLs must be https and never private, link-local or metadata', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/iam',
    'https://169.254.169.254/x',
    'http://metadata.google.internal/computeMetadata/v1/',
    'https://metadata.google.internal/x',
    'https://metadata/x',
    'http://10.1.2.3/bucket/k.csv',
    'https://10.1.2.3/bucket/k.csv',
    'https://172.16.9.9/k',
    'https://192.168.1.1/k',
    'https://100.100.100.200/k',
    'https://[fe80::1]/k',
    'https://[fd00:ec2::254]/k',
    'https://[::ffff:169.254.169.254]/k',
    'https://2852039166/k', // 169.254.169.254 in decimal
    'http://bucket.s3.amazonaws.com/k.csv', // plain http to a public host
    'ftp://127.0.0.1/k'
  ])('refuses %s', url => {
    expect(uploadUrlRefusal(new URL(url))).toEqual(expect.any(String))
  })

  it.each([
    'https://bucket.s3.us-east-1.amazonaws.com/k.csv?X-Amz-Signature=abc',
    'https://storage.googleapis.com/b/k.csv',
    'https://acct.blob.core.windows.net/c/k.csv',
    'http://127.0.0.1:9000/objectstore/k.csv',
    'http://localhost:9000/k.csv'
  ])('allows %s', url => {
    expect(uploadUrlRefusal(new URL(url))).toBeUndefined()
  })

  it('a host name that resolves to a blocked address is refused at connect time', done => {
    const fakeLookup: LookupFunction = (_h, _o, cb) => cb(null, '169.254.169.254', 4)
    guardedLookup(fakeLookup)('evil.example', {}, err => {
      expect(err?.code).toBe('ERR_BLOCKED_ADDRESS')
      done()
    })
  })

  it('loopback and public addresses pass the address check', () => {
    expect(isBlockedAddress('127.0.0.1')).toBe(false)
    expect(isBlockedAddress('::1')).toBe(false)
    expect(isBlockedAddress('52.216.1.1')).toBe(false)
    expect(isBlockedAddress('10.0.0.1')).toBe(true)
  })
})

describe('proxy naming', () => {
  it('names the proxy used for a URL without its credentials, and honours NO_PROXY', () => {
    const env = {
      HTTPS_PROXY: 'http://user:s3cret@proxy.corp:3128',
      NO_PROXY: '.internal,localhost'
    }
    expect(proxyFor('https://acme.atlan.com/x', env)).toBe('http://***@proxy.corp:3128')
    expect(proxyFor('https://a.internal/x', env)).toBeUndefined()
    expect(redactProxyUrl('http://u:p@h:1')).not.toContain('p@')
  })
})

/** A loopback server whose handler the test sets; closed after each test. */
let server: http.Server
let base: string
let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void
const sockets = new Set<Socket>()
let restoreEnv: () => void
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'net-policy-'))
  restoreEnv = setEnv({ ...withoutProxy(), GITHUB_WORKSPACE: dir })
  server = http.createServer((req, res) => handler(req, res))
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterEach(() => {
  for (const s of sockets) s.destroy()
})
afterAll(async () => {
  restoreEnv()
  rmSync(dir, { recursive: true, force: true })
  await new Promise<void>(r => server.close(() => r()))
})

function realClient(extra: Partial<ConstructorParameters<typeof AtlanClient>[0]> = {}) {
  return new AtlanClient({
    baseUrl: base,
    apiKey: API_KEY,
    version: 'test',
    requestTimeoutMs: 2000,
    family: 'workflows',
    log: new MemoryLog(),
    retry: { baseMs: 1, capMs: 5 },
    ...extra
  })
}

describe('row 8: replies are capped after decompression', () => {
  it('a gzip bomb (64 MB of zeros in ~64 KB) is cut at the cap, read once, and named clearly', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20))
    let hits = 0
    handler = (_req, res) => {
      hits++
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(bomb)
    }
    // Inflating 32 MB takes a while on a loaded machine: a timeout there would be a second read.
    const client = realClient({ requestTimeoutMs: 15_000 })
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

describe('row 12: an upload to a store that never answers is bounded', () => {
  it('each attempt ends after request_timeout without progress; attempts stop at the limit', async () => {
    const file = join(dir, 'l.csv')
    writeFileSync(file, 'a,b\n')
    let puts = 0
    handler = req => {
      // Reads the body, then never answers.
      puts++
      req.resume()
    }
    const client = realClient({
      requestTimeoutMs: 300,
      retry: { baseMs: 1, capMs: 5, maxAttempts: 3 }
    })
    try {
      const e = (await client
        .uploadFile(`${base}/objectstore/k.csv?sig=x`, file)
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
    handler = (req, res) => {
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
    const client = realClient()
    client.useLineageFile(source)
    try {
      await client.uploadFile(`${base}/objectstore/k.csv`, 'swap.csv')
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
    const client = realClient()
    client.useLineageFile(source)
    try {
      await expect(client.uploadFile(`${base}/objectstore/k.csv`, 'inplace.csv')).rejects.toThrow(
        /inplace\.csv changed after it was validated.*Nothing was submitted/
      )
    } finally {
      await client.close()
      await source.close()
    }
  })
})

describe('row 13: Retry-After is clamped to [back-off floor, time left]', () => {
  const rateLimited = (retryAfter: string) =>
    json(429, {}, { 'retry-after': retryAfter }) as unknown as Response

  it.each(['0', '-5'])('Retry-After: %s waits at least the back-off floor', async value => {
    const { client, clock } = makeClient(
      [rateLimited(value), rateLimited(value), json(200, { hits: { hits: [] } })],
      { requestTimeoutMs: 1000 }
    )
    await client.getRun('wf-1-abcde')
    expect(clock.sleeps).toHaveLength(2)
    for (const s of clock.sleeps) expect(s).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.baseMs)
  })

  it('Retry-After far beyond the time left: no wait at all, the error comes at once', async () => {
    const { client, fake, clock } = makeClient(
      [rateLimited('999999'), json(200, { hits: { hits: [] } })],
      {
        requestTimeoutMs: 1000,
        deadline: new FakeClock().now() + 60_000
      }
    )
    const e = (await client.getRun('wf-1-abcde').catch((x: unknown) => x)) as AtlanError
    expect(e.kind).toBe('rate_limited')
    expect(clock.sleeps).toEqual([])
    expect(fake.calls).toHaveLength(1)
  })

  it('a stop sent after the deadline (on_timeout: cancel) is still retried', async () => {
    const { client, fake } = makeClient([json(503, {}), json(200, {})], {
      requestTimeoutMs: 1000,
      deadline: new FakeClock().now() - 1
    })
    await client.stopRun('wf-1-abcde')
    expect(fake.calls).toHaveLength(2)
  })

  it('withRetry never sleeps past the deadline', async () => {
    const clock = new FakeClock()
    let n = 0
    const err = () =>
      Object.assign(
        new AtlanError({
          kind: 'rate_limited',
          endpoint: 'GET x',
          requestId: 'r',
          retryable: true,
          summary: 's',
          hint: 'h',
          reason: '429',
          retryAfterMs: 50_000
        })
      )
    await expect(
      withRetry(
        async () => {
          n++
          throw err()
        },
        {
          policy: DEFAULT_RETRY_POLICY,
          clock,
          log: new MemoryLog(),
          deadline: clock.now() + 120_000,
          label: 'x',
          shouldRetry: () => true
        }
      )
    ).rejects.toBeInstanceOf(AtlanError)
    // 50 s fits once (t=50 s), twice (t=100 s); a third wait would pass 120 s.
    expect(clock.sleeps).toEqual([50_000, 50_000])
    expect(n).toBe(3)
  })
})

describe('row 16: run ids that are not names never reach a URL', () => {
  it.each(['', '.', '..', '../stop', 'a/b', 'A B', 'x\n::error::y'])('%j is refused', name => {
    expect(isValidName(name)).toBe(false)
    expect(() => nameSegment(name, 'run')).toThrow(/not a valid name/)
  })

  it('stopRun("..") sends nothing', async () => {
    const { client, fake } = makeClient([], { requestTimeoutMs: 1000 })
    await expect(client.stopRun('..')).rejects.toThrow(/not a valid name/)
    await expect(client.stopRun('')).rejects.toThrow(/not a valid name/)
    expect(fake.calls).toHaveLength(0)
  })

  it('a run search hit whose id is ".." is rejected where it is first seen', async () => {
    const { client } = makeClient(
      [json(200, { hits: { hits: [{ _id: '..', _source: { status: { phase: 'Running' } } }] } })],
      { requestTimeoutMs: 1000 }
    )
    await expect(client.runsOf('wf', 10)).rejects.toThrow(/not a valid run name/)
  })
})

describe('rows 17, 18: inputs rejected where first seen', () => {
  const parse = (extra: Record<string, string>) => {
    try {
      parseConfig(
        rawInputs({
          atlan_base_url: 'https://acme.atlan.com',
          atlan_api_key: 'k-0123456789',
          ...extra
        })
      )
      return undefined
    } catch (e) {
      return e as ConfigError
    }
  }

  it.each(['abc\ndef-0123456789', 'abc\rdef-0123456789', 'abc\u0000def-0123456789'])(
    'an API key with a control character is Invalid, naming the input but not the key',
    key => {
      const e = parse({ atlan_api_key: key })
      expect(e).toBeInstanceOf(ConfigError)
      expect(e!.message).toMatch(/atlan_api_key.*control character/)
      expect(e!.message).not.toContain('def-0123456789')
    }
  )

  it('a multi-byte field_separator (€) is Invalid', () => {
    expect(parse({ field_separator: '€' })?.message).toMatch(
      /field_separator.*single ASCII character/
    )
  })

  it('a /proc-like file (size 0 by stat, yet content) is refused', async () => {
    await expect(openLineageFile('status', '/proc/self')).rejects.toThrow(/size cannot be known/)
  })

  it('a sparse 8 GiB file is refused at once, stating the cap', async () => {
    const file = join(dir, 'huge.csv')
    writeFileSync(file, '')
    truncateSync(file, 8 * 1024 ** 3)
    expect(MAX_LINEAGE_FILE_BYTES).toBe(100 * 1024 * 1024)
    await expect(openLineageFile('huge.csv', dir)).rejects.toThrow(
      /8192\.0 MB, above the 100 MB limit/
    )
    rmSync(file)
  })
})
