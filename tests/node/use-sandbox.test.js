// `useSandbox()` from `mypos/testing`: one sandbox per test file, through beforeAll/afterAll.
const { useSandbox } = require('mypos/testing')

const sandbox = useSandbox()
let seen = null

test('the stand-in reads the running sandbox', () => {
  expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/)
  expect('client' in sandbox).toBe(true)
})

test('inside the tests it is the running sandbox, with its clients and controls', async () => {
  const page = await sandbox.client().banking.getAccounts({ size: 1 })
  expect(page.items).toHaveLength(1)
  expect(await sandbox.count('GET', '/accounting/v1/accounts')).toBe(1)
  seen = sandbox.url
})

test('its state lasts for the whole file', async () => {
  expect(sandbox.url).toBe(seen)
  expect(await sandbox.count('GET', '/accounting/v1/accounts')).toBe(1)
})

test('hooks can be passed where they are not globals, and it stops after the suite', async () => {
  const hooks = { before: [], after: [] }
  const local = useSandbox(undefined, { beforeAll: (fn) => hooks.before.push(fn), afterAll: (fn) => hooks.after.push(fn) })
  expect(() => local.url).toThrow(/only inside the tests/)
  await hooks.before[0]()
  const url = local.url
  expect((await fetch(`${url}/_sandbox/stats`)).ok).toBe(true)
  await hooks.after[0]()
  expect(() => local.url).toThrow(/only inside the tests/)
  await expect(fetch(`${url}/_sandbox/stats`)).rejects.toThrow()
})
