// A card payment is never created twice: after a fault on its request the caller gets the
// payment that exists or an error carrying its reference, and the terminal has at most one.
const mypos = require('mypos')
const { withSandbox } = require('./helpers')

const PAYMENTS = '/epos/v1/payments'
const current = withSandbox()

async function terminal() {
  return (await current.client.epos.terminals.list()).items[0].terminalId
}

async function paymentsWith(terminalId, reference) {
  const page = await current.client.epos.payments.list({ terminalId, size: 100 })
  return page.items.filter((p) => p.referenceNumber === reference).length
}

const sale = (terminalId, referenceNumber) => ({ terminalId, referenceNumber, amount: { value: 2500, currencyCode: 'EUR' } })

test('a payment whose answer was lost is returned', async () => {
  const terminalId = await terminal()
  await current.sandbox.injectFault({ path: PAYMENTS, kind: 'drop_before_headers', method: 'POST', afterHandler: true })
  const payment = await current.client.epos.payments.create(sale(terminalId, 'order-1'))
  expect(payment.referenceNumber).toBe('order-1')
  expect(await current.sandbox.count('POST', PAYMENTS)).toBe(1)
  expect(await paymentsWith(terminalId, 'order-1')).toBe(1)
})

test('a slow answer past the timeout rejects with its reference by the timeout', async () => {
  const terminalId = await terminal()
  await current.sandbox.injectFault({ path: PAYMENTS, kind: 'delay', method: 'POST', delayMs: 3000 })
  const began = Date.now()
  const error = await current.client.withOptions({ timeout: 500 }).epos.payments.create(sale(terminalId)).catch((e) => e)
  expect(Date.now() - began).toBeLessThan(900)
  expect(error).toBeInstanceOf(mypos.PaymentUnconfirmedError)
  expect(error.referenceNumber).toMatch(/^mypos-/)
  expect(await current.sandbox.count('POST', PAYMENTS)).toBe(1)
  expect(await paymentsWith(terminalId, error.referenceNumber)).toBe(1)
})

test('an empty reference is refused before sending', async () => {
  const terminalId = await terminal()
  const error = await current.client.epos.payments.create(sale(terminalId, '')).catch((e) => e)
  expect(error).toBeInstanceOf(mypos.InvalidRequestError)
  expect(error.field).toBe('referenceNumber')
  expect(await current.sandbox.count('POST', PAYMENTS)).toBe(0)
})

test.each(['drop_before_headers', 'malformed_json', 'status'])('an unsettled payment (%s) rejects with its reference', async (kind) => {
  const terminalId = await terminal()
  await current.sandbox.injectFault({ path: PAYMENTS, kind, method: 'POST', ...(kind === 'status' ? { status: 503 } : {}) })
  const error = await current.client.withOptions({ timeout: 1000 }).epos.payments.create(sale(terminalId, 'order-2')).catch((e) => e)
  expect(error).toBeInstanceOf(mypos.PaymentUnconfirmedError)
  expect(error).toBeInstanceOf(mypos.MyPOSError)
  expect([error.referenceNumber, error.code]).toEqual(['order-2', 'MYPOS_PAYMENT_UNCONFIRMED'])
  expect(await current.sandbox.count('POST', PAYMENTS)).toBe(1)
  expect(await paymentsWith(terminalId, 'order-2')).toBe(0)
})
