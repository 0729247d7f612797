// ePOS payments and terminals through the Node surface, with the sandbox's simulated terminal.
const mypos = require('mypos')
const { withSandbox } = require('./helpers')

const PAYMENTS = '/epos/v1/payments'
const current = withSandbox()

/** The seeded terminals: two take EUR, the third GBP. */
async function terminalIds() {
  const page = await current.client.epos.terminals.list()
  return page.items.map((t) => t.terminalId)
}

async function sell(terminalId, cents, referenceNumber) {
  const payment = await current.client.epos.payments.create({
    terminalId,
    amount: { value: cents, currencyCode: 'EUR' },
    referenceNumber,
  })
  return payment.paymentId
}

test('sell on a terminal, approve, fetch the receipt, reverse it', async () => {
  const { client, sandbox } = current
  const [terminal] = await terminalIds()
  const payment = await client.epos.payments.create({
    terminalId: terminal,
    amount: { value: 2500, currencyCode: 'EUR', tip: 200 },
    referenceNumber: 'order-1001',
    description: 'Two coffees',
    appName: 'Till',
  })
  expect(payment.status).toBe('InProgress')

  const approved = await sandbox.approvePayment(payment.paymentId)
  expect(approved.status).toBe('Success')

  const paid = await client.epos.payments.get(payment.paymentId)
  expect(paid).toMatchObject({
    status: 'Success',
    amount: { value: 2500, currencyCode: 'EUR', tip: 200 },
    responseCode: '00',
    statusMessage: 'TRANSACTION_SUCCESS',
    cardQualifier: 'VISA',
    stan: approved.stan,
  })
  expect(paid.pan).toMatch(/^\*{4}\d{4}$/)

  const receipt = await client.epos.terminals.getReceipt(paid.paymentReference)
  expect([receipt.amount, receipt.amountTip, receipt.amountTotal]).toEqual(['25.00', '2.00', '27.00'])
  expect(receipt.receiptFooterRow1).toBeTruthy()

  const reversed = await client.epos.payments.reverse(payment.paymentId, { description: 'Changed their mind' })
  expect(reversed.status).toBe('Reversed')
  expect((await client.epos.payments.get(payment.paymentId)).status).toBe('Reversed')
})

test('declined, rejected and timed-out payments fail', async () => {
  const { sandbox } = current
  const [terminal] = await terminalIds()
  const declined = await sandbox.declinePayment(await sell(terminal, 100, 'd'))
  expect([declined.status, declined.responseCode]).toEqual(['Failed', '05'])
  const rejected = await sandbox.declinePayment(await sell(terminal, 100, 'r'), { status: 'Rejected' })
  expect(rejected.status).toBe('Rejected')
  const timedOut = await sandbox.timeOutPayment(await sell(terminal, 100, 't'))
  expect(timedOut.statusMessage).toBe('TRANSACTION_TIMEOUT')
  await expect(sandbox.approvePayment(timedOut.paymentId)).rejects.toThrow(/409/)

  const paymentId = await sell(terminal, 100, 'via-terminal')
  const byTerminal = await sandbox.driveTerminal(terminal, 'approve', { cardScheme: 'MAESTRO' })
  expect([byTerminal.paymentId, byTerminal.cardQualifier]).toEqual([paymentId, 'MAESTRO'])
})

test('a payment in progress can be cancelled (202)', async () => {
  const { client, sandbox } = current
  const [terminal] = await terminalIds()
  const paymentId = await sell(terminal, 990, 'to-cancel')
  expect(await client.epos.payments.cancel(paymentId)).toEqual({ id: paymentId })
  const [logged] = await sandbox.requests({ method: 'DELETE', path: `${PAYMENTS}/${paymentId}` })
  expect(logged.status).toBe(202)
  expect((await client.epos.payments.get(paymentId)).status).toBe('Canceled')
})

