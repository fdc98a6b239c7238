// The outbound policy for presigned upload URLs (src/atlan/outbound.ts): https only (http only to
// localhost), never a private, link-local or cloud-metadata address, checked on the URL and again
// at connect time; as a function (no test ever connects to such an address) and through
// dist/index.js against a tenant that hands out such URLs. Servers bind to 127.0.0.1 only.
import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo, LookupFunction } from 'node:net'
import { guardedLookup, isBlockedAddress, uploadUrlRefusal } from '../../src/atlan/outbound.js'
import { runAction } from '../helpers/action.js'
import { inputsFor, longRunWorkflow, message, routes, submits } from '../helpers/e2e.js'
import { startProxy, type RecordingProxy } from '../helpers/proxy.js'
import type { Simulator } from '../../sim/server.js'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

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

/**
 * A front for the simulator that answers the presign call itself with `url` and forwards every
 * other request: a hostile or confused tenant.
 */
async function presignFront(s: Simulator, url: string): Promise<string> {
  const target = new URL(s.url)
  const server = http.createServer((req, res) => {
    if (req.url === '/api/service/files/presignedUrl') {
      req.resume()
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url }))
      return
    }
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers
      },
      r => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      }
    )
    up.on('error', () => res.writeHead(502).end())
    req.pipe(up)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => server.close(r)))
  server.unref()
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('row 6: outbound policy for presigned URLs', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/x',
    'http://metadata.google.internal/computeMetadata/v1/token',
    'http://10.20.30.40/bucket/k.csv?sig=abc'
  ])('%s is refused before any connection', async url => {
    const { s, wf } = await longRunWorkflow()
    const front = await presignFront(s, url)
    // Anything not to 127.0.0.1 would go through this recording proxy instead of the network.
    const proxy: RecordingProxy = await startProxy()
    cleanups.push(() => proxy.close())
    const run = await runAction({
      inputs: {
        ...inputsFor(s, { workflow_name: wf, lineage_file: 'examples/lineage.csv' }),
        atlan_base_url: front
      },
      env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
    })
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('Error')
    expect(message(run)).toMatch(/Refusing to upload to the presigned URL/)
    expect(proxy.seen()).toEqual([])
    expect(submits(s)).toBe(0)
    expect(routes(s)).not.toContain('upload')
  })

  it("an internal service's error body is summarised, never quoted", async () => {
    const { s, wf } = await longRunWorkflow()
    const internal = http.createServer((req, res) => {
      req.resume()
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`db_password=hunter2-SECRET\nconfig: ${'x'.repeat(5000)}`)
    })
    await new Promise<void>(r => internal.listen(0, '127.0.0.1', r))
    cleanups.push(() => new Promise(r => internal.close(r)))
    const port = (internal.address() as AddressInfo).port
    const front = await presignFront(s, `http://127.0.0.1:${port}/objectstore/k.csv?sig=x`)
    const run = await runAction({
      inputs: {
        ...inputsFor(s, { workflow_name: wf, lineage_file: 'examples/lineage.csv' }),
        atlan_base_url: front,
        timeout: '10s'
      },
      // Each upload attempt meets the same 500: only the back-off between them would take time.
      minJitter: true
    })
    expect(run.outputs.phase).toBe('Error')
    expect(run.everything).not.toContain('hunter2')
    expect(run.everything).not.toContain('x'.repeat(200))
    expect(message(run)).toMatch(/object store .*500/)
  })
})
