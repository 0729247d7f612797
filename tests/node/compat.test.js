// The `mypos-api-gateway` README's code samples, run as written through `mypos/compat` against
// the sandbox. Only the credentials and the gateway URL are adapted (the sandbox's).
const { execFileSync } = require('node:child_process')
const path = require('node:path')
const { startSandbox, SANDBOX_CREDENTIALS } = require('mypos/testing')
const compat = require('mypos/compat')
const { MyPOSGateway, DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL, GatewayConfigError, GatewayAuthError } = compat

let sandbox
let gateway
let client

beforeEach(async () => {
  sandbox = await startSandbox()
  // "2. Create the gateway (once, at startup)"
  gateway = new MyPOSGateway({
    gatewayUrl: sandbox.url,
    integration: {
      clientId: SANDBOX_CREDENTIALS.integration.clientId,
      clientSecret: SANDBOX_CREDENTIALS.integration.clientSecret,
    },
    partnerId: SANDBOX_CREDENTIALS.partnerId,
    applicationId: SANDBOX_CREDENTIALS.applicationId,
  })
  // "3. Create merchant-scoped clients (on demand)"
  const merchantRow = {
    myposClientId: SANDBOX_CREDENTIALS.merchant.clientId,
    myposClientSecret: SANDBOX_CREDENTIALS.merchant.clientSecret,
  }
  client = gateway.createClient({
    clientId: merchantRow.myposClientId,
    clientSecret: merchantRow.myposClientSecret,
  })
})

afterEach(async () => {
  gateway.close()
  await sandbox.stop()
})

/** A result as `mypos-api-gateway` returns it for an id the sandbox does not hold. */
const notFound = { success: false, status: 404, statusMessage: 'Not Found', errorDetails: expect.objectContaining({ status: 404 }) }

test('exports what mypos-api-gateway exports, to require and import alike', () => {
  expect(DEMO_GATEWAY_URL).toBe('https://demo-api-gateway.mypos.com')
  expect(PRODUCTION_GATEWAY_URL).toBe('https://api-gateway.mypos.com')
  const script = `import { MyPOSGateway, DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL, GatewayConfigError, GatewayAuthError } from 'mypos/compat'
    console.log([MyPOSGateway, GatewayConfigError, GatewayAuthError].map((c) => typeof c).join(), DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL)`
  const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.join(__dirname, '..', '..') })
  expect(printed.toString().trim()).toBe(`function,function,function ${DEMO_GATEWAY_URL} ${PRODUCTION_GATEWAY_URL}`)
})

test('Banking: accounts and statements', async () => {
  const accounts = await client.banking.getAccounts({ page: 1, size: 20 })
  expect(accounts.success).toBe(true)
  const seen = []
  if (accounts.success) {
    for (const acct of accounts.items) {
      seen.push([acct.iban, acct.currency, acct.name])
    }
  }
  expect(seen.length).toBeGreaterThan(0)
  expect(seen[0][1]).toMatch(/^[A-Z]{3}$/)

  const statement = await client.banking.generateStatement({
    accountNumber: '40012345678',
    documentType: 'MT940MultiCash',
    date: '2025-03-15',
  })
  expect(statement).toMatchObject({ success: false, status: 400, errorDetails: { errors: { account_number: expect.any(Array) } } })
  // The statement of an account the merchant has: the MT940 text.
  const own = await client.banking.generateStatement({
    accountNumber: accounts.items[0].accountNumber,
    documentType: 'MT940MultiCash',
    date: '2025-03-15',
  })
  expect(own).toMatchObject({ success: true, content: expect.stringContaining(':20:') })
})

test('Banking: transactions', async () => {
  const txns = await client.banking.getTransactions({
    fromDate: '2025-01-01',
    toDate: '2025-03-31',
    sign: 'Credit',
    order: 'Descending',
    page: 1,
    size: 50,
  })
  expect(txns).toMatchObject({ success: true, items: expect.any(Array) })
  const detail = await client.banking.getTransaction('REF123456')
  expect(detail).toMatchObject(notFound)
  const multi = await client.banking.getMultipleTransactions([
    'REF123', 'REF456', 'REF789',
  ])
  expect(multi).toMatchObject({ success: false, status: 404 })
  const [sent] = await sandbox.requests({ path: '/accounting/v1/transactions' })
  const query = new URLSearchParams(sent.query)
  expect([query.get('sign'), query.get('order'), query.get('from_date')]).toEqual(['C', '1', '2025-01-01'])
})

