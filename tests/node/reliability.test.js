// Faults from the sandbox, and what a Node caller sees: a retry where it is safe, a typed
// error with a useful message otherwise, never a hang past the timeout.
const mypos = require('mypos')
const { withSandbox } = require('./helpers')

const ACCOUNTS = '/accounting/v1/accounts'
const current = withSandbox()

async function statuses() {
  return (await current.sandbox.requests({ method: 'GET', path: ACCOUNTS })).map((r) => r.status)
}

test('server errors on reads are retried', async () => {
  await current.sandbox.injectFault({ path: ACCOUNTS, status: 503, count: 2 })
  expect((await current.client.banking.getAccounts()).items).toHaveLength(3)
  expect(await statuses()).toEqual([503, 503, 200])
})

test('retries stop at maxRetries', async () => {
  await current.sandbox.injectFault({ path: ACCOUNTS, status: 500, count: 10 })
  await expect(current.client.banking.getAccounts()).rejects.toBeInstanceOf(mypos.ServerError)
  expect(await statuses()).toEqual([500, 500, 500])
  await expect(current.client.withOptions({ maxRetries: 0 }).banking.getAccounts()).rejects.toMatchObject({ status: 500 })
  expect(await statuses()).toHaveLength(4)
})

test('a Retry-After beyond the cap is a RateLimitError', async () => {
  await current.sandbox.injectFault({ path: ACCOUNTS, status: 429, headers: { 'Retry-After': '3600' } })
  const error = await current.client.banking.getAccounts().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.RateLimitError)
  expect([error.retryAfter, error.code]).toEqual([3600000, 'MYPOS_RATE_LIMITED'])
})

test('problem details become error fields; field-error keys are kept', async () => {
  const problem = { title: 'One or more validation errors occurred.', status: 400, detail: 'See errors.', traceId: '00-abc-01', errors: { item_price: ['The price must be positive.'] } }
  await current.sandbox.injectFault({ path: ACCOUNTS, status: 400, body: problem })
  const error = await current.client.banking.getAccounts().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.BadRequestError)
  expect(error).toBeInstanceOf(mypos.APIError)
  expect(error).toMatchObject({ status: 400, statusMessage: 'One or more validation errors occurred.', detail: 'See errors.', requestId: '00-abc-01', code: 'MYPOS_BAD_REQUEST' })
  expect(error.errors).toEqual({ item_price: ['The price must be positive.'] })
  await current.sandbox.injectFault({ path: ACCOUNTS, status: 404 })
  await expect(current.client.banking.getAccounts()).rejects.toBeInstanceOf(mypos.NotFoundError)
})

test('bad bodies are decode errors', async () => {
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'malformed_json' })
  await expect(current.client.banking.getAccounts()).rejects.toBeInstanceOf(mypos.APIDecodeError)
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'truncated_body' })
  await expect(current.client.banking.getAccounts()).rejects.toMatchObject({ name: 'APIDecodeError', status: 200 })
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'html', status: 502, count: 3 })
  await expect(current.client.banking.getAccounts()).rejects.toThrow('text/html')
})

test('dropped connections on reads are retried', async () => {
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'drop_before_headers' })
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'drop_after_headers' })
  expect((await current.client.banking.getAccounts()).items).toHaveLength(3)
})

test('a slow answer is a TimeoutError, not a hang', async () => {
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'delay', delayMs: 5000, count: 5 })
  const started = Date.now()
  const error = await current.client.withOptions({ timeout: 400 }).banking.getAccounts().catch((e) => e)
  expect(Date.now() - started).toBeLessThan(3000)
  expect(error).toBeInstanceOf(mypos.TimeoutError)
  expect(error).toBeInstanceOf(mypos.APIConnectionError)
  expect([error.code, error.timeout]).toEqual(['MYPOS_TIMEOUT', 400])
})

test('a session expiring mid-flight is renewed and the call replayed', async () => {
  await current.client.banking.getAccounts()
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'expire_session' })
  await current.client.banking.getAccounts()
  expect(await statuses()).toEqual([200, 401, 200])
})

test('withOptions checks its arguments', () => {
  expect(() => current.client.withOptions({ timeout: -1 })).toThrow(mypos.ConfigError)
})

test('the connect timeout is set per call too', async () => {
  expect((await current.client.withOptions({ connectTimeout: 250 }).banking.getAccounts()).items).toHaveLength(3)
  expect(() => current.client.withOptions({ connectTimeout: 0 })).toThrow(expect.objectContaining({ field: 'connectTimeout' }))
})

test('redirects are not followed', async () => {
  const port = new URL(current.sandbox.url).port
  await current.sandbox.injectFault({ path: ACCOUNTS, status: 308, headers: { Location: `http://localhost:${port}${ACCOUNTS}` } })
  const error = await current.client.banking.getAccounts().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.APIError)
  expect(error.status).toBe(308)
  expect(error.message).toContain('localhost')
  expect(await statuses()).toEqual([308])
})

test.each([true, false])('an answer past the size limit is refused naming the limit (announced: %s)', async (announceLength) => {
  const client = current.sandbox.client(undefined, { gateway: current.sandbox.gateway({ maxResponseBytes: 65536, maxRetries: 0 }) })
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'oversized', bytes: 50 * 1024 * 1024, announceLength })
  const error = await client.banking.getAccounts().catch((e) => e)
  expect(error).toBeInstanceOf(mypos.APIDecodeError)
  expect([error.status, error.limit]).toEqual([200, 65536])
  expect(error.message).toContain('max_response_bytes (65536 bytes)')
  expect(() => current.sandbox.gateway({ maxResponseBytes: 0 })).toThrow(mypos.ConfigError)
})
