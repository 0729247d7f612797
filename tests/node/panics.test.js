// A bug inside the core (a Rust panic) rejects the call's promise with mypos.InternalError, a
// MyPOSError like every other SDK error, instead of napi's bare Error; the process carries on.
// `native._panicForTests()` panics inside a call that goes through the same guard as every
// operation.
const path = require('path')
const { execFileSync } = require('child_process')
const mypos = require('mypos')
const native = require('../../bindings-node/native/index.js')
const { translated } = require('../../bindings-node/errors.js')
const { withSandbox } = require('./helpers')

const current = withSandbox()
const panicking = () => translated(() => native._panicForTests())

test('a panic inside a call rejects with InternalError, and the next call works', async () => {
  const error = await panicking().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.InternalError)
  expect(error).toBeInstanceOf(mypos.MyPOSError)
  expect(error.code).toBe('MYPOS_INTERNAL')
  expect(error.name).toBe('InternalError')
  expect(error.message).toContain('a panic on purpose, for the tests')
  expect((await current.client.banking.getAccounts()).items).toHaveLength(3)
})

test('panics do not wear the runtime down', async () => {
  const errors = await Promise.all(Array.from({ length: 20 }, () => panicking().catch((e) => e)))
  expect(errors.every((e) => e instanceof mypos.InternalError)).toBe(true)
  expect((await current.client.banking.getAccounts({ size: 2 })).items).toHaveLength(2)
})

test('the process lives on after a panic and exits normally', () => {
  // In a process of its own, so an abort would show as a failed exit, not a dead test runner.
  const script = `
    const native = require(${JSON.stringify(path.resolve(__dirname, '../../bindings-node/native/index.js'))})
    const { translated, InternalError } = require(${JSON.stringify(path.resolve(__dirname, '../../bindings-node/errors.js'))})
    ;(async () => {
      for (let i = 0; i < 3; i++) {
        const error = await translated(() => native._panicForTests()).catch((e) => e)
        if (!(error instanceof InternalError)) throw new Error('not an InternalError: ' + error)
      }
      process.stdout.write('alive ' + native.version())
    })()
  `
  const out = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, RUST_BACKTRACE: '0' },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  expect(out).toBe(`alive ${mypos.VERSION}`)
})

test('a panic inside a synchronous method throws InternalError, and the process goes on', () => {
  // In a process of its own: unguarded, a panic in a synchronous method ends the process.
  const script = `
    const native = require(${JSON.stringify(path.resolve(__dirname, '../../bindings-node/native/index.js'))})
    const { translated, InternalError } = require(${JSON.stringify(path.resolve(__dirname, '../../bindings-node/errors.js'))})
    let error
    try { translated(() => native._panicInMethodForTests()) } catch (e) { error = e }
    if (!(error instanceof InternalError)) throw new Error('not an InternalError: ' + error)
    if (!error.message.includes('a panic on purpose, for the tests')) throw new Error(error.message)
    process.stdout.write('alive ' + native.version())
  `
  const out = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, RUST_BACKTRACE: '0' },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  expect(out).toBe(`alive ${mypos.VERSION}`)
})
