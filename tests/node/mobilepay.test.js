// MobilePay at the point of sale through the Node surface, the customer simulated by the
// sandbox: every operation, each rule and its error, both flows, aborting and recovery.
const util = require('node:util')
const mypos = require('mypos')
const { MOBILEPAY_SANDBOX } = require('mypos/testing')
const { withSandbox } = require('./helpers')

const TERMINAL = '1001'
const POS_IDS = Object.fromEntries(MOBILEPAY_SANDBOX.terminals.map((t) => [t.terminalId, t.posId]))
const current = withSandbox()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function statuses(terminal) {
  return (await current.sandbox.mobilepayPayments(terminal)).map((p) => p.status)
}

/** Waits (briefly) for a payment on `terminal` in `status`; resolves to its id. */
async function paymentIn(terminal, status) {
  for (let i = 0; i < 300; i++) {
    const found = (await current.sandbox.mobilepayPayments(terminal)).filter((p) => p.status === status)
    if (found.length) return found[found.length - 1].paymentId
    await sleep(10)
  }
  throw new Error(`no payment became ${status} on ${terminal}: ${await statuses(terminal)}`)
}

/** The API error a call rejects with. */
async function refusal(promise) {
  const error = await promise.then(
    () => null,
    (e) => e,
  )
  expect(error).toBeInstanceOf(mypos.APIError)
  return error
}

async function reserved(pos, orderId, amount, partialCapturePossible = true) {
  const { paymentId } = await pos.payments.start({ terminalId: TERMINAL, orderId, amount })
  await current.sandbox.mobilepayCheckIn(TERMINAL)
  await current.sandbox.mobilepayAccept(paymentId, { partialCapturePossible })
  return paymentId
}

test('payment operations in the direct flow, and the three ways back to a lost id', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  const qr = await pos.payments.qrCode({ terminalId: TERMINAL })
  expect(qr.qrcodeImagelink).toMatch(/\.png$/)

  const { paymentId } = await pos.payments.start({ terminalId: TERMINAL, orderId: 'A-1', amount: '27.06' })
  expect(await pos.payments.status({ paymentId })).toEqual({ status: 'Initiated', pollDelayInMs: MOBILEPAY_SANDBOX.pollDelayMs })
  expect((await pos.payments.list({ terminalId: TERMINAL })).paymentsIds).toEqual([paymentId])

  expect((await sandbox.mobilepayCheckIn(TERMINAL)).payment.status).toBe('IssuedToUser')
  await sandbox.mobilepayAccept(undefined, { terminalId: TERMINAL })
  const details = await pos.payments.details({ paymentId })
  expect([details.status, details.amount, details.currencyCode, details.posId]).toEqual(['Reserved', '27.06', 'DKK', POS_IDS[TERMINAL]])
  expect(details.partialCapturePossible).toBe(true)

  await pos.payments.capture({ paymentId, amount: 27.06 })
  expect((await pos.payments.details({ paymentId })).status).toBe('Captured')
  expect((await pos.payments.list({ terminalId: TERMINAL, state: 'Captured' })).paymentsIds).toEqual([paymentId])
  expect((await pos.payments.list({ terminalId: TERMINAL })).paymentsIds).toEqual([])

  const found = [
    await pos.payments.recoverIdByState({ orderId: 'A-1', state: 'Captured' }),
    await pos.payments.recoverIdByTerminal({ orderId: 'A-1', terminalId: TERMINAL }),
    await pos.payments.recoverIdByPosId({ orderId: 'A-1', posId: POS_IDS[TERMINAL], paymentState: 'Captured' }),
  ]
  expect(found.map((f) => f.paymentId)).toEqual([paymentId, paymentId, paymentId])
})

