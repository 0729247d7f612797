// The foundation through the Node surface, against the sandbox over loopback HTTP.
const util = require('node:util')
const mypos = require('mypos')
const { startSandbox, SANDBOX_CREDENTIALS } = require('mypos/testing')
const { withSandbox } = require('./helpers')

const TOKEN = '/api/v1/oauth/token'
const SESSION = '/api/v1/auth/session'
const ACCOUNTS = '/accounting/v1/accounts'

const current = withSandbox()

function gatewayOptions(overrides = {}) {
  const { merchant, ...partner } = SANDBOX_CREDENTIALS
  return { gatewayUrl: current.sandbox.url, ...partner, ...overrides }
}

test('lists accounts as plain camelCase objects', async () => {
  const page = await current.client.banking.getAccounts({ page: 1, size: 2 })
  expect([page.items.length, page.page, page.pageSize, page.totalCount, page.hasNextPage]).toEqual([2, 1, 2, 3, true])
  expect(Object.keys(page.items[0])).toEqual(expect.arrayContaining(['accountNumber', 'iban', 'currency', 'name', 'balance']))
  expect(typeof page.items[0].balance).toBe('string')
})

test('business calls carry the gateway headers', async () => {
  await current.client.banking.getAccounts()
  const [logged] = await current.sandbox.requests({ method: 'GET', path: ACCOUNTS })
  expect(logged.headers.authorization).toBe('<redacted>')
  expect(logged.headers['x-session']).toBe('<redacted>')
  expect(logged.headers['x-partner-id']).toBe(SANDBOX_CREDENTIALS.partnerId)
  expect(logged.headers['x-application-id']).toBe(SANDBOX_CREDENTIALS.applicationId)
  expect(logged.headers.accept).toBe('application/json')
  expect(logged.headers['user-agent']).toMatch(new RegExp(`^mypos-sdk/${mypos.VERSION} \\(node; v`))
})

test('a cold start shares one token and one session per merchant', async () => {
  const gateway = current.sandbox.gateway()
  const merchants = Array.from({ length: 20 }, (_, i) => current.sandbox.client(`cli_m${i}`, { gateway }))
  const pages = await Promise.all(Array.from({ length: 200 }, (_, i) => merchants[i % 20].banking.getAccounts({ size: 1 })))
  expect(pages.every((p) => p.items.length === 1)).toBe(true)
  expect(await current.sandbox.count('POST', TOKEN)).toBe(1)
  expect(await current.sandbox.count('POST', SESSION)).toBe(20)
  expect(await current.sandbox.count('GET', ACCOUNTS)).toBe(200)
})

test('tokens and sessions are refreshed before they expire', async () => {
  await current.sandbox.setLifetimes({ token: 2, session: 2 })
  await current.client.banking.getAccounts()
  await current.client.banking.getAccounts()
  expect(await current.sandbox.count('POST', TOKEN)).toBe(1)
  await new Promise((resolve) => setTimeout(resolve, 1200))
  await current.client.banking.getAccounts()
  expect(await current.sandbox.count('POST', TOKEN)).toBe(2)
  expect(await current.sandbox.count('POST', SESSION)).toBe(2)
  expect((await current.sandbox.requests()).every((r) => r.status !== 401)).toBe(true)
})

test('a 401 refreshes both and replays once', async () => {
  await current.client.banking.getAccounts()
  await current.sandbox.expire({ tokens: true, sessions: true })
  expect((await current.client.banking.getAccounts()).items.length).toBeGreaterThan(0)
  const statuses = (await current.sandbox.requests({ method: 'GET', path: ACCOUNTS })).map((r) => r.status)
  expect(statuses).toEqual([200, 401, 200])
})

test('a second 401 rejects with AuthError', async () => {
  await current.sandbox.setLifetimes({ session: 0 })
  const error = await current.client.banking.getAccounts().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.AuthError)
  expect(error).toBeInstanceOf(mypos.MyPOSError)
  expect(error).toBeInstanceOf(Error)
  expect([error.code, error.status, error.name]).toEqual(['MYPOS_AUTH', 401, 'AuthError'])
  expect(await current.sandbox.count('GET', ACCOUNTS)).toBe(2)
})

test('wrong merchant and partner credentials are AuthErrors', async () => {
  const wrongMerchant = current.sandbox.gateway().createClient({ clientId: 'cli_a', clientSecret: 'sec_b' })
  await expect(wrongMerchant.banking.getAccounts()).rejects.toMatchObject({ code: 'MYPOS_AUTH', status: 400 })
  const wrongPartner = new mypos.Gateway(gatewayOptions({ integration: { clientId: 'client_x', clientSecret: 'secret_x' } }))
  const error = await current.sandbox.client('cli_x', { gateway: wrongPartner }).banking.getAccounts().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.AuthError)
  expect(error.status).toBe(401)
  expect(await current.sandbox.count('GET', ACCOUNTS)).toBe(0)
})

