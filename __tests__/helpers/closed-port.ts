// A 127.0.0.1 port nothing listens on, for tests of a refused connection. It is taken from below
// the kernel's ephemeral range: a port freed from inside that range can be handed straight to
// another test's server listening on port 0 (which then answers instead of refusing).
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/** The lowest port the kernel hands out for port 0 (Linux; elsewhere IANA's 49152). */
function ephemeralLow(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]
    )
    if (Number.isInteger(low) && low > 2048) return low
  } catch {
    // not Linux
  }
  return 49152
}

/** Listens on `port` and closes again: true when it was free. */
function free(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

export async function closedPort(): Promise<number> {
  const low = 1024
  const high = ephemeralLow() - 1
  for (let tries = 0; tries < 50; tries++) {
    const port = low + Math.floor(Math.random() * (high - low + 1))
    if (await free(port)) return port
  }
  throw new Error(`no free 127.0.0.1 port found in ${low}–${high}`)
}
