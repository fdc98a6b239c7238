// A loopback HTTP server whose handler each test sets: listening before the file's tests, its
// connections dropped after each test, closed after the file.
import { afterAll, afterEach, beforeAll } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface Loopback {
  /** http://127.0.0.1:<port>, set once the server listens. */
  url: string
  /** Answers every request; a test sets it before its requests. */
  handler: http.RequestListener
}

export function loopbackServer(): Loopback {
  const lb: Loopback = { url: '', handler: (_req, res) => void res.writeHead(500).end() }
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => lb.handler(req, res))
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  beforeAll(async () => {
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    lb.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterEach(() => {
    for (const s of sockets) s.destroy()
  })
  afterAll(() => new Promise<void>(r => server.close(() => r())))
  return lb
}
