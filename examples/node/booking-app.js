'use strict'
// The myPOS side of a salon booking app, as an Express backend, following a booking app's
// myPOS settings page: salons enter their Client ID and Client Secret (the merchant
// credentials `cli_…` / `sec_…`; verified on the spot) and enable or disable the API; they add
// devices, enable or disable them for checkout and remove them; the app starts a payment on a
// device at checkout and follows its status, lists transactions, and issues payment links for
// deposits.
//
//   npm install express   # plus the `mypos` package (README)
//   node examples/node/booking-app.js
//
// It starts a local sandbox (the mypos-sandbox program) unless MYPOS_CLIENT_ID is set; then
// MYPOS_CLIENT_ID, MYPOS_CLIENT_SECRET, MYPOS_PARTNER_ID, MYPOS_APPLICATION_ID (and
// MYPOS_GATEWAY_URL, the demo gateway by default) name your partner integration.

const { once } = require('node:events')
const { randomBytes } = require('node:crypto')
const express = require('express')
const mypos = require('mypos')
const { startSandbox } = require('mypos/testing')

/**
 * The one Gateway of this process (it owns the connection pool and the partner token), and
 * the sandbox behind it when no real gateway is configured.
 */
async function createGateway(env = process.env) {
  if (env.MYPOS_CLIENT_ID) {
    const gateway = new mypos.Gateway({
      gatewayUrl: env.MYPOS_GATEWAY_URL || mypos.DEMO_GATEWAY_URL,
      integration: { clientId: env.MYPOS_CLIENT_ID, clientSecret: env.MYPOS_CLIENT_SECRET },
      partnerId: env.MYPOS_PARTNER_ID,
      applicationId: env.MYPOS_APPLICATION_ID,
    })
    return { gateway, sandbox: null }
  }
  const sandbox = await startSandbox()
  return { gateway: sandbox.gateway(), sandbox }
}

// One place turns SDK errors into HTTP answers; the first class that matches decides. Errors
// about what the caller sent are 400s; the rest mean myPOS could not do it: 502, not 500.
const STATUS_OF_ERROR = [
  [mypos.ConfigError, 400], // malformed credentials: `field` names which
  [mypos.InvalidRequestError, 400], // a bad argument, caught before sending
  [mypos.BadRequestError, 400], // myPOS refused a value (e.g. a currency the salon lacks)
  [mypos.AuthError, 400], // myPOS refused the stored credentials
  [mypos.NotFoundError, 404],
  [mypos.ConflictError, 409], // e.g. the payment is already finished
]

function errorHandler(error, req, res, next) {
  if (error instanceof mypos.MyPOSError) {
    const [, status = 502] = STATUS_OF_ERROR.find(([cls]) => error instanceof cls) || []
    const { code, field, errors, referenceNumber } = error
    // PaymentUnconfirmedError (502): the payment may exist; find it by `referenceNumber`
    // (epos.payments.list) before charging again.
    return res.status(status).json({ detail: error.message, code, field, errors, referenceNumber })
  }
  if (error.status >= 400 && error.status < 500) return res.status(error.status).json({ detail: error.message })
  console.error(error)
  res.status(500).json({ detail: 'internal error' })
}

