// Each test file gets fresh sandboxes through `withSandbox`; they start in milliseconds.
const { startSandbox } = require('mypos/testing')

/** Starts a sandbox before each test and stops it after; returns a live accessor. */
function withSandbox() {
  const current = {}
  beforeEach(async () => {
    current.sandbox = await startSandbox()
    current.client = current.sandbox.client()
  })
  afterEach(async () => {
    await current.sandbox.stop()
  })
  return current
}

module.exports = { withSandbox }
