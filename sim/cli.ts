// npm run sim -- --port N [--token T] [--scenario file.json]: the simulator on its own.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startSimulator } from './server.js'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      scenario: { type: 'string' },
      // --connection snowflake/prod (repeatable): an extra ACTIVE connection
      connection: { type: 'string', multiple: true }
    }
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: not a port: ${values.port}`)
  const scenario = values.scenario
    ? (JSON.parse(readFileSync(values.scenario, 'utf8')) as object)
    : {}
  const sim = await startSimulator({ port, token: values.token, scenario })
  for (const c of values.connection ?? []) {
    const slash = c.indexOf('/')
    if (slash < 1) throw new Error(`--connection: use connector/name, got ${c}`)
    sim.assets.addConnection({ connector: c.slice(0, slash), name: c.slice(slash + 1) }, 0)
  }
  process.stdout.write(`Atlan simulator listening on ${sim.url}\n`)
  const stop = (): void => {
    void sim.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((e: unknown) => {
  process.stderr.write(`atlan simulator: ${e instanceof Error ? e.message : String(e)}\n`)
  process.exit(1)
})
