#!/usr/bin/env node
'use strict'
// `npx mypos-sandbox --port 8080`: runs the sandbox in the foreground until Ctrl-C or SIGTERM.
const { spawn } = require('node:child_process')
const { binaryPath } = require('./index.js')

let program
try {
  program = binaryPath()
} catch (error) {
  console.error(`mypos-sandbox: ${error.message}`)
  process.exit(1)
}
const child = spawn(program, process.argv.slice(2), { stdio: 'inherit' })
// The sandbox stops on these itself; pass them on when they reach only this process.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
