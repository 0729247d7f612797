// Banking through the Node surface: transactions, details, auto-paging and MT940 statements.
const mypos = require('mypos')
const { withSandbox } = require('./helpers')

const TRANSACTIONS = '/accounting/v1/transactions'
const current = withSandbox()

async function eurAccount() {
  const page = await current.client.banking.getAccounts()
  return page.items.find((a) => a.currency === 'EUR')
}

/** The signed balance of a `:60F:` / `:62F:` line (`C250501EUR1520,35`), in cents. */
function balanceCents(statement, tag) {
  const line = statement.split('\r\n').find((l) => l.startsWith(tag)).slice(tag.length)
  const cents = toCents(line.slice(10).replace(',', '.'))
  return line.startsWith('D') ? -cents : cents
}

/** Decimal text to whole cents, without floating point. */
function toCents(text) {
  const [whole, fraction = ''] = text.split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

test('filters and order', async () => {
  const account = await eurAccount()
  const page = await current.client.banking.getTransactions({
    accountNumber: account.accountNumber,
    sign: 'D',
    order: 'descending',
    size: 50,
  })
  expect(page.items.length).toBeGreaterThan(0)
  expect(new Set(page.items.map((t) => t.sign))).toEqual(new Set(['D']))
  expect(page.items.every((t) => t.accountNumber === account.accountNumber)).toBe(true)
  const dates = page.items.map((t) => t.date)
  expect(dates).toEqual([...dates].sort().reverse())
  expect(typeof page.items[0].transactionAmount).toBe('string')
})

test('iterates every transaction across pages', async () => {
  const { client, sandbox } = current
  const seen = []
  for await (const t of client.banking.iterTransactions({ size: 20 })) seen.push(t.paymentReference)
  expect(seen).toHaveLength(300)
  expect(new Set(seen).size).toBe(300)
  expect(await sandbox.count('GET', TRANSACTIONS)).toBe(15)
})

test('one and several transactions by reference', async () => {
  const { client, sandbox } = current
  const page = await client.banking.getTransactions({ size: 3 })
  const references = page.items.map((t) => t.paymentReference)

  const one = await client.banking.getTransaction(references[0])
  expect(one.reference).toBe(references[0])
  expect(one.general.transactionType).toBeTruthy()
  expect(one.details.some((d) => d.title === 'Amount')).toBe(true)

  const several = await client.banking.getMultipleTransactions(references)
  expect(several.map((d) => d.reference)).toEqual(references)
  const [logged] = await sandbox.requests({ method: 'GET', path: '/accounting/v1/transactions/details' })
  expect(logged.query).toBe(`payment_references=${references.join('%2C')}`)

  await expect(client.banking.getTransaction('000000000000')).rejects.toBeInstanceOf(mypos.NotFoundError)
})

test.each([
  ['MT940MultiCash', ':20:'],
  ['MT940SWIFT', '{1:'],
  [2, ':20:'],
])('statement as %s', async (documentType, starts) => {
  const account = await eurAccount()
  const filter = { accountNumber: account.accountNumber, size: 1 }
  const [newest] = (await current.client.banking.getTransactions(filter)).items
  const { content } = await current.client.banking.generateStatement({
    accountNumber: account.accountNumber,
    documentType,
    date: newest.date.slice(0, 10),
  })
  expect(content.startsWith(starts)).toBe(true)
  for (const tag of [':25:', ':28C:', ':60F:', ':61:', ':86:', ':62F:']) expect(content).toContain(tag)
  // Nothing was booked after the newest transaction's day, so the day closes on the balance.
  expect(balanceCents(content, ':62F:')).toBe(toCents(account.balance))
})

test('list a month of transactions, then generate its statement', async () => {
  // A user's month end: last month's transactions, and the statement of its last busy day.
  const { client } = current
  const account = await eurAccount()
  const [newest] = (await client.banking.getTransactions({ size: 1 })).items
  const [year, month] = newest.date.slice(0, 7).split('-').map(Number)
  const first = new Date(Date.UTC(year, month - 2, 1))
  const last = new Date(Date.UTC(year, month - 1, 0))
  const [fromDate, toDate] = [first, last].map((d) => d.toISOString().slice(0, 10))

  const monthly = []
  const filters = { accountNumber: account.accountNumber, fromDate, toDate, order: 'ascending', size: 50 }
  for await (const t of client.banking.iterTransactions(filters)) monthly.push(t)
  expect(monthly.length).toBeGreaterThan(20)
  expect(monthly.every((t) => t.date.slice(0, 10) >= fromDate && t.date.slice(0, 10) <= toDate)).toBe(true)

  const busyDay = monthly[monthly.length - 1].date.slice(0, 10)
  const thatDay = monthly.filter((t) => t.date.startsWith(busyDay))
  const { content } = await client.banking.generateStatement({
    accountNumber: account.accountNumber,
    documentType: 'MT940MultiCash',
    date: busyDay,
  })
  const entries = content.split('\r\n').filter((l) => l.startsWith(':61:'))
  expect(entries.map((e) => e.split('//')[1])).toEqual(thatDay.map((t) => t.paymentReference))
  const net = thatDay.reduce((sum, t) => sum + (t.sign === 'C' ? 1 : -1) * toCents(t.transactionAmount), 0)
  expect(balanceCents(content, ':62F:')).toBe(balanceCents(content, ':60F:') + net)
})

test('what only the API can refuse is a 400 with field errors', async () => {
  const error = await current.client.banking
    .generateStatement({ accountNumber: '4099999999', documentType: 'MT940SWIFT', date: '2999-01-01' })
    .catch((e) => e)
  expect(error).toBeInstanceOf(mypos.BadRequestError)
  expect(error.status).toBe(400)
  expect(Object.keys(error.errors).sort()).toEqual(['account_number', 'date'])
})

test('an unknown document type fails before any request; dates are the server’s to judge', async () => {
  const { client, sandbox } = current
  await expect(
    client.banking.generateStatement({ accountNumber: '4012345678', documentType: 'PDF', date: '2025-05-01' }),
  ).rejects.toBeInstanceOf(mypos.InvalidRequestError)
  await expect(client.banking.getMultipleTransactions({ paymentReferences: [] })).rejects.toBeInstanceOf(
    mypos.InvalidRequestError,
  )
  expect(await sandbox.requests()).toEqual([])
  await expect(client.banking.getTransactions({ fromDate: '01.05.2025' })).rejects.toMatchObject({
    code: 'MYPOS_BAD_REQUEST',
    errors: { from_date: expect.any(Array) },
  })
  await expect(client.banking.getMultipleTransactions([])).rejects.toBeInstanceOf(mypos.BadRequestError)
})