test('wrong state transitions are conflicts', async () => {
  const { client, sandbox } = current
  const [terminal] = await terminalIds()
  const paymentId = await sell(terminal, 500, 'r-1')

  const reverseInProgress = await client.epos.payments.reverse(paymentId).catch((e) => e)
  expect(reverseInProgress).toBeInstanceOf(mypos.ConflictError)
  expect([reverseInProgress.status, reverseInProgress.code]).toEqual([409, 'MYPOS_CONFLICT'])
  await expect(sell(terminal, 100, 'second')).rejects.toThrow(/busy/)

  await sandbox.approvePayment(paymentId)
  await expect(client.epos.payments.cancel(paymentId)).rejects.toBeInstanceOf(mypos.ConflictError)
})

test('what the API refuses is a 400 with field errors', async () => {
  const terminals = await terminalIds()
  const zero = await current.client.epos.payments
    .create({ terminalId: terminals[0], amount: { value: 0, currencyCode: 'EUR' } })
    .catch((e) => e)
  expect(zero).toBeInstanceOf(mypos.BadRequestError)
  expect(zero.status).toBe(400)
  expect(Object.keys(zero.errors)).toEqual(['amount.value'])

  const wrongCurrency = await current.client.epos.payments
    .create({ terminalId: terminals[2], amount: { value: 100, currencyCode: 'EUR' } })
    .catch((e) => e)
  expect(wrongCurrency.errors['amount.currency_code'][0]).toMatch(/GBP/)
})

test('unknown payments, terminals and receipts are 404', async () => {
  const { epos } = current.client
  await expect(epos.payments.get('0123456789abcdef01234567')).rejects.toBeInstanceOf(mypos.NotFoundError)
  await expect(epos.terminals.get('00000001')).rejects.toBeInstanceOf(mypos.NotFoundError)
  await expect(epos.terminals.getReceipt('404404404404')).rejects.toMatchObject({ status: 404, code: 'MYPOS_NOT_FOUND' })
})

test.each([
  [-5, /negative/],
  [12.5, /whole number/],
])('amount %p is refused before any request', async (value, says) => {
  const [terminal] = await terminalIds()
  await current.sandbox.clearRequests()
  const error = await current.client.epos.payments
    .create({ terminalId: terminal, amount: { value, currencyCode: 'EUR' } })
    .catch((e) => e)
  expect(error).toBeInstanceOf(mypos.InvalidRequestError)
  expect(error.message).toMatch(says)
  expect(error.field).toBe('amount.value')
  expect(await current.sandbox.requests()).toEqual([])
})

test('a terminal id of any form is sent: the server judges it', async () => {
  await current.sandbox.clearRequests()
  const error = await current.client.epos.payments
    .create({ terminalId: 'T001234', amount: { value: 100, currencyCode: 'EUR' } })
    .catch((e) => e)
  expect(error).toBeInstanceOf(mypos.NotFoundError)
  expect((await current.sandbox.requests()).filter((r) => r.path.startsWith('/epos/'))).toHaveLength(1)
})

test('lists page; a terminal’s payments come newest first', async () => {
  const { client, sandbox } = current
  const first = await client.epos.terminals.list({ size: 2 })
  expect([first.items.length, first.totalCount, first.hasNextPage]).toEqual([2, 3, true])
  const terminal = first.items[0].terminalId
  const ids = []
  for (let n = 0; n < 5; n++) {
    ids.push(await sell(terminal, 100 + n, `page-${n}`))
    await sandbox.approvePayment(ids[n])
  }
  const seen = []
  let page = 0
  let answer
  do {
    page += 1
    answer = await client.epos.payments.list({ terminalId: terminal, page, size: 2 })
    seen.push(...answer.items.map((p) => p.paymentId))
  } while (answer.hasNextPage)
  expect(page).toBe(3)
  expect(seen).toEqual(ids.reverse())
})

