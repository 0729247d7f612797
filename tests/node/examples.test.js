// The Express booking-app example (examples/node/booking-app.js), driven over HTTP.
const path = require('node:path')
const { startSandbox, SANDBOX_CREDENTIALS } = require('mypos/testing')
const { start } = require(path.join(__dirname, '..', '..', 'examples', 'node', 'booking-app.js'))

const SEEDED = SANDBOX_CREDENTIALS.merchant
const NO_GATEWAY = {} // no MYPOS_* variables: the app starts its own sandbox

let app
beforeEach(async () => {
  app = await start({ port: 0, env: NO_GATEWAY })
})
afterEach(async () => {
  await app.close()
})

/** Calls the app; resolves to `{ status, body, text }`. */
async function call(method, route, body, base = app.url) {
  const response = await fetch(base + route, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined, text }
}

function register({ clientId = SEEDED.clientId, clientSecret = SEEDED.clientSecret } = {}, base) {
  return call('POST', '/merchants', { name: 'Salon Ana', clientId, clientSecret }, base)
}

test('registers and verifies a merchant without echoing its secret', async () => {
  const { status, body, text } = await register()
  expect(status).toBe(201)
  expect(body).toMatchObject({ verified: true, clientId: 'cli_sandbox', name: 'Salon Ana' })
  expect(body.id).toMatch(/^m_/)
  expect(text).not.toContain('sec_sandbox')
  const { verified, ...stored } = body
  expect((await call('GET', `/merchants/${body.id}`)).body).toEqual(stored)
})

test('wrong credentials are a 400 with the SDK message', async () => {
  const { status, body, text } = await register({ clientSecret: 'sec_typo' })
  expect(status).toBe(400)
  expect(body.code).toBe('MYPOS_AUTH')
  expect(body.detail).toContain('check the client id and secret')
  expect(text).not.toContain('sec_typo')
})

test('a registration without a body is a 400, not a 500', async () => {
  const { status, body } = await call('POST', '/merchants')
  expect(status).toBe(400)
  expect(body.code).toBe('MYPOS_CONFIG')
})

test('malformed credentials name the field', async () => {
  const { status, body } = await register({ clientId: 'salon-ana' })
  expect(status).toBe(400)
  expect(body).toMatchObject({ code: 'MYPOS_CONFIG', field: 'clientId' })
})

test('the settings form: a Client ID in the XX-0000-0000 form is not the gateway’s merchant id', async () => {
  const { status, body } = await register({ clientId: 'AB-1234-5678', clientSecret: 'secret' })
  expect(status).toBe(400)
  expect(body).toMatchObject({ code: 'MYPOS_CONFIG', field: 'clientId' })
  expect(body.detail).toContain('cli_')
})

test('the settings form: Enable API off stops checkout, on again lets it through', async () => {
  const merchant = (await register()).body
  expect(merchant.apiEnabled).toBe(true)
  const [device] = (await call('GET', `/merchants/${merchant.id}/devices`)).body.devices
  expect((await call('PATCH', `/merchants/${merchant.id}`, { enableApi: false })).body.apiEnabled).toBe(false)
  const payment = { terminalId: device.terminalId, amount: 1500, bookingId: 'booking-7' }
  expect((await call('POST', `/merchants/${merchant.id}/payments`, payment)).status).toBe(409)
  await call('PATCH', `/merchants/${merchant.id}`, { enableApi: true })
  expect((await call('POST', `/merchants/${merchant.id}/payments`, payment)).status).toBe(201)
})

test('devices: add one, disable and enable it for checkout, remove it', async () => {
  const merchant = (await register()).body
  const devices = `/merchants/${merchant.id}/devices`
  const added = await call('POST', devices)
  expect(added.status).toBe(201)
  expect(added.body).toMatchObject({ enabled: true, activationCode: expect.stringMatching(/^\d{6}$/) })
  const { terminalId } = added.body
  expect((await call('GET', devices)).body.devices.map((d) => d.terminalId)).toContain(terminalId)

  expect((await call('PATCH', `${devices}/${terminalId}`, { enabled: false })).body).toEqual({ terminalId, enabled: false })
  const listed = (await call('GET', devices)).body.devices.find((d) => d.terminalId === terminalId)
  expect(listed.enabled).toBe(false)
  const payment = { terminalId, amount: 1500, bookingId: 'booking-8' }
  expect((await call('POST', `/merchants/${merchant.id}/payments`, payment)).status).toBe(409)
  await call('PATCH', `${devices}/${terminalId}`, { enabled: true })
  const started = await call('POST', `/merchants/${merchant.id}/payments`, payment)
  expect(started.status).toBe(201)
  await app.sandbox.approvePayment(started.body.paymentId) // the device is idle again

  const seeded = (await call('GET', devices)).body.devices.find((d) => d.terminalId !== terminalId)
  expect((await call('DELETE', `${devices}/${seeded.terminalId}`)).status).toBe(409)
  expect((await call('DELETE', `${devices}/${terminalId}`)).status).toBe(204)
  expect((await call('DELETE', `${devices}/${terminalId}`)).status).toBe(409)
  const retired = await call('POST', `/merchants/${merchant.id}/payments`, { ...payment, bookingId: 'booking-9' })
  expect(retired.status).toBe(409) // myPOS: the terminal is out of service
})