test('start by posId, prepare, ready and cancel', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  const started = await pos.payments.startByPosId({ orderId: 'B-1', amount: 10, posId: POS_IDS['2001'], currencyCode: 'EUR' })
  const details = await pos.payments.details({ paymentId: started.paymentId })
  expect([details.terminalId, details.currencyCode]).toEqual(['2001', 'EUR'])
  await pos.payments.cancel({ paymentId: started.paymentId })
  expect(await statuses('2001')).toEqual(['CancelledByClient'])

  const { paymentId } = await pos.payments.prepare({ orderId: 'B-2', terminalId: TERMINAL })
  expect((await pos.payments.status({ paymentId })).status).toBe('Prepared')
  await sandbox.mobilepayCheckIn(TERMINAL)
  expect((await pos.payments.status({ paymentId })).status).toBe('Paired')
  await pos.payments.ready({ paymentId, orderId: 'B-2', terminalId: TERMINAL, amount: '99.50' })
  expect((await pos.payments.status({ paymentId })).status).toBe('IssuedToUser')
})

test('refunds: created, reserved, captured, cancelled', async () => {
  const pos = current.sandbox.mobilepay()
  const paymentId = await reserved(pos, 'C-1', '100')
  await pos.payments.capture({ paymentId, amount: '100' })

  const { refundId: first } = await pos.refunds.create({ paymentId, refundOrderId: 'R-1', amount: '30' })
  expect((await refusal(pos.refunds.capture({ refundId: first }))).errorType).toBe('mobilepay:refund_capture_requires_reserved')
  expect((await pos.refunds.details({ refundId: first })).status).toBe('Initiated')
  expect((await pos.refunds.details({ refundId: first })).status).toBe('Reserved')
  await pos.refunds.capture({ refundId: first })
  expect((await pos.refunds.details({ refundId: first })).status).toBe('Captured')

  const { refundId: second } = await pos.refunds.create({ paymentId, refundOrderId: 'R-2', amount: '70' })
  await pos.refunds.cancel({ refundId: second })
  expect((await pos.refunds.details({ refundId: second })).status).toBe('CancelledByClient')
  expect((await pos.refunds.list({ paymentId })).refundsIds).toEqual([first, second])
  expect((await refusal(pos.refunds.cancel({ refundId: first }))).errorType).toBe('mobilepay:refund_cancel_not_allowed')
})

test('management: tokens, points of sale, stores, check-ins', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  // A merchant without a token: only createToken works, and only while it has none.
  let fresh = sandbox.mobilepay({ bioCode: MOBILEPAY_SANDBOX.newBioCode, accessToken: undefined })
  await expect(fresh.payments.status({ paymentId: 'x' })).rejects.toMatchObject({ constructor: mypos.ConfigError, field: 'accessToken' })
  const created = await fresh.manage.createToken()
  await expect(fresh.manage.createToken()).rejects.toThrow(/already has an accessToken/)
  fresh = fresh.withAccessToken(created.message)
  expect((await fresh.manage.storeIds()).storeIds).toEqual([])
  // Reset: a GET with the token being replaced as previousAccessToken (the client's own).
  await sandbox.clearRequests()
  const reset = await fresh.manage.resetToken()
  expect(reset.message).not.toBe(created.message)
  const [logged] = await sandbox.requests({ method: 'GET', path: '/api/pos/manage/token/reset' })
  expect(logged.query).toContain('previousAccessToken=<redacted>')
  expect(logged.query).not.toContain('accessToken=')
  await expect(fresh.manage.storeIds()).rejects.toThrow(/accessToken/)
  const renewed = fresh.withAccessToken(reset.message)
  await renewed.manage.storeIds()
  expect((await renewed.manage.resetToken({ previousAccessToken: reset.message })).message).not.toBe(reset.message)

  const { message: posId } = await pos.manage.createPos({ terminalId: '2002' })
  const info = await pos.manage.terminalInformation({ terminalId: '2002' })
  expect([info.posId, info.supportedBeaconTypes, info.requirePaymentBeforeCheckin]).toEqual([posId, ['QR', 'NFC'], false])
  await pos.manage.deletePos({ terminalId: '2002' })
  expect(await sandbox.count('DELETE', '/api/pos/manage/delete')).toBe(1)
  await expect(pos.payments.start({ terminalId: '2002', orderId: 'D-1', amount: 1 })).rejects.toThrow(/\(1000\)/)

  const { storeIds } = await pos.manage.storeIds()
  expect(storeIds).toEqual(MOBILEPAY_SANDBOX.storeIds)
  expect((await pos.manage.store({ storeId: storeIds[1] })).storeCity).toBe('Aarhus C')

  expect((await pos.manage.checkInByPosId({ posId: POS_IDS[TERMINAL] })).isUserCheckedIn).toBe(false)
  await sandbox.mobilepayCheckIn(TERMINAL)
  expect((await pos.manage.checkInByPosId({ posId: POS_IDS[TERMINAL] })).isUserCheckedIn).toBe(true)
  expect((await pos.manage.checkInByTerminal({ terminalId: TERMINAL })).isUserCheckedIn).toBe(true)
})

