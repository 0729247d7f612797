'use strict'
// Where the `mypos-sandbox` executable is: the platform package npm installed beside this one
// (`mypos-sandbox-linux-x64-gnu`, …), or the file named by MYPOS_SANDBOX_BINARY.

const path = require('node:path')
const fs = require('node:fs')

function platform() {
  let name = `${process.platform}-${process.arch}`
  if (process.platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
    name += report?.header?.glibcVersionRuntime ? '-gnu' : '-musl'
  }
  return name
}

/** The absolute path of the `mypos-sandbox` executable for this machine. */
function binaryPath() {
  const override = process.env.MYPOS_SANDBOX_BINARY
  if (override) return path.resolve(override)
  const here = platform()
  const pkg = `mypos-sandbox-${here}`
  let file
  try {
    file = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'mypos-sandbox')
  } catch (cause) {
    const prebuilt = Object.keys(require('./package.json').optionalDependencies ?? {}).map((name) => name.slice('mypos-sandbox-'.length))
    const why = prebuilt.includes(here)
      ? `the package ${pkg} is not installed (installed with --omit=optional? reinstall without it)`
      : `there is no prebuilt mypos-sandbox for ${here} (prebuilt: ${prebuilt.join(', ') || 'none'})`
    throw new Error(
      `mypos-sandbox cannot find its executable: ${why}. To build it from source, install Rust ` +
        '(https://rustup.rs), run `cargo build --release -p mypos-sandbox` in a clone of the ' +
        'mypos repository and set MYPOS_SANDBOX_BINARY to the target/release/mypos-sandbox it made.',
      { cause },
    )
  }
  // npm keeps the mode bits the tarball had; restore them if an unpacker dropped them.
  if (!(fs.statSync(file).mode & 0o111)) fs.chmodSync(file, 0o755)
  return file
}

module.exports = { binaryPath }
