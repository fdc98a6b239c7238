// A recording forward proxy on 127.0.0.1 for proxy tests: absolute-URI HTTP requests are
// forwarded, CONNECT is tunnelled. Names under `.localhost` reach 127.0.0.1 (RFC 6761), so a
// test can aim at a loopback server by a name that @actions/http-client does not treat as
// loopback (it always bypasses the proxy for localhost and 127.*).
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface SeenRequest {
  method: string
  /** Absolute URI for forwarded requests, `host:port` for CONNECT. */
  target: string
}

export interface RecordingProxy {
  url: string
  close(): Promise<void>
  seen(): SeenRequest[]
}

function upstreamHost(hostname: string): string {
  const host = hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : host
}

export async function startProxy(): Promise<RecordingProxy> {
  const seen: SeenRequest[] = []
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? ''
    seen.push({ method: req.method ?? '', target })
    let url: URL
    try {
      url = new URL(target)
      if (url.protocol !== 'http:') throw new Error('only http:// is forwarded')
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('absolute http:// URI expected')
      return
    }
    const headers: Record<string, string | string[] | undefined> = {
      ...req.headers,
      host: url.host
    }
    delete headers['proxy-connection']
    delete headers['proxy-authorization']
    const upstream = request(
      {
        host: upstreamHost(url.hostname),
        port: url.port || 80,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers
      },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      }
    )
    upstream.setTimeout(10_000, () => upstream.destroy(new Error('upstream timeout')))
    upstream.on('error', error => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`proxy: ${error.message}`)
    })
    req.pipe(upstream)
  }

  const server = createServer(forward)
  server.on('connection', track)
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    seen.push({ method: 'CONNECT', target })
    const at = target.lastIndexOf(':')
    const port = Number(target.slice(at + 1))
    if (at <= 0 || !Number.isInteger(port)) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n')
      return
    }
    const upstream = connect(port, upstreamHost(target.slice(0, at)), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    track(upstream)
    upstream.setTimeout(10_000, () => upstream.destroy())
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'))
    client.on('error', () => upstream.destroy())
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    seen: () => seen.map(s => ({ ...s })),
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