test('monitors transaction status: the salon’s card transactions', async () => {
  const merchant = (await register()).body
  const { status, body } = await call('GET', `/merchants/${merchant.id}/transactions`)
  expect(status).toBe(200)
  expect(body.items).toEqual(expect.any(Array))
})

test('an unknown merchant is a 404', async () => {
  expect((await call('GET', '/merchants/m_nobody/devices')).status).toBe(404)
})

test('lists devices', async () => {
  const merchant = (await register()).body
  const { status, body } = await call('GET', `/merchants/${merchant.id}/devices`)
  expect(status).toBe(200)
  expect(body.devices.map((d) => d.model)).toEqual(['GO2', 'SIGMA', 'PRO'])
  for (const device of body.devices) expect(device.terminalId).toMatch(/^\d{8}$/)
})

test('takes a payment on a terminal and polls it to Success', async () => {
  const merchant = (await register()).body
  const [device] = (await call('GET', `/merchants/${merchant.id}/devices`)).body.devices
  const started = await call('POST', `/merchants/${merchant.id}/payments`, {
    terminalId: device.terminalId, amount: 2500, currency: 'EUR', bookingId: 'booking-42',
  })
  expect(started.status).toBe(201)
  expect(started.body).toMatchObject({ status: 'InProgress', referenceNumber: 'booking-42', amount: { value: 2500 } })

  const poll = `/merchants/${merchant.id}/payments/${started.body.paymentId}`
  expect((await call('GET', poll)).body.status).toBe('InProgress')
  await app.sandbox.approvePayment(started.body.paymentId) // the client taps a card
  let status
  const deadline = Date.now() + 10000
  while ((status = (await call('GET', poll)).body.status) === 'InProgress' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  expect(status).toBe('Success')
})

test('payment errors map to HTTP answers', async () => {
  const merchant = (await register()).body
  const payments = `/merchants/${merchant.id}/payments`
  const zero = await call('POST', payments, { terminalId: 'x', amount: 0 })
  expect(zero).toMatchObject({ status: 400, body: { field: 'amount' } })
  const missing = await call('GET', `${payments}/000000000000000000000000`)
  expect(missing).toMatchObject({ status: 404, body: { code: 'MYPOS_NOT_FOUND' } })
  await app.sandbox.injectFault({ path: '/epos/v1/payments/*', status: 503, method: 'GET', count: 10 })
  const down = await call('GET', `${payments}/000000000000000000000000`)
  expect(down).toMatchObject({ status: 502, body: { code: 'MYPOS_SERVER_ERROR' } })
})

test('creates a payment link', async () => {
  const merchant = (await register()).body
  const links = `/merchants/${merchant.id}/payment-links`
  const created = await call('POST', links, { itemName: 'Deposit: balayage', price: '30.00', currency: 'EUR' })
  expect(created.status).toBe(201)
  expect(created.body.url).toMatch(/^https:\/\//)
  expect(created.body.code).toBeTruthy()
  const refused = await call('POST', links, { itemName: 'Deposit', price: '30.00', currency: 'USD' })
  expect(refused.status).toBe(400)
  expect(Object.keys(refused.body.errors)).toContain('currency')
})

test('stops its sandbox at shutdown', async () => {
  const own = await start({ port: 0, env: NO_GATEWAY })
  await own.sandbox.stats() // running
  await own.close()
  await expect(own.sandbox.stats()).rejects.toThrow()
})

test('uses the gateway the MYPOS_* variables name', async () => {
  const external = await startSandbox() // stands in for the real gateway
  const env = {
    MYPOS_GATEWAY_URL: external.url,
    MYPOS_CLIENT_ID: SANDBOX_CREDENTIALS.integration.clientId,
    MYPOS_CLIENT_SECRET: SANDBOX_CREDENTIALS.integration.clientSecret,
    MYPOS_PARTNER_ID: SANDBOX_CREDENTIALS.partnerId,
    MYPOS_APPLICATION_ID: SANDBOX_CREDENTIALS.applicationId,
  }
  const configured = await start({ port: 0, env })
  try {
    expect(configured.sandbox).toBeNull()
    expect((await register({}, configured.url)).status).toBe(201)
    expect(await external.count('GET', '/pos/v1/terminals')).toBe(1)
  } finally {
    await configured.close()
    await external.stop()
  }
})