test('each rule breach names its rule', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  const { paymentId: first } = await pos.payments.start({ terminalId: TERMINAL, orderId: 'E-1', amount: '50' })
  const rule = async (promise) => (await refusal(promise)).errorType

  const active = await refusal(pos.payments.start({ terminalId: TERMINAL, orderId: 'E-2', amount: '50' }))
  expect(active.errorType).toBe('mobilepay:one_active_payment')
  expect(active.message).toMatch(/Only one payment may be active/)
  expect(active.errors.request[0]).toMatch(/already active/)
  expect(await rule(pos.payments.capture({ paymentId: first, amount: '50' }))).toBe('mobilepay:capture_requires_reserved')
  expect(await rule(pos.payments.ready({ paymentId: first, orderId: 'E-1', terminalId: TERMINAL, amount: '50' }))).toBe('mobilepay:ready_requires_prepared')

  await sandbox.mobilepayCheckIn(TERMINAL)
  await sandbox.mobilepayAccept(first, { partialCapturePossible: false })
  expect(await rule(pos.payments.capture({ paymentId: first, amount: '50.01' }))).toBe('mobilepay:capture_above_reserved')
  expect(await rule(pos.payments.capture({ paymentId: first, amount: '20' }))).toBe('mobilepay:partial_capture_not_allowed')
  await pos.payments.capture({ paymentId: first, amount: '50' })
  expect(await rule(pos.payments.capture({ paymentId: first, amount: '40' }))).toBe('mobilepay:capture_amount_differs')
  expect(await rule(pos.payments.cancel({ paymentId: first }))).toBe('mobilepay:cancel_not_allowed')
  expect(await rule(pos.refunds.create({ paymentId: first, refundOrderId: 'R-1', amount: '50.01' }))).toBe('mobilepay:refund_above_captured')
  expect(await rule(pos.refunds.create({ paymentId: first, refundOrderId: 'R-2', amount: '1', currencyCode: 'EUR' }))).toBe(
    'mobilepay:refund_currency_mismatch',
  )
  const { paymentId: other } = await pos.payments.start({ terminalId: TERMINAL, orderId: 'E-3', amount: '5' })
  expect(await rule(pos.refunds.create({ paymentId: other, refundOrderId: 'R-3', amount: '1' }))).toBe('mobilepay:refund_requires_captured')
  await pos.payments.cancel({ paymentId: other })

  const partial = await reserved(pos, 'E-4', '80')
  await pos.payments.capture({ paymentId: partial, amount: '30' })
  expect((await pos.payments.details({ paymentId: partial })).capturedAmount).toBe(30)
})

test('success: false is the API error with the server\'s errors', async () => {
  const pos = current.sandbox.mobilepay()
  const error = await refusal(pos.payments.details({ paymentId: 'nope' }))
  expect(error.constructor).toBe(mypos.APIError)
  expect([error.code, error.errorType]).toEqual(['MYPOS_API_ERROR', null])
  expect(error.errors).toEqual({ request: ['Payment nope was not found.'] })
  // The API text makes no check of amounts: the request is sent and the API refuses it.
  await expect(pos.payments.start({ terminalId: TERMINAL, orderId: 'F-1', amount: 0 })).rejects.toMatchObject({
    constructor: mypos.APIError,
    message: expect.stringMatching(/amount/),
  })
})

