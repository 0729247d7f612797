'use strict'
// The compiled core: the platform package npm installed beside `mypos` (`mypos-linux-x64-gnu`,
// …) or, in a clone, the addon `npm run build` left in ./native. Where neither exists the user
// learns which platform they are on and how to build the addon from source.

const { targets } = require('../package.json').napi

function platform() {
  let name = `${process.platform}-${process.arch}`
  if (process.platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
    name += report?.header?.glibcVersionRuntime ? '-gnu' : '-musl'
  }
  return name
}

/** The napi-rs platform name of a Rust target triple: x86_64-unknown-linux-gnu → linux-x64-gnu. */
function platformOf(triple) {
  const [arch, , os, abi] = triple.split('-')
  const cpu = { x86_64: 'x64', aarch64: 'arm64' }[arch] ?? arch
  return [os, cpu, abi].filter(Boolean).join('-')
}

function unsupported(cause) {
  const here = platform()
  const prebuilt = targets.map(platformOf)
  const why = prebuilt.includes(here)
    ? `the package mypos-${here} is missing or does not load (installed with --omit=optional or --no-optional? reinstall without it)`
    : `there is no prebuilt mypos binary for ${here} (prebuilt: ${prebuilt.join(', ')})`
  return new Error(
    `mypos cannot load its native addon: ${why}. To build it from source, install Rust ` +
      '(https://rustup.rs) and, in a clone of the mypos repository, run ' +
      '`npm ci && npm run build && npm pack`, then `npm install` the mypos-*.tgz it made.',
    { cause },
  )
}

let native
try {
  native = require('./native/index.js')
} catch (error) {
  throw unsupported(error)
}

module.exports = native
