// npm run sim -- [--port N] [--token T] [--scenario file.json] [--connection c/n] [--help]: the
// simulator on its own.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DEFAULT_TOKEN, startSimulator } from './server.js'

const HELP = `Atlan simulator: a tenant's Lineage Builder workflow API on 127.0.0.1, for local runs.

Usage: npm run sim -- [--port N] [--token T] [--scenario file.json] [--connection c/n ...]

Flags
  --port N             port to listen on (default 0: a free port, printed at start)
  --token T            the API token every /api/service call must carry as
                       "Authorization: Bearer T" (default ${DEFAULT_TOKEN}); give the action the
                       same value as atlan_api_key (INPUT_ATLAN_API_KEY in .env)
  --scenario FILE      JSON scenario to start with, e.g. {"outcome": "Failed", "indexLagMs": 2000},
                       or sim/scenarios/persona-less-token.json (a token without a persona)
  --connection C/N     an extra ACTIVE connection in the asset store, e.g. snowflake/prod
                       (repeatable)
  -h, --help           this text

Control API (no token; see sim/README.md)
  POST /_sim/scenario  change the scenario       GET /_sim/scenario  read it
  POST /_sim/seed      seed workflows (one SeedInput or an array) -> {"workflows": [names]}
  POST /_sim/faults    arm faults, e.g. {"route":"rerun","kind":"status","status":503,"count":2}
  GET  /_sim/requests  requests received         GET /_sim/runs      runs (live, no index lag)
  GET  /_sim/objects   uploaded files            POST /_sim/reset    forget everything

Example
  npm run sim -- --port 8089
  curl -s -X POST http://127.0.0.1:8089/_sim/seed -d '{"prefix":"lineage","key":"orders.csv"}'
`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      token: { type: 'string' },
      scenario: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      // --connection snowflake/prod (repeatable): an extra ACTIVE connection
      connection: { type: 'string', multiple: true }
    }
  })
  if (values.help) {
    process.stdout.write(HELP)
    return
  }
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
  process.stdout.write(
    `Atlan simulator listening on ${sim.url} (token: ${sim.token})\n` +
      `Point the action at it: atlan_base_url ${sim.url}, atlan_api_key ${sim.token}. ` +
      `Control API: ${sim.url}/_sim/… (npm run sim -- --help). Ctrl-C stops it.\n`
  )
  const stop = (): void => {
    void sim.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((e: unknown) => {
  process.stderr.write(
    `atlan simulator: ${e instanceof Error ? e.message : String(e)} (npm run sim -- --help)\n`
  )
  process.exit(1)
})