test("the text's forms go on the wire", async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  await sandbox.clearRequests()
  const started = await pos.payments.start({ terminalId: TERMINAL, orderId: 'T-1', amount: '10' })
  // A reserved payment is still active (the text: neither captured, rejected, cancelled or
  // reversed): it is listed, and no other payment starts until it is captured or cancelled.
  await sandbox.mobilepayCheckIn(TERMINAL)
  await sandbox.mobilepayAccept(started.paymentId)
  expect((await pos.payments.list({ terminalId: TERMINAL })).paymentsIds).toEqual([started.paymentId])
  expect((await refusal(pos.payments.start({ terminalId: TERMINAL, orderId: 'T-2', amount: '10' }))).errorType).toBe('mobilepay:one_active_payment')
  await pos.payments.cancel({ paymentId: started.paymentId })
  // startByPosId and ready: their POST forms, so the token stays out of the URL.
  const byPos = await pos.payments.startByPosId({ posId: POS_IDS['2001'], orderId: 'T-3', amount: '1' })
  await pos.payments.cancel({ paymentId: byPos.paymentId })
  const prepared = await pos.payments.prepare({ terminalId: TERMINAL, orderId: 'T-4' })
  await pos.payments.ready({ paymentId: prepared.paymentId, orderId: 'T-4', terminalId: TERMINAL, amount: '3' })
  for (const path of ['/api/pos/payment/start/byPosId', '/api/pos/payment/ready']) {
    const [call] = await sandbox.requests({ path })
    expect([call.method, call.query]).toEqual(['POST', null])
  }
  await pos.manage.checkInByTerminal({ terminalId: TERMINAL })
  expect(await sandbox.count('GET', '/api/pos/manage/checkInStatus/byterminalId')).toBe(1)
})

test('the direct flow end to end', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  const flow = pos.flows.pay({ terminalId: TERMINAL, orderId: 'G-1', amount: '42.50' })
  let settled = false
  flow.then(() => (settled = true), () => (settled = true))
  const paymentId = await paymentIn(TERMINAL, 'Initiated')
  await sandbox.mobilepayCheckIn(TERMINAL)
  await sleep(250)
  expect(settled).toBe(false)
  await sandbox.mobilepayAccept(paymentId)
  const payment = await flow
  expect([payment.paymentId, payment.status, payment.amount]).toEqual([paymentId, 'Captured', '42.5'])
})

test('the direct flow by posId, rejected by the customer', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  await sandbox.mobilepayCheckIn('2001')
  const flow = pos.flows.pay({ posId: POS_IDS['2001'], orderId: 'G-2', amount: 5 })
  const paymentId = await paymentIn('2001', 'IssuedToUser')
  await sandbox.mobilepayReject(paymentId)
  await expect(flow).rejects.toMatchObject({
    constructor: mypos.PaymentNotCompletedError,
    code: 'MYPOS_PAYMENT_NOT_COMPLETED',
    paymentId,
    paymentStatus: 'CancelledByUser',
  })
})

test('a failed flow names its payment', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay({ maxRetries: 0 })
  await sandbox.injectFault({ path: '/api/pos/payment/status', status: 503, count: 100 })
  const error = await pos.flows.pay({ terminalId: TERMINAL, orderId: 'F-1', amount: '1' }).catch((e) => e)
  const [payment] = await sandbox.mobilepayPayments(TERMINAL)
  expect(error).toBeInstanceOf(mypos.ServerError)
  expect([error.paymentId, payment.status]).toEqual([payment.paymentId, 'CancelledByClient'])
})

test('a flow waits at most flowMaxWait, then cancels its payment', async () => {
  const { sandbox } = current
  // The customer never answers.
  const pos = sandbox.mobilepay({ flowMaxWait: 400 })
  const began = Date.now()
  const error = await pos.flows.pay({ terminalId: TERMINAL, orderId: 'M-1', amount: '3' }).catch((e) => e)
  expect(Date.now() - began).toBeGreaterThanOrEqual(390)
  const [payment] = await sandbox.mobilepayPayments(TERMINAL)
  expect(error).toBeInstanceOf(mypos.APITimeoutError)
  expect([error.code, error.paymentId, error.timeout]).toEqual(['MYPOS_TIMEOUT', payment.paymentId, 400])
  expect(payment.status).toBe('CancelledByClient')
  // Per call too, through withOptions.
  const quick = sandbox.mobilepay().withOptions({ flowMaxWait: 200 })
  const again = await quick.flows.pay({ terminalId: TERMINAL, orderId: 'M-2', amount: '3' }).catch((e) => e)
  expect(again).toBeInstanceOf(mypos.APITimeoutError)
  expect(await statuses(TERMINAL)).toEqual(['CancelledByClient', 'CancelledByClient'])
  expect(() => sandbox.mobilepay({ flowMaxWait: 0 })).toThrow(mypos.ConfigError)
})

