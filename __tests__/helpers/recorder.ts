// A loopback HTTP server that only records requests: proof that a step made no network call.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Recorder {
  url: string
  hits: string[]
  close(): Promise<void>
}

export async function startRecorder(): Promise<Recorder> {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    res.writeHead(500).end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}
