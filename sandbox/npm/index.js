'use strict'
// Where the `mypos-sandbox` program is: a prebuilt one from this platform's package
// (`mypos-sandbox-<platform>`, an optional dependency), or one named by MYPOS_SANDBOX_BIN.

const fs = require('node:fs')
const path = require('node:path')

/** `linux-x64-gnu`, `linux-arm64-musl`, `darwin-arm64`, …: the suffix of the platform package. */
function platform() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`
  const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null
  const glibc = report && report.header && report.header.glibcVersionRuntime
  return `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`
}

/** The path of the `mypos-sandbox` program; throws, saying what to install, when there is none. */
function binaryPath() {
  if (process.env.MYPOS_SANDBOX_BIN) return process.env.MYPOS_SANDBOX_BIN
  const name = `mypos-sandbox-${platform()}`
  try {
    return require.resolve(`${name}/mypos-sandbox`)
  } catch {
    // A program built from source and placed beside this file (`cargo build -p mypos-sandbox`).
    const local = path.join(__dirname, 'mypos-sandbox')
    if (fs.existsSync(local)) return local
    throw new Error(
      `no mypos-sandbox program for ${platform()}: install the package ${name} ` +
        '(npm install --save-dev mypos-sandbox installs it where one is published), or build it ' +
        'with `cargo build --release -p mypos-sandbox` and set MYPOS_SANDBOX_BIN to its path',
    )
  }
}

module.exports = { binaryPath, platform }
