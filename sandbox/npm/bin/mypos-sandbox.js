#!/usr/bin/env node
'use strict'
// `npx mypos-sandbox --port 8080`: runs the platform's executable with these arguments, passes
// signals on, and exits as it exits.

const { spawn } = require('node:child_process')
const { binaryPath } = require('..')

let binary
try {
  binary = binaryPath()
} catch (error) {
  console.error(error.message)
  process.exit(1)
}
const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal))
}
child.on('error', (error) => {
  console.error(`could not start ${binary}: ${error.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => {
  if (!signal) process.exit(code ?? 1)
  // Die of the same signal, so the caller sees what the sandbox saw.
  process.removeAllListeners(signal)
  process.kill(process.pid, signal)
})