function createApp(gateway) {
  const app = express()
  app.use(express.json(), (req, res, next) => {
    req.body ??= {} // Express 5 leaves it undefined when no JSON was sent
    next()
  })
  // merchant id → { id, name, client, apiEnabled, devices }; use your database instead.
  // `devices`: terminal id → { enabled, activationCode? } (the app's own settings per device).
  const merchants = new Map()
  // The client holds the secret; it never prints it, and neither do we.
  const publicView = ({ id, name, client, apiEnabled }) => ({ id, name, clientId: client.clientId, apiEnabled })

  // Settings → API Keys → MyPOS: "Client ID" and "Client Secret" are the merchant credentials
  // (`cli_…` / `sec_…`, from Partner Portal → Merchants); the partner's own credentials stay in
  // this server's environment. An id of another form (a merchant account's `XX-0000-0000` API
  // id) is refused by the SDK with ConfigError naming `clientId` → 400.
  app.post('/merchants', async (req, res) => {
    const { name, clientId, clientSecret, enableApi = true } = req.body
    const client = gateway.createClient({ clientId, clientSecret })
    // "Verify your Client ID and Client Secret": the cheapest authenticated call, so a typo
    // shows now and not at the first checkout. Wrong credentials reject with AuthError → 400.
    await client.epos.terminals.list({ size: 1 })
    const merchant = { id: `m_${randomBytes(8).toString('hex')}`, name, client, apiEnabled: Boolean(enableApi), devices: new Map() }
    merchants.set(merchant.id, merchant)
    res.status(201).json({ ...publicView(merchant), verified: true })
  })

  // Every route below names a merchant: load it once.
  app.param('merchantId', (req, res, next, id) => {
    req.merchant = merchants.get(id)
    if (!req.merchant) return res.status(404).json({ detail: `no merchant '${id}'` })
    next()
  })

  app.get('/merchants/:merchantId', (req, res) => res.json(publicView(req.merchant)))

  // "Enable API": payments need it on; the credentials were verified when they were saved.
  app.patch('/merchants/:merchantId', (req, res) => {
    if (typeof req.body.enableApi === 'boolean') req.merchant.apiEnabled = req.body.enableApi
    res.json(publicView(req.merchant))
  })

  const deviceSettings = (merchant, terminalId) => merchant.devices.get(terminalId) || { enabled: true }

  app.get('/merchants/:merchantId/devices', async (req, res) => {
    const devices = []
    // listAll fetches page after page as the loop consumes them.
    for await (const terminal of req.merchant.client.epos.terminals.listAll({ size: 100 })) {
      devices.push({ ...terminal, enabled: deviceSettings(req.merchant, terminal.terminalId).enabled })
    }
    res.json({ devices })
  })

  // "Add Device": myPOS provisions a terminal and answers the code to enter on the device.
  app.post('/merchants/:merchantId/devices', async (req, res) => {
    const { code, terminalId } = await req.merchant.client.epos.terminals.activate()
    req.merchant.devices.set(terminalId, { enabled: true, activationCode: code })
    res.status(201).json({ terminalId, activationCode: code, enabled: true })
  })

  // "Enable/Disable": whether checkout may use the device (the app's setting; myPOS keeps it).
  app.patch('/merchants/:merchantId/devices/:terminalId', (req, res) => {
    const settings = deviceSettings(req.merchant, req.params.terminalId)
    if (typeof req.body.enabled === 'boolean') settings.enabled = req.body.enabled
    req.merchant.devices.set(req.params.terminalId, settings)
    res.json({ terminalId: req.params.terminalId, ...settings, activationCode: undefined })
  })

  // "Remove Device": takes it out of service at myPOS (named by the code its activation
  // answered) and forgets it. A device added elsewhere is removed in the myPOS account.
  app.delete('/merchants/:merchantId/devices/:terminalId', async (req, res) => {
    const settings = req.merchant.devices.get(req.params.terminalId)
    if (!settings || !settings.activationCode) {
      return res.status(409).json({ detail: 'this device was not added here; remove it in the myPOS account' })
    }
    await req.merchant.client.epos.terminals.deactivate({ code: settings.activationCode })
    req.merchant.devices.delete(req.params.terminalId)
    res.status(204).end()
  })

  // "Transaction status can be monitored": the card transactions of the salon's terminals.
  app.get('/merchants/:merchantId/transactions', async (req, res) => {
    const { fromDate, toDate } = req.query
    res.json(await req.merchant.client.epos.terminals.getTransactions({ fromDate, toDate, size: 100 }))
  })

  app.post('/merchants/:merchantId/payments', async (req, res) => {
    const { terminalId, amount, currency = 'EUR', description, bookingId } = req.body
    if (!req.merchant.apiEnabled) return res.status(409).json({ detail: 'the MyPOS API is disabled in the settings' })
    if (!deviceSettings(req.merchant, terminalId).enabled) {
      return res.status(409).json({ detail: `device ${terminalId} is disabled in the settings` })
    }
    if (!Number.isInteger(amount) || amount <= 0) {
      return res.status(400).json({ detail: 'amount must be a whole number of minor units (2500 is 25.00)', field: 'amount' })
    }
    // The booking id becomes the payment's reference: if the answer is lost, the SDK finds the
    // payment by it instead of charging twice (or rejects with PaymentUnconfirmedError → 502).
    const payment = await req.merchant.client.epos.payments.create({
      terminalId,
      amount: { value: amount, currencyCode: currency }, // the terminal's currency
      description,
      referenceNumber: bookingId,
      appName: 'Salon bookings',
    })
    res.status(201).json(payment)
  })

  app.get('/merchants/:merchantId/payments/:paymentId', async (req, res) => {
    // `status` stays `InProgress` until the terminal finishes: `Success`, `Failed`, … Poll
    // every second or two from the front end.
    res.json(await req.merchant.client.epos.payments.get(req.params.paymentId))
  })

  app.post('/merchants/:merchantId/payment-links', async (req, res) => {
    // For deposits and no-show fees. `price` is in major units ("25.00"), as myPOS links take
    // it; `currency` must be one of the salon's settlement currencies.
    const { itemName, price, currency = 'EUR', quantity = 1 } = req.body
    const link = await req.merchant.client.ecommerce.paymentLinks.create({
      itemName, itemPrice: price, currency, quantity,
    })
    res.status(201).json(link) // { code, url }: send the url to the client
  })

  app.use(errorHandler) // Express 5 passes rejected async handlers here
  return app
}

/** Starts the gateway (and sandbox) and the HTTP server; `close()` stops both. */
async function start({ port = 0, env = process.env } = {}) {
  const { gateway, sandbox } = await createGateway(env)
  const server = createApp(gateway).listen(port)
  await once(server, 'listening')
  const close = async () => {
    const closed = new Promise((resolve) => server.close(resolve))
    server.closeIdleConnections() // keep-alive connections would hold close() open
    await closed
    if (sandbox) await sandbox.stop()
  }
  return { url: `http://127.0.0.1:${server.address().port}`, sandbox, close }
}

if (require.main === module) {
  start({ port: Number(process.env.PORT || 3000) }).then(({ url, sandbox, close }) => {
    console.log(`Booking app on ${url}${sandbox ? ` (sandbox at ${sandbox.url})` : ''}`)
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, close)
  })
}

module.exports = { createApp, createGateway, start }
