// Run inside a fresh network namespace (see proxy-loop.test.ts), where only loopback exists: a
// proxy on 127.0.0.1 that accepts every connection and closes it on the first bytes (the CONNECT),
// and dist/index.js aimed at https://atlan.test through it. Prints one JSON line: how many
// connections the proxy saw, the exit code, stdout.
import { spawn } from 'node:child_process'
import { createServer, type Socket } from 'node:net'
import { MIN_JITTER_ARGS } from '../../scripts/action-runner.js'

const LIMIT_MS = 60_000
let connections = 0
const sockets = new Set<Socket>()
const proxy = createServer(socket => {
  connections++
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
  socket.on('error', () => undefined)
  socket.once('data', () => socket.destroy())
})
await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
const port = (proxy.address() as { port: number }).port
const proxyUrl = `http://proxyuser:pr0xy-PASS@127.0.0.1:${port}`

const env = JSON.parse(process.env.CHILD_ENV ?? '{}') as Record<string, string>
// The shortest back-off (see minJitter in scripts/action-runner.ts): the attempts are what count.
const child = spawn(
  process.execPath,
  [...MIN_JITTER_ARGS, process.env.ACTION_JS ?? 'dist/index.js'],
  {
    env: { ...env, HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl },
    stdio: ['ignore', 'pipe', 'pipe']
  }
)
let stdout = ''
child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
child.stderr.on('data', () => undefined)
const limit = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS)
const code = await new Promise<number | null>(resolve => child.on('close', c => resolve(c)))
clearTimeout(limit)
for (const s of sockets) s.destroy()
proxy.close()
process.stdout.write(`${JSON.stringify({ connections, code, stdout, port })}\n`)
