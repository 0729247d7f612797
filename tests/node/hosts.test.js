// The SDK in a Node server: the event loop stays free while calls wait, close() works, and
// worker threads call as the main thread does.
const { execFileSync } = require('child_process')
const mypos = require('mypos')
const { withSandbox } = require('./helpers')

const current = withSandbox()

test('many concurrent calls do not block the event loop', async () => {
  await current.sandbox.injectFault({ path: '/accounting/v1/accounts', kind: 'delay', delayMs: 300, count: 200 })
  let ticks = 0
  const timer = setInterval(() => { ticks += 1 }, 5)
  const started = Date.now()
  const pages = await Promise.all(Array.from({ length: 200 }, () => current.client.banking.getAccounts({ size: 1 })))
  clearInterval(timer)
  expect(pages.every((p) => p.items.length === 1)).toBe(true)
  const elapsed = Date.now() - started
  expect(ticks).toBeGreaterThan(elapsed / 5 / 3) // the timer kept firing while 200 calls waited
})

test('a closed gateway rejects calls with ConfigError', async () => {
  const gateway = current.sandbox.gateway()
  const client = gateway.createClient({ clientId: 'cli_sandbox', clientSecret: 'sec_sandbox' })
  await client.banking.getAccounts()
  gateway.close()
  const error = await client.banking.getAccounts().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.ConfigError)
  expect([error.field, error.code]).toEqual(['gateway', 'MYPOS_CONFIG'])
})

test('worker threads load the module and call, round after round', () => {
  // In a process of its own whose main thread never loads the module, so only workers do: each
  // is a Node environment of its own (the module registered again, its calls settled on its
  // own thread), and a crash shows as a failed exit, not a dead test runner.
  const config = {
    gatewayUrl: current.sandbox.url,
    integration: { clientId: 'client_sandbox', clientSecret: 'secret_sandbox' },
    partnerId: 'mps-p-100000',
    applicationId: 'mps-app-200000',
  }
  const worker = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { Gateway } = require(${JSON.stringify(require.resolve('mypos'))})
    const client = new Gateway(workerData).createClient({ clientId: 'cli_sandbox', clientSecret: 'sec_sandbox' })
    client.banking.getAccounts().then((page) => parentPort.postMessage(page.items.length))
  `
  const script = `
    const { Worker } = require('node:worker_threads')
    const run = () => new Promise((resolve, reject) => {
      const worker = new Worker(${JSON.stringify(worker)}, { eval: true, workerData: ${JSON.stringify(config)} })
      let posted
      worker.on('message', (message) => { posted = message })
      worker.on('error', reject)
      worker.on('exit', (code) => resolve(code + ':' + posted))
    })
    ;(async () => {
      const rounds = []
      for (let round = 0; round < 4; round++) rounds.push((await Promise.all([run(), run()])).join(' '))
      console.log(rounds.join(', '))
    })()
  `
  const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 })
  expect(output.trim()).toBe(Array(4).fill('0:3 0:3').join(', '))
})