test.each([
  [{ integration: { clientId: 'cli_x', clientSecret: 'secret_x' } }, 'integration.clientId'],
  [{ integration: { clientId: 'client_x', clientSecret: 'sec_x' } }, 'integration.clientSecret'],
  [{ integration: { clientId: 'client_x' } }, 'integration.clientSecret'],
  [{ integration: undefined }, 'integration'],
  [{ partnerId: '12345' }, 'partnerId'],
  [{ applicationId: '' }, 'applicationId'],
  [{ gatewayUrl: 'http://example.com' }, 'gatewayUrl'],
  [{ timeout: 0 }, 'timeout'],
  [{ timeout: NaN }, 'timeout'],
])('config error names the field: %j', (overrides, field) => {
  let error
  try {
    new mypos.Gateway(gatewayOptions(overrides))
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(mypos.ConfigError)
  expect(error.code).toBe('MYPOS_CONFIG')
  expect(error.field).toBe(field)
  expect(error.message).toContain(`\`${field}\``)
})

test('merchant credential errors name the field', () => {
  const gateway = current.sandbox.gateway()
  expect(() => gateway.createClient({ clientId: 'client_x', clientSecret: 'sec_x' })).toThrow(mypos.ConfigError)
  try {
    gateway.createClient({ clientId: 'cli_x', clientSecret: 'secret_x' })
  } catch (e) {
    expect(e.field).toBe('clientSecret')
  }
  expect.assertions(2)
})

test('bad arguments reject before any request', async () => {
  await expect(current.client.banking.getAccounts({ size: 500 })).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'size' })
  await expect(current.client.banking.getAccounts({ pageSize: 5 })).rejects.toThrow('expected one of: page, size')
  await expect(current.client.banking.getAccounts({ page: NaN })).rejects.toMatchObject({ field: 'page' })
  await expect(current.client.banking.getAccounts(1)).rejects.toThrow(TypeError)
  expect(await current.sandbox.requests()).toEqual([])
})

test('secrets never show in inspect output or errors', async () => {
  const gateway = new mypos.Gateway(gatewayOptions({ integration: { clientId: 'client_sandbox', clientSecret: 'secret_TOPSECRET1' } }))
  const client = gateway.createClient({ clientId: 'cli_sandbox', clientSecret: 'sec_TOPSECRET2' })
  const error = await client.banking.getAccounts().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.AuthError)
  const shown = [util.inspect(gateway, { showHidden: true, depth: 5 }), util.inspect(client, { showHidden: true }), util.inspect(error), String(error), JSON.stringify(error)].join(' ')
  expect(shown).not.toContain('TOPSECRET')
})

test('the sandbox can be started and stopped on its own', async () => {
  const sandbox = await startSandbox()
  expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect((await sandbox.client().banking.getAccounts()).items.length).toBe(3)
  await sandbox.stop()
  expect(() => sandbox._handle.url).toThrow()
})

test('constants', () => {
  expect(mypos.DEMO_GATEWAY_URL).toBe('https://demo-api-gateway.mypos.com')
  expect(mypos.PRODUCTION_GATEWAY_URL).toBe('https://api-gateway.mypos.com')
  expect(mypos.TimeoutError).toBe(mypos.APITimeoutError)
})

test('raw requests share tokens and errors', async () => {
  const answer = await current.client.request({ method: 'GET', path: ACCOUNTS, query: { size: 1 } })
  expect(answer.items).toHaveLength(1)
  expect(answer.items[0]).toHaveProperty('account_number')
  // The Python package's form: method and path first.
  expect(await current.client.request('GET', ACCOUNTS, { query: { size: 1 } })).toEqual(answer)
  const error = await current.client.request({ path: '/accounting/v1/nowhere' }).catch((e) => e)
  expect(error).toBeInstanceOf(mypos.NotFoundError)
  expect([error.status, error.code]).toEqual([404, 'MYPOS_NOT_FOUND'])
  await expect(current.client.request({ path: 'https://example.com/steal' })).rejects.toBeInstanceOf(mypos.InvalidRequestError)
  expect(await current.sandbox.count('POST', TOKEN)).toBe(1)
})

test('ES module import works', () => {
  const { execFileSync } = require('node:child_process')
  const out = execFileSync(process.execPath, ['--input-type=module', '-e',
    "import { Gateway, NotFoundError } from 'mypos'; import { startSandbox } from 'mypos/testing'; console.log(typeof Gateway, typeof NotFoundError, typeof startSandbox)"],
  { cwd: __dirname }).toString().trim()
  expect(out).toBe('function function function')
})

test('paged lists iterate lazily, page by page', async () => {
  const items = current.client.banking.iterAccounts({ size: 1 })
  const first = await items.next()
  expect(await current.sandbox.count('GET', ACCOUNTS)).toBe(1)
  const all = [first.value]
  for await (const account of items) all.push(account)
  const page = await current.client.banking.getAccounts({ size: 3 })
  expect(all.map((a) => a.accountNumber)).toEqual(page.items.map((a) => a.accountNumber))
  expect(await current.sandbox.count('GET', ACCOUNTS)).toBe(4)
})
