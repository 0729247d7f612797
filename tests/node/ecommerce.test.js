// Ecommerce through the Node surface: payment links, buttons and requests.
const mypos = require('mypos')
const { withSandbox } = require('./helpers')

const current = withSandbox()

test('languages and settlement accounts', async () => {
  const { ecommerce } = current.client
  expect(await ecommerce.getLanguages()).toContainEqual({ code: 'EN', name: 'English' })
  const accounts = await ecommerce.getSettlementData()
  expect(accounts.map((a) => a.currency)).toEqual(['EUR', 'GBP', 'BGN'])
  expect(accounts[0]).toHaveProperty('accountNumber')
})

test('create a payment link, list it, disable it, delete it', async () => {
  // A user's payment link, from creation to deletion.
  const links = current.client.ecommerce.paymentLinks
  const { code, url } = await links.create({
    itemName: 'Yoga mat',
    itemPrice: '34.90',
    currency: 'EUR',
    customName: 'Spring yoga',
    askForCustomerName: true,
  })
  expect(url.endsWith(code)).toBe(true)

  const all = []
  for await (const link of links.listAll()) all.push(link)
  expect(all.find((l) => l.code === code)).toMatchObject({
    itemPrice: '34.90',
    status: 'Active',
    askForCustomerName: true,
  })

  const disabled = await links.update(code, { enable: false })
  expect(disabled).toMatchObject({ enable: false, status: 'Disabled' })
  expect((await links.get(code)).enable).toBe(false)
  const page = await links.list()
  expect(page.items.find((l) => l.code === code).status).toBe('Disabled')

  await links.delete(code)
  await expect(links.get(code)).rejects.toBeInstanceOf(mypos.NotFoundError)
  expect((await links.list()).items.some((l) => l.code === code)).toBe(false)
})

test('link and button payments, page by page', async () => {
  const { client, sandbox } = current
  const payments = []
  for await (const p of client.ecommerce.paymentLinks.iterTransactions({ size: 5 })) payments.push(p)
  expect(payments).toHaveLength(24)
  expect(await sandbox.count('GET', '/ecommerce/v1/links/transactions')).toBe(5)
  const only = await client.ecommerce.paymentLinks.getTransactions({ code: payments[0].code })
  expect(new Set(only.items.map((p) => p.code))).toEqual(new Set([payments[0].code]))
  const buttons = await client.ecommerce.paymentButtons.getTransactions({ size: 100 })
  expect(buttons.items).toHaveLength(12)
})

test('payment buttons', async () => {
  const buttons = current.client.ecommerce.paymentButtons
  const { code } = await buttons.create({
    itemName: 'Gift card',
    itemPrice: 50,
    currency: 'GBP',
    customName: 'Gifts',
    buttonSize: 'big',
    returnUrl: 'https://shop.example/thanks',
  })
  expect(await buttons.get(code)).toMatchObject({
    buttonSize: 1,
    currency: 'GBP',
    returnUrl: 'https://shop.example/thanks',
  })
  const page = await buttons.list({ size: 2 })
  expect(page.items[0].code).toBe(code)
  expect(page.hasNextPage).toBe(true)
  const listed = []
  for await (const b of buttons.listAll({ size: 1 })) listed.push(b.code)
  expect(listed).toHaveLength(3)

  const updated = await buttons.update(code, { buttonSize: 'small', enable: false })
  expect(updated).toMatchObject({ buttonSize: 0, status: 'Disabled' })
  await buttons.delete(code)
  await expect(buttons.delete(code)).rejects.toMatchObject({ status: 404, code: 'MYPOS_NOT_FOUND' })
})

test('payment requests and reminders', async () => {
  const requests = current.client.ecommerce.paymentRequests
  const { code, paymentRequestUrl } = await requests.create({
    amount: '120.00',
    currency: 'EUR',
    clientName: 'Ana Petrova',
    paymentRequestLang: 'BG',
    reason: 'Invoice 2001',
  })
  expect(paymentRequestUrl.endsWith(code)).toBe(true)
  expect((await requests.create({ amount: 9.99, currency: 'EUR', qrGenerated: true })).code).not.toBe(code)

  const pending = []
  for await (const r of requests.listAll({ status: 'Pending' })) pending.push(r)
  expect(pending.map((r) => r.code)).toContain(code)
  expect(new Set(pending.map((r) => r.status))).toEqual(new Set(['Pending']))

  expect(await requests.get(code)).toMatchObject({ amount: '120.00', clientName: 'Ana Petrova' })
  expect(await requests.sendReminder(code, { gsm: '+359888123456' })).toMatchObject({
    remindersSent: 1,
    notifyGsm: '+359888123456',
  })
  const [paid] = (await requests.list({ status: 'Paid' })).items
  await expect(requests.sendReminder(paid.code, { email: 'a@example.com' })).rejects.toBeInstanceOf(mypos.ConflictError)
  await expect(requests.get('NOSUCHCODE000')).rejects.toBeInstanceOf(mypos.NotFoundError)
})

test('what only the API can refuse is a 400 with field errors', async () => {
  const error = await current.client.ecommerce.paymentLinks
    .create({ itemName: 'Mug', itemPrice: '8.50', currency: 'USD', customName: 'Mugs', prefLanguage: 'XX' })
    .catch((e) => e)
  expect(error).toBeInstanceOf(mypos.BadRequestError)
  expect(error.status).toBe(400)
  // Field-error keys are the API's own names.
  expect(Object.keys(error.errors).sort()).toEqual(['currency', 'pref_language'])
})

test.each([
  [-5, /negative/],
  [Number.NaN, /decimal amount/],
  ['12.345', /2 decimal places/],
])('a price of %p fails before any request', async (itemPrice, says) => {
  const { client, sandbox } = current
  const error = await client.ecommerce.paymentLinks
    .create({ itemName: 'Mug', itemPrice, currency: 'EUR', customName: 'Mugs' })
    .catch((e) => e)
  expect(error).toBeInstanceOf(mypos.InvalidRequestError)
  expect(error.field).toBe('itemPrice')
  expect(error.message).toMatch(says)
  expect(await sandbox.requests()).toEqual([])
})

test('rules the API texts do not state are the server’s to judge', async () => {
  const { client, sandbox } = current
  await sandbox.clearRequests()
  const zero = await client.ecommerce.paymentLinks.create({ itemName: 'Mug', itemPrice: 0, currency: 'EUR' }).catch((e) => e)
  expect(Object.keys(zero.errors)).toEqual(['item_price'])
  const nobody = await client.ecommerce.paymentRequests.create({ amount: 5, currency: 'EUR' }).catch((e) => e)
  expect(nobody).toBeInstanceOf(mypos.BadRequestError)
  expect(nobody.errors).toHaveProperty('client_name')
  await expect(client.ecommerce.paymentRequests.sendReminder('ABC')).rejects.toBeInstanceOf(mypos.NotFoundError)
  expect((await sandbox.requests()).filter((r) => r.path.startsWith('/ecommerce/'))).toHaveLength(3)
})

test('dot-segment ids are refused', async () => {
  for (const code of ['.', '..']) {
    await expect(current.client.ecommerce.paymentLinks.delete({ code })).rejects.toMatchObject({ name: 'InvalidRequestError', field: 'code' })
  }
  expect(await current.sandbox.requests({ method: 'DELETE' })).toHaveLength(0)
})
