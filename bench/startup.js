'use strict'
// Prints how long `require(name)` takes in a fresh Node process, in milliseconds.
const name = process.argv[2] || 'mypos'
const started = process.hrtime.bigint()
require(name)
process.stdout.write(`${Number(process.hrtime.bigint() - started) / 1e6}\n`)