test('auto-paging iterators fetch one page at a time', async () => {
  const { client, sandbox } = current
  await sandbox.clearRequests()
  const found = []
  for await (const terminal of client.epos.terminals.listAll({ size: 1 })) found.push(terminal.terminalId)
  expect(found).toHaveLength(3)
  expect(await sandbox.count('GET', '/pos/v1/terminals')).toBe(3)

  const ids = []
  for (let n = 0; n < 3; n++) {
    ids.push(await sell(found[0], 100 + n, `it-${n}`))
    await sandbox.approvePayment(ids[n])
  }
  const payments = []
  for await (const p of client.epos.payments.listAll({ terminalId: found[0], size: 2 })) payments.push(p.paymentId)
  expect(payments).toEqual([...ids].reverse())
  const references = []
  for await (const t of client.epos.terminals.iterTerminalTransactions(found[0], { size: 2 })) references.push(t.referenceNumber)
  expect(references).toEqual(['it-2', 'it-1', 'it-0'])
})

test('a payment is found again by its reference number', async () => {
  const [, terminal] = await terminalIds()
  await current.sandbox.approvePayment(await sell(terminal, 100, 'order-7'))
  const wanted = await sell(terminal, 200, 'order-8')
  const page = await current.client.epos.payments.list({ terminalId: terminal, referenceNumber: 'order-8' })
  expect(page.items.map((p) => p.paymentId)).toEqual([wanted])
})

test('terminals, models, outlets and transactions', async () => {
  const { client, sandbox } = current
  const terminals = await terminalIds()
  const details = await client.epos.terminals.get(terminals[2])
  expect([details.status, details.deviceCurrency]).toEqual(['Active', 'GBP'])
  expect((await client.epos.terminals.getModels()).map((m) => m.code)).toContain(details.model)
  expect((await client.epos.terminals.getOutlets()).map((o) => o.outletId)).toContain(details.outletId)

  const gbp = await client.epos.payments.create({ terminalId: terminals[2], amount: { value: 1234, currencyCode: 'GBP' } })
  await sandbox.approvePayment(gbp.paymentId)
  await sandbox.approvePayment(await sell(terminals[0], 99, 'small'))

  const big = await client.epos.terminals.getTransactions({ amountFrom: '10.00' })
  expect(big.items.map((t) => t.amount)).toEqual(['12.34'])
  const small = await client.epos.terminals.getTerminalTransactions(terminals[0], { referenceNumber: 'small' })
  expect(small.items.map((t) => t.referenceNumber)).toEqual(['small'])
})

test('refunds: standalone on the terminal, and referenced (204)', async () => {
  const { client, sandbox } = current
  const [terminal] = await terminalIds()
  const refund = await client.epos.payments.refund({ terminalId: terminal, amount: { value: 700, currencyCode: 'EUR', tip: 0 } })
  expect(refund.status).toBe('InProgress')
  expect((await sandbox.approvePayment(refund.paymentId)).status).toBe('Success')

  await sandbox.approvePayment(await sell(terminal, 3000, 'sale-42'))
  expect(await client.epos.terminals.refund(terminal, { referenceNumber: 'sale-42', amount: 1000 })).toBeNull()
  const tooMuch = await client.epos.terminals
    .refund(terminal, { referenceNumber: 'sale-42', amount: 2001 })
    .catch((e) => e)
  expect(tooMuch).toBeInstanceOf(mypos.BadRequestError)
  const transactions = await client.epos.terminals.getTerminalTransactions(terminal)
  expect(transactions.items.map((t) => t.tranType)).toEqual(['Refund', 'Purchase', 'Refund'])
})

test('activate and deactivate a terminal', async () => {
  const { epos } = current.client
  const activation = await epos.terminals.activate({ productCode: 'PRO', currency: 'EUR' })
  expect(activation.code).toMatch(/^\d{6}$/)
  expect(await terminalIds()).toContain(activation.terminalId)
  expect((await epos.terminals.deactivate({ code: activation.code })).code).toBeTruthy()
  expect((await epos.terminals.get(activation.terminalId)).status).toBe('Inactive')
  await expect(sell(activation.terminalId, 100, 'inactive')).rejects.toBeInstanceOf(mypos.ConflictError)
})
