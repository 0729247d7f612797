// Every code sample of the `mypos-api-gateway` README, as written there (only the credentials and
// the URL are the sandbox's), through this SDK's own API. Each one must reach the sandbox and get
// its answer: data, or the API's error for an id the sandbox does not hold. None may be refused
// before sending: the API texts make no rule the server would not judge itself.
const mypos = require('mypos')
const { withSandbox } = require('./helpers')

const current = withSandbox()

// [sample, the call as the README writes it, what the sandbox answers: 'ok' or an HTTP status]
const SAMPLES = [
  ['banking.getAccounts', (c) => c.banking.getAccounts({ page: 1, size: 20 }), 'ok'],
  [
    'banking.generateStatement',
    (c) => c.banking.generateStatement({ accountNumber: '40012345678', documentType: 'MT940MultiCash', date: '2025-03-15' }),
    400, // the sandbox's merchant has no account 40012345678
  ],
  [
    'banking.getTransactions',
    (c) => c.banking.getTransactions({ fromDate: '2025-01-01', toDate: '2025-03-31', sign: 'Credit', order: 'Descending', page: 1, size: 50 }),
    'ok',
  ],
  ['banking.getTransaction', (c) => c.banking.getTransaction('REF123456'), 404],
  ['banking.getMultipleTransactions', (c) => c.banking.getMultipleTransactions(['REF123', 'REF456', 'REF789']), 404],
  [
    'ecommerce.paymentLinks.create',
    (c) =>
      c.ecommerce.paymentLinks.create({
        itemName: 'Invoice #1234',
        itemPrice: 29.99,
        quantity: 1,
        currency: 'EUR',
        hideQuantity: false,
        askForCustomerName: true,
        askForShippingAddress: false,
        askForCustomerEmail: true,
        askForCustomerPhoneNumber: false,
        askForCustomerId: false,
        sendSms: false,
        sendEmail: true,
      }),
    'ok',
  ],
  ['ecommerce.paymentLinks.list', (c) => c.ecommerce.paymentLinks.list({ page: 1, size: 20 }), 'ok'],
  ['ecommerce.paymentLinks.get', (c) => c.ecommerce.paymentLinks.get('LINK_CODE'), 404],
  ['ecommerce.paymentLinks.update', (c) => c.ecommerce.paymentLinks.update('LINK_CODE', { enable: false }), 404],
  ['ecommerce.paymentLinks.delete', (c) => c.ecommerce.paymentLinks.delete('LINK_CODE'), 404],
  [
    'ecommerce.paymentLinks.getTransactions',
    (c) => c.ecommerce.paymentLinks.getTransactions({ page: 1, size: 20, dateFrom: '2025-01-01', dateTo: '2025-03-31' }),
    'ok',
  ],
  [
    'ecommerce.paymentButtons.create',
    (c) =>
      c.ecommerce.paymentButtons.create({
        buttonSize: 'Big',
        itemName: 'Premium Plan',
        itemPrice: 49.99,
        quantity: 1,
        currency: 'EUR',
        returnUrl: 'https://example.com/success',
        cancelUrl: 'https://example.com/cancel',
        askForCustomerName: true,
        askForShippingAddress: false,
        askForCustomerEmail: true,
        askForCustomerPhoneNumber: false,
        askForCustomerId: false,
        sendSms: false,
        sendEmail: true,
      }),
    'ok',
  ],
  ['ecommerce.paymentButtons.list', (c) => c.ecommerce.paymentButtons.list({ page: 1, size: 20 }), 'ok'],
  [
    'ecommerce.paymentRequests.create',
    (c) =>
      c.ecommerce.paymentRequests.create({
        amount: 150.0,
        currency: 'EUR',
        clientName: 'John Doe',
        reason: 'Consulting fee',
        bookingText: 'INV-2025-001',
        qrGenerated: true,
      }),
    'ok',
  ],
  ['ecommerce.paymentRequests.list', (c) => c.ecommerce.paymentRequests.list({ page: 1, size: 20, status: 'Pending' }), 'ok'],
  ['ecommerce.paymentRequests.get', (c) => c.ecommerce.paymentRequests.get('PR_CODE'), 404],
  ['ecommerce.paymentRequests.sendReminder', (c) => c.ecommerce.paymentRequests.sendReminder('PR_CODE'), 404],
  ['ecommerce.getLanguages', (c) => c.ecommerce.getLanguages({ page: 1, size: 50 }), 'ok'],
  ['ecommerce.getSettlementData', (c) => c.ecommerce.getSettlementData({ page: 1, size: 50 }), 'ok'],
  [
    'epos.payments.create',
    (c) =>
      c.epos.payments.create({
        referenceNumber: 'ORD-2025-001',
        amount: { value: 2500, currencyCode: 'EUR', tip: 0 },
        description: 'Order #001',
        terminalId: 'T001234',
        appName: 'MyShopPOS',
        appVersion: '1.0.0',
        operatorCode: 'OP01',
      }),
    404,
  ],
  ['epos.payments.get', (c) => c.epos.payments.get('pay_abc123'), 404],
  ['epos.payments.list', (c) => c.epos.payments.list({ terminalId: 'T001234', page: 1, size: 20 }), 404],
  ['epos.payments.cancel', (c) => c.epos.payments.cancel('pay_abc123'), 404],
  [
    'epos.payments.reverse',
    (c) =>
      c.epos.payments.reverse('pay_abc123', {
        description: 'Customer returned goods',
        terminalId: 'T001234',
        appName: 'MyShopPOS',
        appVersion: '1.0.0',
      }),
    404,
  ],
  [
    'epos.payments.refund',
    (c) =>
      c.epos.payments.refund({
        amount: { value: 1000, currencyCode: 'EUR', tip: 0 },
        description: 'Partial refund',
        terminalId: 'T001234',
        appName: 'MyShopPOS',
        appVersion: '1.0.0',
      }),
    404,
  ],
  ['epos.terminals.list', (c) => c.epos.terminals.list({ page: 1, size: 20 }), 'ok'],
  ['epos.terminals.get', (c) => c.epos.terminals.get('T001234'), 404],
  ['epos.terminals.getTransactions', (c) => c.epos.terminals.getTransactions({ fromDate: '2025-01-01', toDate: '2025-03-31' }), 'ok'],
  [
    'epos.terminals.getTerminalTransactions',
    (c) => c.epos.terminals.getTerminalTransactions('T001234', { fromDate: '2025-03-01', toDate: '2025-03-31' }),
    404,
  ],
  ['epos.terminals.getModels', (c) => c.epos.terminals.getModels(), 'ok'],
  ['epos.terminals.getOutlets', (c) => c.epos.terminals.getOutlets(), 'ok'],
  ['epos.terminals.activate', (c) => c.epos.terminals.activate(), 'ok'],
  ['epos.terminals.deactivate', (c) => c.epos.terminals.deactivate({ code: 'ACT123456' }), 404],
  ['epos.terminals.getReceipt', (c) => c.epos.terminals.getReceipt('REF123456'), 404],
  ['epos.terminals.refund', (c) => c.epos.terminals.refund('T001234', { referenceNumber: 'ORD-2025-001', amount: 1500 }), 404],
]

test.each(SAMPLES)('%s runs as the README writes it and gets the sandbox’s answer', async (_, call, expected) => {
  const { client, sandbox } = current
  await sandbox.clearRequests()
  const outcome = await call(client).then(
    (answer) => ({ answer }),
    (error) => ({ error }),
  )
  expect(outcome.error).not.toBeInstanceOf(mypos.InvalidRequestError)
  const sent = await sandbox.requests()
  expect(sent.length).toBeGreaterThanOrEqual(1)
  if (expected === 'ok') {
    expect(outcome.error).toBeUndefined()
  } else {
    expect(outcome.error).toBeInstanceOf(mypos.APIError)
    expect(outcome.error.status).toBe(expected)
    expect(sent[sent.length - 1].status).toBe(expected)
  }
})

test('auto-paging: listAll yields every payment link', async () => {
  const seen = []
  for await (const item of current.client.ecommerce.paymentLinks.listAll({ size: 50 })) seen.push(item.code)
  expect(seen.length).toBeGreaterThan(0)
})