test('a capture whose answer was lost is answered as captured', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay({ maxRetries: 0 })
  await sandbox.injectFault({ path: '/api/pos/payment/capture', kind: 'drop_before_headers', afterHandler: true })
  await sandbox.injectFault({ path: '/api/pos/payment/details', status: 503 })
  const flow = pos.flows.pay({ terminalId: TERMINAL, orderId: 'F-2', amount: '8' })
  const paymentId = await paymentIn(TERMINAL, 'Initiated')
  await sandbox.mobilepayCheckIn(TERMINAL)
  await sandbox.mobilepayAccept(paymentId)
  const payment = await flow
  expect([payment.paymentId, payment.status]).toEqual([paymentId, 'Captured'])
})

test('the prepared flow end to end', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  const { paymentId } = await pos.payments.prepare({ orderId: 'H-1', terminalId: TERMINAL })
  await sandbox.mobilepayCheckIn(TERMINAL)
  expect(await statuses(TERMINAL)).toEqual(['Paired'])
  const flow = pos.flows.payPrepared({ paymentId, orderId: 'H-1', terminalId: TERMINAL, amount: '12.34' })
  await paymentIn(TERMINAL, 'IssuedToUser')
  await sandbox.mobilepayAccept(paymentId)
  const payment = await flow
  expect([payment.status, payment.amount]).toEqual(['Captured', '12.34'])
})

test('an aborted flow cancels its payment', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  // The caller's deadline passes while the customer has not accepted.
  const timedOut = pos.flows.pay({ terminalId: TERMINAL, orderId: 'I-1', amount: '9', signal: AbortSignal.timeout(300) })
  await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' })
  await paymentIn(TERMINAL, 'CancelledByClient')

  const controller = new AbortController()
  const flow = pos.flows.pay({ terminalId: TERMINAL, orderId: 'I-2', amount: '9', signal: controller.signal })
  await paymentIn(TERMINAL, 'Initiated')
  controller.abort(new Error('the cashier gave up'))
  await expect(flow).rejects.toThrow('the cashier gave up')
  for (let i = 0; i < 300; i++) {
    if ((await statuses(TERMINAL)).join() === 'CancelledByClient,CancelledByClient') break
    await sleep(10)
  }
  expect(await statuses(TERMINAL)).toEqual(['CancelledByClient', 'CancelledByClient'])
  expect((await pos.payments.list({ terminalId: TERMINAL })).paymentsIds).toEqual([])

  // An already aborted signal sends nothing.
  await expect(pos.flows.pay({ terminalId: TERMINAL, orderId: 'I-3', amount: '9', signal: AbortSignal.abort() })).rejects.toMatchObject({
    name: 'AbortError',
  })
  expect(await statuses(TERMINAL)).toHaveLength(2)
  // A signal on a plain call is fine too.
  expect((await pos.payments.list({ terminalId: TERMINAL, signal: new AbortController().signal })).paymentsIds).toEqual([])
})

test('a flow aborted while its payment starts cancels it once the start answers', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  // The payment exists on the server but the start's answer is still on the way when the
  // caller gives up: the answer is waited for, and the payment it names cancelled.
  await sandbox.injectFault({ path: '/api/pos/payment/start', kind: 'delay', delayMs: 400 })
  const controller = new AbortController()
  const flow = pos.flows.pay({ terminalId: TERMINAL, orderId: 'I-4', amount: '9', signal: controller.signal })
  await paymentIn(TERMINAL, 'Initiated')
  controller.abort(new Error('the cashier gave up'))
  await expect(flow).rejects.toThrow('the cashier gave up')
  await paymentIn(TERMINAL, 'CancelledByClient')
  expect(await statuses(TERMINAL)).toEqual(['CancelledByClient'])
})