test('Ecommerce: payment links', async () => {
  const link = await client.ecommerce.paymentLinks.create({
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
  })
  expect(link.success).toBe(true)
  if (link.success) {
    expect(link.url).toMatch(/^https:\/\//)
  }
  const links = await client.ecommerce.paymentLinks.list({ page: 1, size: 20 })
  expect(links).toMatchObject({ success: true, items: expect.any(Array) })
  const codes = []
  for await (const item of client.ecommerce.paymentLinks.listAll()) {
    codes.push(item.code)
  }
  expect(codes).toContain(link.code)

  expect(await client.ecommerce.paymentLinks.get('LINK_CODE')).toMatchObject(notFound)
  expect(await client.ecommerce.paymentLinks.update('LINK_CODE', { enable: false })).toMatchObject(notFound)
  expect(await client.ecommerce.paymentLinks.delete('LINK_CODE')).toMatchObject(notFound)
  const txns = await client.ecommerce.paymentLinks.getTransactions({
    page: 1, size: 20,
    dateFrom: '2025-01-01',
    dateTo: '2025-03-31',
  })
  expect(txns).toMatchObject({ success: true, items: expect.any(Array) })
  // The sample's link itself: disabled, then deleted (an answer without a body).
  expect(await client.ecommerce.paymentLinks.update(link.code, { enable: false })).toMatchObject({ success: true, enable: false })
  expect(await client.ecommerce.paymentLinks.delete(link.code)).toEqual({ success: true })
})

test('Ecommerce: payment buttons', async () => {
  const button = await client.ecommerce.paymentButtons.create({
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
  })
  expect(button).toMatchObject({ success: true, code: expect.any(String) })
  const buttons = await client.ecommerce.paymentButtons.list({ page: 1, size: 20 })
  expect(buttons.success && buttons.items[0]).toMatchObject({ code: button.code, buttonSize: 1, askForCustomerEmail: true })
})

test('Ecommerce: payment requests', async () => {
  const pr = await client.ecommerce.paymentRequests.create({
    amount: 150.00,
    currency: 'EUR',
    clientName: 'John Doe',
    reason: 'Consulting fee',
    bookingText: 'INV-2025-001',
    qrGenerated: true,
  })
  expect(pr.success).toBe(true)
  if (pr.success) {
    expect(pr.paymentRequestUrl).toMatch(/^https:\/\//)
  }
  const prs = await client.ecommerce.paymentRequests.list({
    page: 1, size: 20,
    status: 'Pending',
  })
  expect(prs).toMatchObject({ success: true, items: expect.any(Array) })
  expect(await client.ecommerce.paymentRequests.get('PR_CODE')).toMatchObject(notFound)
  expect(await client.ecommerce.paymentRequests.sendReminder('PR_CODE')).toMatchObject(notFound)
})

test('Ecommerce: common data', async () => {
  const langs = await client.ecommerce.getLanguages({ page: 1, size: 50 })
  expect(langs).toMatchObject({ success: true, items: expect.arrayContaining([expect.objectContaining({ code: 'EN' })]) })
  const settlement = await client.ecommerce.getSettlementData({ page: 1, size: 50 })
  expect(settlement).toMatchObject({ success: true, items: expect.any(Array) })
})

test('ePOS: payments', async () => {
  const payment = await client.epos.payments.create({
    referenceNumber: 'ORD-2025-001',
    amount: { value: 2500, currencyCode: 'EUR', tip: 0 },
    description: 'Order #001',
    terminalId: 'T001234',
    appName: 'MyShopPOS',
    appVersion: '1.0.0',
    operatorCode: 'OP01',
  })
  // The sandbox has no terminal T001234: the API's answer, returned.
  expect(payment).toMatchObject(notFound)
  expect(payment.errorDetails.detail).toMatch(/T001234/)
  expect(await client.epos.payments.get('pay_abc123')).toMatchObject(notFound)
  const payments = await client.epos.payments.list({
    terminalId: 'T001234',
    page: 1,
    size: 20,
  })
  expect(payments).toMatchObject({ success: false, status: 404 })
  expect(await client.epos.payments.cancel('pay_abc123')).toMatchObject(notFound)
  expect(
    await client.epos.payments.reverse('pay_abc123', {
      description: 'Customer returned goods',
      terminalId: 'T001234',
      appName: 'MyShopPOS',
      appVersion: '1.0.0',
    }),
  ).toMatchObject(notFound)
  expect(
    await client.epos.payments.refund({
      amount: { value: 1000, currencyCode: 'EUR', tip: 0 },
      description: 'Partial refund',
      terminalId: 'T001234',
      appName: 'MyShopPOS',
      appVersion: '1.0.0',
    }),
  ).toMatchObject(notFound)

  // The same sample on a terminal the sandbox holds: a payment in progress.
  const terminals = await client.epos.terminals.list({ page: 1, size: 20 })
  const onOwn = await client.epos.payments.create({
    referenceNumber: 'ORD-2025-001',
    amount: { value: 2500, currencyCode: 'EUR', tip: 0 },
    description: 'Order #001',
    terminalId: terminals.items[0].terminalId,
    appName: 'MyShopPOS',
    appVersion: '1.0.0',
    operatorCode: 'OP01',
  })
  expect(onOwn.success).toBe(true)
  if (onOwn.success) {
    expect([onOwn.paymentId, onOwn.status]).toEqual([expect.any(String), 'InProgress'])
  }
})

test('ePOS: terminals', async () => {
  const terminals = await client.epos.terminals.list({ page: 1, size: 20 })
  expect(terminals).toMatchObject({ success: true, items: expect.any(Array) })
  expect(await client.epos.terminals.get('T001234')).toMatchObject(notFound)
  const txns = await client.epos.terminals.getTransactions({
    fromDate: '2025-01-01',
    toDate: '2025-03-31',
  })
  expect(txns).toMatchObject({ success: true, items: expect.any(Array) })
  const tTxns = await client.epos.terminals.getTerminalTransactions('T001234', {
    fromDate: '2025-03-01',
    toDate: '2025-03-31',
  })
  expect(tTxns).toMatchObject(notFound)
  const models = await client.epos.terminals.getModels()
  expect(models).toMatchObject({ success: true, items: expect.any(Array) })
  const outlets = await client.epos.terminals.getOutlets()
  expect(outlets).toMatchObject({ success: true, items: expect.any(Array) })
  const activation = await client.epos.terminals.activate()
  expect(activation).toMatchObject({ success: true, code: expect.any(String) })
  expect(await client.epos.terminals.deactivate({ code: 'ACT123456' })).toMatchObject(notFound)
  expect(await client.epos.terminals.deactivate({ code: activation.code })).toMatchObject({ success: true })
  const receipt = await client.epos.terminals.getReceipt('REF123456')
  expect(receipt).toMatchObject(notFound)
  expect(
    await client.epos.terminals.refund('T001234', {
      referenceNumber: 'ORD-2025-001',
      amount: 1500,
    }),
  ).toMatchObject(notFound)
})

test('Error handling: construction errors are thrown', () => {
  let caught
  try {
    const gateway = new MyPOSGateway({ gatewayUrl: sandbox.url, integration: { clientId: 'nope', clientSecret: '' }, partnerId: 'x', applicationId: 'y' })
    gateway.createClient({ clientId: 'cli_x', clientSecret: 'sec_x' })
  } catch (e) {
    if (e instanceof GatewayConfigError) {
      caught = `Invalid configuration: ${e.message}`
    }
  }
  expect(caught).toMatch(/Invalid configuration: .*clientId/)
  expect(() => gateway.createClient({ clientId: 'merchant', clientSecret: 'sec_x' })).toThrow(GatewayConfigError)
})

test('Error handling: authentication errors are thrown', async () => {
  await sandbox.injectFault({ path: '/api/v1/auth/session', kind: 'status', status: 400, count: 5 })
  let caught
  try {
    await client.banking.getAccounts()
  } catch (e) {
    if (e instanceof GatewayAuthError) {
      caught = `Authentication failed: ${e.message}`
    }
  }
  expect(caught).toMatch(/^Authentication failed: /)
})

test('Error handling: API errors are returned, never thrown', async () => {
  const lines = []
  const result = await client.ecommerce.paymentLinks.create({ itemName: 'Mug', itemPrice: 8.5, currency: 'USD', prefLanguage: 'XX' })
  if (result.success) {
    lines.push(result.url)
  } else {
    lines.push(`Error ${result.status}: ${result.statusMessage}`)
    if (result.errorDetails?.errors) {
      for (const [field, messages] of Object.entries(result.errorDetails.errors)) {
        lines.push(` ${field}: ${messages.join(', ')}`)
      }
    }
  }
  expect(lines[0]).toBe('Error 400: One or more validation errors occurred.')
  expect(lines.slice(1).map((l) => l.split(':')[0].trim()).sort()).toEqual(['currency', 'pref_language'])

  const accounts = await client.banking.getAccounts()
  expect(accounts.success).toBe(true)
})

test('Error handling: no answer at all is status -1', async () => {
  await sandbox.injectFault({ path: '/accounting/v1/accounts', kind: 'drop_before_headers', count: 10 })
  const result = await client.withOptions({ maxRetries: 0 }).banking.getAccounts()
  expect(result).toMatchObject({ success: false, status: -1, statusMessage: expect.stringMatching(/^Network error: /) })
})

test('Auto-pagination', async () => {
  const seen = []
  for await (const link of client.ecommerce.paymentLinks.listAll({ size: 50 })) {
    seen.push([link.code, link.itemPrice])
  }
  expect(seen.length).toBeGreaterThan(0)
  const requests = []
  for await (const request of client.ecommerce.paymentRequests.listAll({ size: 1 })) requests.push(request.code)
  expect(new Set(requests).size).toBe(requests.length)
})
