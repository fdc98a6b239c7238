// npm run sim -- --port N [--token T] [--scenario file.json]: the simulator on its own.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { startSimulator } from './server.js'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      scenario: { type: 'string' }
    }
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: not a port: ${values.port}`)
  const scenario = values.scenario
    ? (JSON.parse(readFileSync(values.scenario, 'utf8')) as object)
    : {}
  const sim = await startSimulator({ port, token: values.token, scenario })
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
