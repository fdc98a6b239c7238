// Preload for experiments (BENCH_NODE_ARGS="--import ./bench/memory-sampler.mjs"): samples
// process.memoryUsage() every 20 ms and prints, at exit, the sample with the highest RSS (where
// the memory is at the peak: V8 heap, external, array buffers) and a short time line.
import { writeSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import process from 'node:process'
import { setInterval } from 'node:timers'

const t0 = performance.now()
let peak = { rss: 0 }
const line = []
const mb = n => (n / 1048576).toFixed(1)
const sample = () => {
  const m = process.memoryUsage()
  const s = { t: Math.round(performance.now() - t0), ...m }
  if (s.rss > peak.rss) peak = s
  if (line.length === 0 || s.t - line[line.length - 1].t >= 200) line.push(s)
}
setInterval(sample, 20).unref()
const show = s =>
  `t=${s.t}ms rss=${mb(s.rss)} heapTotal=${mb(s.heapTotal)} heapUsed=${mb(s.heapUsed)} external=${mb(s.external)} arrayBuffers=${mb(s.arrayBuffers)}`
process.on('exit', () => {
  sample()
  writeSync(
    2,
    `\nbench-memory-peak ${show(peak)}\n${line.map(s => `bench-memory ${show(s)}`).join('\n')}\n`
  )
})
