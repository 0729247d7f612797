// `mypos/testing` runs the sandbox as its own program: its typings cover every helper, it
// stops with its owner, and `npx mypos-sandbox` serves in the foreground.
const fs = require('node:fs')
const path = require('node:path')
const { spawn, execFileSync } = require('node:child_process')
const testing = require('mypos/testing')
const { startSandbox, Sandbox, sandboxBinary } = testing

const typings = fs.readFileSync(require.resolve('mypos/testing').replace(/\.js$/, '.d.ts'), 'utf8')

/** Names declared at the top level of testing.d.ts and inside its `class Sandbox`. */
function declared() {
  const exports = new Set([...typings.matchAll(/^export declare (?:const|function|class) (\w+)/gm)].map((m) => m[1]))
  const body = typings.slice(typings.indexOf('export declare class Sandbox {'))
  const classBody = body.slice(0, body.indexOf('\n}\n'))
  const members = new Set([...classBody.matchAll(/^ {2}(?:readonly )?(\w+)[?(:]/gm)].map((m) => m[1]))
  return { exports, members }
}

test('testing.d.ts declares every export and every Sandbox member testing.js has', async () => {
  const { exports, members } = declared()
  const missingExports = Object.keys(testing).filter((name) => !exports.has(name))
  expect(missingExports).toEqual([])

  const sandbox = await startSandbox({ tls: true })
  try {
    const methods = Object.getOwnPropertyNames(Sandbox.prototype).filter((n) => n !== 'constructor' && !n.startsWith('_'))
    const fields = Object.keys(sandbox)
    const missing = [...methods, ...fields].filter((name) => !members.has(name))
    expect(missing).toEqual([])
    expect(fields).toEqual(expect.arrayContaining(['url', 'tlsUrl', 'pki']))
  } finally {
    await sandbox.stop()
  }
})

test('the seeds come from the program and match what the sandbox accepts', async () => {
  const seed = JSON.parse(execFileSync(sandboxBinary(), ['seed'], { encoding: 'utf8' }))
  expect(testing.SANDBOX_CREDENTIALS.partnerId).toBe(seed.gateway.partner_id)
  expect(testing.MOBILEPAY_SANDBOX.bioCode).toBe(seed.mobilepay.bio_code)
  expect(testing.PSD2_SANDBOX.clientId).toBe(seed.psd2.client_id)
  const sandbox = await startSandbox()
  try {
    const page = await sandbox.client().banking.getAccounts({ size: 1 })
    expect(page.items.length).toBe(1)
  } finally {
    await sandbox.stop()
  }
})

test('stop() ends the program and frees its port', async () => {
  const sandbox = await startSandbox()
  const { url } = sandbox
  await sandbox.stop()
  expect(sandbox._child.exitCode).toBe(0)
  await expect(fetch(`${url}/_sandbox/health`)).rejects.toThrow()
  await sandbox.stop() // twice is harmless
})

test('a sandbox left running stops when its owner process exits', async () => {
  const script = `require('mypos/testing').startSandbox().then((s) => console.log(s.url))`
  const owner = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve) => owner.stdout.once('data', (d) => resolve(String(d).trim())))
  await new Promise((resolve) => owner.once('exit', resolve))
  // The owner exited without stop(): the program sees its input close and stops.
  const deadline = Date.now() + 5000
  for (;;) {
    const refused = await fetch(`${url}/_sandbox/health`).then(() => false, () => true)
    if (refused) break
    if (Date.now() > deadline) throw new Error(`the sandbox at ${url} outlived its owner`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
})

test('npx mypos-sandbox serves in the foreground and stops on SIGTERM', async () => {
  const cli = path.join(path.dirname(require.resolve('mypos-sandbox/package.json')), 'cli.js')
  const server = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  // Resolves once the greeting, with its seeded credentials, has been printed.
  await new Promise((resolve) =>
    server.stdout.on('data', (d) => {
      output += d
      if (output.includes('"partner_id"') && output.trimEnd().endsWith('}')) resolve()
    }),
  )
  const url = output.match(/^mypos sandbox listening on (http:\/\/\S+)$/m)[1]
  const health = await (await fetch(`${url}/_sandbox/health`)).json()
  expect(health.status).toBe('ok')
  const exited = new Promise((resolve) => server.once('exit', (code) => resolve(code)))
  server.kill('SIGTERM')
  expect(await exited).toBe(0)
})

test('a missing program is a clear error', async () => {
  const before = process.env.MYPOS_SANDBOX_BIN
  process.env.MYPOS_SANDBOX_BIN = '/nonexistent/mypos-sandbox'
  try {
    await expect(startSandbox()).rejects.toThrow(/did not start: .*ENOENT/)
  } finally {
    if (before === undefined) delete process.env.MYPOS_SANDBOX_BIN
    else process.env.MYPOS_SANDBOX_BIN = before
  }
})
