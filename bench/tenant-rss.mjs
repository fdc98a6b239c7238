// Preloaded into the action's process by bench/tenant.ts: prints the peak RSS on exit.
import { writeSync } from 'node:fs'
import process from 'node:process'
process.on('exit', () => writeSync(2, `\nbench-peak-rss-kb=${process.resourceUsage().maxRSS}\n`))
