// A cash register taking MobilePay payments at a till (`MobilePayPos`).
//
// Runs against a local sandbox, with a simulated customer, unless MOBILEPAY_BASE_URL,
// MOBILEPAY_BIO_CODE, MOBILEPAY_ACCESS_TOKEN and MOBILEPAY_TERMINAL_ID name a real service.
//
//   node examples/node/cash-register.js
const { MobilePayPos, PaymentNotCompletedError } = require('mypos')
const { startSandbox } = require('mypos/testing')

// How long a customer may take to accept before the register gives up; the aborted flow
// cancels the payment, so the till is free for the next one.
const PATIENCE_MS = 120_000
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

class CashRegister {
  constructor(pos, terminalId) {
    this.pos = pos
    this.terminalId = terminalId
    this.receipts = 0
  }

  async open() {
    // After a restart: a payment left active on the till would block every new one.
    const { cancelledPaymentIds } = await this.pos.flows.recover({ terminalId: this.terminalId })
    for (const id of cancelledPaymentIds) console.log(`  cancelled payment ${id}, left over from before the restart`)
    const qr = await this.pos.payments.qrCode({ terminalId: this.terminalId })
    console.log(`  till ${this.terminalId} is open; customers check in at ${qr.qrcodeImagelink}`)
  }

  orderId() {
    this.receipts += 1
    return `till${this.terminalId}-${String(this.receipts).padStart(4, '0')}`
  }

  async sell(items) {
    // Prices as text, summed in whole øre: money never passes through a binary float.
    const cents = (price) => {
      const [whole, fraction = ''] = price.split('.')
      return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
    }
    const total = Object.values(items).reduce((sum, price) => sum + cents(price), 0)
    const amount = `${Math.trunc(total / 100)}.${String(total % 100).padStart(2, '0')}`
    console.log(`  ${Object.keys(items).join(', ')}: ${amount} DKK, waiting for the customer's MobilePay …`)
    try {
      const payment = await this.pos.flows.pay({
        terminalId: this.terminalId,
        orderId: this.orderId(),
        amount,
        signal: AbortSignal.timeout(PATIENCE_MS),
      })
      console.log(`  paid ${payment.amount} ${payment.currencyCode} (payment ${payment.paymentId})`)
      return payment
    } catch (error) {
      if (error instanceof PaymentNotCompletedError) {
        console.log(`  not paid (${error.paymentStatus}); ask for another way to pay`)
        return null
      }
      if (error.name === 'TimeoutError') {
        console.log('  the customer did not accept in time; the payment is cancelled')
        return null
      }
      throw error
    }
  }

  async refund(payment, amount) {
    const { refundId } = await this.pos.refunds.create({ paymentId: payment.paymentId, refundOrderId: this.orderId(), amount })
    let details
    while ((details = await this.pos.refunds.details({ refundId })).status === 'Initiated') await sleep(details.pollDelayInMs ?? 1000)
    if (details.status === 'Reserved') await this.pos.refunds.capture({ refundId })
    console.log(`  refunded ${amount} of payment ${payment.paymentId}`)
  }
}

/** In the sandbox: a customer checks in when a payment waits and accepts it, unless it is an order they reject. */
function simulatedCustomer(sandbox, terminalId, rejects) {
  let running = true
  const loop = (async () => {
    while (running) {
      for (const payment of await sandbox.mobilepayPayments(terminalId)) {
        if (payment.status === 'Initiated' || payment.status === 'Prepared') {
          await sleep(300)
          await sandbox.mobilepayCheckIn(terminalId)
        } else if (payment.status === 'IssuedToUser') {
          await sleep(300)
          if (rejects.has(payment.orderId)) await sandbox.mobilepayReject(payment.paymentId)
          else await sandbox.mobilepayAccept(payment.paymentId)
        }
      }
      await sleep(50)
    }
  })()
  return async () => {
    running = false
    await loop
  }
}

async function businessDay(register) {
  await register.open()
  console.log('Customer 1 buys popcorn and a ticket:')
  const first = await register.sell({ ticket: '95.00', popcorn: '42.50' })
  console.log('Customer 2 changes their mind:')
  await register.sell({ candy: '19.00' })
  if (first) {
    console.log('Customer 1 returns the popcorn:')
    await register.refund(first, '42.50')
  }
}

async function main() {
  if (process.env.MOBILEPAY_BASE_URL) {
    const pos = new MobilePayPos({
      baseUrl: process.env.MOBILEPAY_BASE_URL,
      bioCode: process.env.MOBILEPAY_BIO_CODE,
      accessToken: process.env.MOBILEPAY_ACCESS_TOKEN,
    })
    await businessDay(new CashRegister(pos, process.env.MOBILEPAY_TERMINAL_ID))
    return
  }
  const sandbox = await startSandbox()
  console.log(`Using a local sandbox at ${sandbox.url} with a simulated customer`)
  // The second order of the day (till1001-0002) is the one the customer rejects.
  const stopCustomer = simulatedCustomer(sandbox, '1001', new Set(['till1001-0002']))
  try {
    await businessDay(new CashRegister(sandbox.mobilepay(), '1001'))
  } finally {
    await stopCustomer()
    await sandbox.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
