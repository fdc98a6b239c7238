// The cold-start baseline (bench/cold-start.ts): the least an action built on @actions/core can
// do when an input is bad — read one input, find it wrong, fail the step.
import * as core from '@actions/core'

const url = core.getInput('atlan_base_url')
if (!URL.canParse(url)) core.setFailed(`Input atlan_base_url: "${url}" is not a URL.`)