test('recovery after a restart frees the point of sale', async () => {
  const { sandbox } = current
  const before = sandbox.mobilepay()
  const { paymentId: lost } = await before.payments.start({ terminalId: TERMINAL, orderId: 'J-1', amount: '15' })

  const after = sandbox.mobilepay()
  const error = await refusal(after.payments.start({ terminalId: TERMINAL, orderId: 'J-2', amount: '15' }))
  expect(error.errorType).toBe('mobilepay:one_active_payment')
  expect(await after.flows.recover({ terminalId: TERMINAL })).toEqual({ cancelledPaymentIds: [lost] })
  await after.payments.start({ terminalId: TERMINAL, orderId: 'J-2', amount: '15' })
})

test('the token stays out of inspection, JSON, errors and logged URLs', async () => {
  const { sandbox } = current
  const { accessToken } = MOBILEPAY_SANDBOX
  const pos = sandbox.mobilepay()
  expect(util.inspect(pos)).not.toContain(accessToken)
  expect(util.inspect(pos)).toContain("bioCode: 'sandbox'")
  expect(JSON.stringify(pos)).not.toContain(accessToken)
  let error
  try {
    sandbox.mobilepay({ accessToken: 'SECRET with spaces' })
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(mypos.ConfigError)
  expect([error.field, error.message.includes('SECRET')]).toEqual(['accessToken', false])

  await pos.payments.start({ terminalId: TERMINAL, orderId: 'K-1', amount: '1' })
  await pos.manage.storeIds()
  const [start] = await sandbox.requests({ method: 'POST', path: '/api/pos/payment/start' })
  expect(start.query).toBeNull()
  const [stores] = await sandbox.requests({ method: 'GET', path: '/api/pos/manage/stores' })
  expect(stores.query).toContain('accessToken=<redacted>')
  expect(JSON.stringify(await sandbox.requests())).not.toContain(accessToken)
})

test('a state-changing GET is sent once', async () => {
  const capture = '/api/pos/payment/capture'
  const pos = current.sandbox.mobilepay()
  await current.sandbox.injectFault({ path: capture, status: 503, count: 3 })
  await expect(pos.payments.capture({ paymentId: 'p-1', amount: '1' })).rejects.toBeInstanceOf(mypos.ServerError)
  expect(await current.sandbox.requests({ method: 'GET', path: capture })).toHaveLength(1)
  await current.sandbox.clearFaults()
  await current.sandbox.injectFault({ path: capture, status: 401 })
  await expect(pos.payments.capture({ paymentId: 'p-1', amount: '1' })).rejects.toBeInstanceOf(mypos.AuthError)
  expect(await current.sandbox.requests({ method: 'GET', path: capture })).toHaveLength(2)
})

test('withOptions sets the limits of the calls through it', async () => {
  const { sandbox } = current
  const pos = sandbox.mobilepay()
  // As a Gateway merchant client's: the same merchant and token, other limits.
  const once = pos.withOptions({ timeout: 5000, connectTimeout: 1000, maxRetries: 0 })
  expect(once).toBeInstanceOf(mypos.MobilePayPos)
  expect(once.bioCode).toBe(pos.bioCode)
  const before = await sandbox.count('GET', '/api/pos/payments')
  await sandbox.injectFault({ path: '/api/pos/payments', status: 503, count: 1 })
  await expect(once.payments.list({ terminalId: TERMINAL })).rejects.toBeInstanceOf(mypos.ServerError)
  expect(await sandbox.count('GET', '/api/pos/payments')).toBe(before + 1)
  await sandbox.injectFault({ path: '/api/pos/payments', status: 503, count: 1 })
  await pos.payments.list({ terminalId: TERMINAL }) // the original still retries
  expect(await sandbox.count('GET', '/api/pos/payments')).toBe(before + 3)
  expect(() => pos.withOptions({ connectTimeout: 0 })).toThrow(expect.objectContaining({ field: 'connectTimeout' }))
})
