// Every call of every client takes `{ signal }` through the one shared call path: aborting it
// rejects the call with the signal's reason at once, and leaves no listener behind.
const { getEventListeners } = require('node:events')
const { withSandbox } = require('./helpers')

const ACCOUNTS = '/accounting/v1/accounts'
const current = withSandbox()

function consent() {
  return { access: { allPsd2: 'allAccounts' }, recurringIndicator: true, validUntil: '2099-12-31', frequencyPerDay: 4, psuIpAddress: '203.0.113.7' }
}

/** Aborts `controller` (with `reason`, if given) while its call waits for the slow answer. */
function abortSoon(controller, reason) {
  setTimeout(() => controller.abort(reason), 300)
}

test('an aborted Gateway call rejects with AbortError, long before the slow answer', async () => {
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'delay', delayMs: 5000 })
  const controller = new AbortController()
  const started = Date.now()
  const call = current.client.banking.getAccounts({ signal: controller.signal })
  abortSoon(controller)
  await expect(call).rejects.toMatchObject({ name: 'AbortError' })
  expect(Date.now() - started).toBeLessThan(4000)
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  // The client goes on working.
  expect((await current.client.banking.getAccounts()).items).toHaveLength(3)
})

test('a signal given its own reason rejects with that reason', async () => {
  await current.sandbox.injectFault({ path: ACCOUNTS, kind: 'delay', delayMs: 5000 })
  const controller = new AbortController()
  const call = current.client.banking.getAccounts({ signal: controller.signal })
  const reason = new Error('the user left')
  abortSoon(controller, reason)
  await expect(call).rejects.toBe(reason)
})

test('an already aborted signal sends nothing', async () => {
  await expect(current.client.banking.getAccounts({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
  expect(await current.sandbox.requests({ path: ACCOUNTS })).toHaveLength(0)
})

test('a call that finishes first resolves, and its listener is removed', async () => {
  const controller = new AbortController()
  const answer = await current.client.banking.getAccounts({ signal: controller.signal })
  expect(answer.items).toHaveLength(3)
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  controller.abort()
  const all = []
  for await (const account of current.client.banking.iterAccounts({ size: 1, signal: new AbortController().signal })) all.push(account)
  expect(all).toHaveLength(3)
})

test('a signal that is not an AbortSignal is a TypeError', async () => {
  await expect(current.client.banking.getAccounts({ signal: {} })).rejects.toThrow(TypeError)
})

test('an aborted PSD2 call rejects with AbortError', async () => {
  const tpp = current.sandbox.psd2()
  await current.sandbox.injectFault({ path: '/v1/consents', kind: 'delay', method: 'POST', delayMs: 5000 })
  const controller = new AbortController()
  const started = Date.now()
  const call = tpp.consents.create({ ...consent(), signal: controller.signal })
  abortSoon(controller)
  await expect(call).rejects.toMatchObject({ name: 'AbortError' })
  expect(Date.now() - started).toBeLessThan(4000)
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  expect((await tpp.consents.create(consent())).consentStatus).toBe('received')
})
