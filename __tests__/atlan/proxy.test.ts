// The default dispatcher honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY. A tiny recording forward
// proxy (CONNECT tunnels and absolute-URI requests) runs on 127.0.0.1 beside a fake tenant. A
// proxy is named without its credentials (src/atlan/transport.ts), also when it refuses the
// connection (through dist/index.js).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { AtlanClient } from '../../src/atlan/client.js'
import { AtlanError } from '../../src/atlan/errors.js'
import { proxyFor, redactProxyUrl } from '../../src/atlan/transport.js'
import { runAction } from '../helpers/action.js'
import { closedPort } from '../helpers/closed-port.js'
import { inputsFor, message, sim } from '../helpers/e2e.js'
import { setEnv, withoutProxy } from '../helpers/env.js'
import { API_KEY, MemoryLog } from './fakes.js'

let restoreEnv: () => void

let tenant: http.Server
let tenantUrl: string
let tenantHits: string[] = []
let proxy: http.Server
let proxyUrl: string
/** What the proxy saw: `CONNECT host:port` or `GET http://...`. */
let proxied: string[] = []
const sockets = new Set<net.Socket>()
let client: AtlanClient | undefined

function listen(server: http.Server): Promise<string> {
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    )
  )
}

beforeAll(async () => {
  restoreEnv = setEnv(withoutProxy())

  tenant = http.createServer((req, res) => {
    tenantHits.push(`${req.method} ${req.url}`)
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ roles: [{ name: '$api-token-default-access' }] }))
  })
  tenantUrl = await listen(tenant)

  proxy = http.createServer((req, res) => {
    // Absolute-URI form: forward the request as is.
    proxied.push(`${req.method} ${req.url}`)
    const target = new URL(req.url ?? '')
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers
      },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      }
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    proxied.push(`CONNECT ${req.url}`)
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const [host, port] = (req.url ?? '').split(':')
    if (host !== '127.0.0.1') {
      // Nothing outside the sandbox: refuse, as a locked-down proxy would.
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    const upstream = net.connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => socket.destroy())
  })
  proxyUrl = await listen(proxy)
})

beforeEach(() => {
  setEnv(withoutProxy())
  proxied = []
  tenantHits = []
})

afterEach(async () => {
  await client?.close()
  client = undefined
})

afterAll(async () => {
  for (const s of sockets) s.destroy()
  for (const server of [tenant, proxy]) {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
  restoreEnv()
})

/** Built after the environment is set: EnvHttpProxyAgent reads it at construction. */
function makeRealClient(baseUrl: string): AtlanClient {
  client = new AtlanClient({
    baseUrl,
    apiKey: API_KEY,
    version: '1.2.3',
    requestTimeoutMs: 5_000,
    family: 'auto',
    sleep: async () => {},
    retry: { maxAttempts: 1 },
    log: new MemoryLog()
  })
  return client
}

const tenantHostPort = () => new URL(tenantUrl).host

describe('default dispatcher and proxies', () => {
  it('without proxy variables, goes direct', async () => {
    expect(await makeRealClient(tenantUrl).family()).toBe('workflows')
    expect(tenantHits).toEqual(['GET /api/service/whoami'])
    expect(proxied).toEqual([])
  })

  it.each(['HTTP_PROXY', 'http_proxy'])('%s routes http requests through the proxy', async v => {
    process.env[v] = proxyUrl
    expect(await makeRealClient(tenantUrl).family()).toBe('workflows')
    expect(proxied).toEqual([`CONNECT ${tenantHostPort()}`])
    expect(tenantHits).toEqual(['GET /api/service/whoami'])
  })

  it('HTTPS_PROXY routes https requests through the proxy', async () => {
    process.env.HTTPS_PROXY = proxyUrl
    const err = (await makeRealClient('https://acme.atlan.example')
      .family()
      .catch(e => e)) as AtlanError
    // The proxy saw the tunnel request and refused it; nothing reached the network.
    expect(proxied).toEqual(['CONNECT acme.atlan.example:443'])
    expect(err).toBeInstanceOf(AtlanError)
    expect(err.kind).toBe('network')
    expect(err.notSent).toBe(true)
    expect(err.message).toContain('proxy')
    expect(err.message).not.toContain(API_KEY)
  })

  it('NO_PROXY=127.0.0.1 bypasses the proxy', async () => {
    process.env.HTTP_PROXY = proxyUrl
    process.env.NO_PROXY = '127.0.0.1'
    expect(await makeRealClient(tenantUrl).family()).toBe('workflows')
    expect(proxied).toEqual([])
    expect(tenantHits).toEqual(['GET /api/service/whoami'])
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

describe('rows 17 and the network messages', () => {
  it('a refused proxy is named (without its credentials), and nothing says "request id"', async () => {
    const s = await sim()
    const port = await closedPort()
    const proxy = `http://proxyuser:pr0xy-PASS@127.0.0.1:${port}`
    const run = await runAction({
      inputs: inputsFor(s, { workflow_name: 'csa-lineage-builder-1', timeout: '5s' }),
      env: { HTTP_PROXY: proxy, HTTPS_PROXY: proxy },
      // Every attempt is refused at once: only the back-off between them would take time.
      minJitter: true
    })
    expect(run.code).toBe(1)
    expect(message(run)).toContain(`HTTP proxy http://***@127.0.0.1:${port}`)
    expect(run.everything).not.toContain('pr0xy-PASS')
    expect(message(run)).not.toMatch(/request id/)
  })
})
