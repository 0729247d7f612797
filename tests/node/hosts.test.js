// The SDK in a Node server: the event loop stays free while calls wait, and close() works.
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
