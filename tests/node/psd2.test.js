// PSD2 end to end against the sandbox: the journey a TPP makes, token refresh and the
// persistence hook, the consent errors, payments, and mTLS.
const mypos = require('mypos')
const { startSandbox } = require('mypos/testing')

const IP = '203.0.113.7'

function allAccounts(extra = {}) {
  return { access: { allPsd2: 'allAccounts' }, recurringIndicator: true, validUntil: '2099-12-31', frequencyPerDay: 10, psuIpAddress: IP, ...extra }
}

let sandbox
beforeEach(async () => {
  sandbox = await startSandbox()
})
afterEach(async () => {
  await sandbox.stop()
})

async function approved(tpp, holderId = 'user-42', consent = {}) {
  const created = await tpp.consents.create(allAccounts(consent))
  const code = await sandbox.psd2Approve(tpp.authorizationUrl(created, { state: 's' }))
  const holder = await tpp.exchangeCode(code, { holderId })
  return { holder, consentId: created.consentId }
}

const available = (balances) => balances.balances.find((b) => b.balanceType === 'interimAvailable').balanceAmount.amount

test('the whole journey of a TPP', async () => {
  const rotations = []
  const tpp = sandbox.psd2({ onTokens: (holderId, tokens) => rotations.push([holderId, tokens]) })
  const consent = await tpp.consents.create(allAccounts())
  expect(consent.consentStatus).toBe('received')
  expect(consent.links.scaOAuth.href).toContain('open_bank_consent_id=')
  const back = await sandbox.psd2Decide(tpp.authorizationUrl(consent, { state: 'csrf-1' }))
  expect(back.state).toBe('csrf-1')

  const holder = await tpp.exchangeCode(back.code, { holderId: 'user-42' })
  expect(holder.holderId).toBe('user-42')
  await new Promise((resolve) => setImmediate(resolve))
  expect(rotations.map(([h]) => h)).toEqual(['user-42'])
  expect(rotations[0][1].refreshToken).toBeTruthy()
  expect((await tpp.consents.getStatus(consent.consentId)).consentStatus).toBe('valid')

  const { accounts } = await holder.accounts.list({ consentId: consent.consentId, withBalance: true })
  expect(accounts).toHaveLength(2)
  const eur = accounts.find((a) => a.currency === 'EUR')
  expect(typeof eur.balances[0].balanceAmount.amount).toBe('string')

  const items = []
  for await (const t of holder.accounts.iterTransactions(eur.resourceId, { consentId: consent.consentId, bookingStatus: 'both', dateFrom: '2000-01-01' })) items.push(t)
  expect(items).toHaveLength(26)
  expect(new Set(items.map((t) => t.bookingStatus))).toEqual(new Set(['booked', 'pending']))

  const before = Number(available(await holder.accounts.getBalances(eur.resourceId, { consentId: consent.consentId })))
  const payment = await holder.payments.initiate('sepa-credit-transfers', {
    instructedAmount: { currency: 'EUR', amount: '12.50' },
    creditorAccount: { iban: 'DE89370400440532013000' },
    creditorName: 'Sofia Coffee Roasters',
    debtorAccount: { iban: eur.iban },
    consentId: consent.consentId,
    psuIpAddress: IP,
  })
  expect(payment.transactionStatus).toBe('RCVD')
  await sandbox.psd2Approve(tpp.authorizationUrl(payment))
  expect((await holder.payments.getStatus('sepa-credit-transfers', payment.paymentId)).transactionStatus).toBe('ACSC')
  const after = Number(available(await holder.accounts.getBalances(eur.resourceId, { consentId: consent.consentId })))
  expect(Math.round((before - after) * 100)).toBe(1250)
})

test('tokens refresh once, reach the hook, and a throwing hook does not break the call', async () => {
  const rotations = []
  const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => {})
  try {
    let calls = 0
    const tpp = sandbox.psd2({
      onTokens: (holderId, tokens) => {
        calls += 1
        rotations.push(tokens)
        if (calls === 2) throw new Error('the database is down')
      },
    })
    await sandbox.psd2Settings({ accessTokenLifetime: 2 })
    const { holder, consentId } = await approved(tpp, 'user-7', { frequencyPerDay: 100 })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await sandbox.clearRequests()
    await Promise.all([1, 2, 3, 4, 5].map(() => holder.accounts.list({ consentId })))
    expect(await sandbox.count('POST', '/oauth/token')).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(rotations).toHaveLength(2)
    expect(rotations[0].refreshToken).not.toBe(rotations[1].refreshToken)
    expect(warn.mock.calls.some(([message]) => String(message).includes('the database is down'))).toBe(true)
    expect(holder.tokens.accessToken).toBe(rotations[1].accessToken)

    const restored = sandbox.psd2().accountHolder('user-7', rotations[1])
    await sandbox.psd2ExpireTokens()
    await restored.accounts.list({ consentId })
    expect(await sandbox.count('POST', '/oauth/token')).toBe(2)
  } finally {
    warn.mockRestore()
  }
})

test('token errors are clear', async () => {
  const tpp = sandbox.psd2()
  await expect(tpp.exchangeCode('nope', { holderId: 'u' })).rejects.toThrow(/unknown, expired or already used/)
  const created = await tpp.consents.create(allAccounts())
  const code = await sandbox.psd2Approve(tpp.authorizationUrl(created))
  await expect(tpp.exchangeCode(code, { holderId: 'u', redirectUri: 'https://elsewhere.example/cb' })).rejects.toThrow(/redirect_uri does not match/)
  const { holder, consentId } = await approved(tpp)
  await sandbox.psd2RevokeRefreshTokens()
  await sandbox.psd2ExpireTokens()
  const error = await holder.accounts.list({ consentId }).catch((e) => e)
  expect(error).toBeInstanceOf(mypos.AuthError)
  expect(error.message).toMatch(/revoked.*approve a new consent/)
})

test('each consent error has its code', async () => {
  const tpp = sandbox.psd2()
  const { holder, consentId } = await approved(tpp, 'u', { frequencyPerDay: 1 })
  await holder.accounts.list({ consentId })
  let error = await holder.accounts.list({ consentId }).catch((e) => e)
  expect(error).toBeInstanceOf(mypos.RateLimitError)
  expect(error.codes).toEqual(['ACCESS_EXCEEDED'])
  expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/)

  error = await holder.accounts.list({ consentId: 'consent-nope' }).catch((e) => e)
  expect(error).toBeInstanceOf(mypos.PermissionDeniedError)
  expect(error.codes).toEqual(['CONSENT_UNKNOWN'])

  const second = await approved(tpp, 'u2', { validUntil: await sandbox.psd2Today() })
  await second.holder.accounts.list({ consentId: second.consentId })
  await sandbox.psd2AdvanceDays(1)
  error = await second.holder.accounts.list({ consentId: second.consentId }).catch((e) => e)
  expect(error).toBeInstanceOf(mypos.AuthenticationError)
  expect(error.codes).toEqual(['CONSENT_EXPIRED'])

  const third = await approved(tpp, 'u3')
  await sandbox.psd2RevokeConsent(third.consentId)
  error = await third.holder.accounts.list({ consentId: third.consentId }).catch((e) => e)
  expect(error.codes).toEqual(['CONSENT_INVALID'])
  expect((await tpp.consents.get(third.consentId)).consentStatus).toBe('revokedByPsu')
  await tpp.consents.delete(third.consentId)
  expect((await tpp.consents.getStatus(third.consentId)).consentStatus).toBe('terminatedByTpp')
})

test('payments are cancelled and rejected; funds are confirmed', async () => {
  const tpp = sandbox.psd2()
  const { holder, consentId } = await approved(tpp)
  const transfer = (amount) => ({
    instructedAmount: { currency: 'EUR', amount }, creditorAccount: { iban: 'GB29NWBK60161331926819' },
    creditorName: 'London Supplies Ltd', consentId, psuIpAddress: IP,
  })
  const first = await holder.payments.initiate('cross-border-credit-transfers', transfer('5.00'))
  await holder.payments.cancel('cross-border-credit-transfers', first.paymentId)
  expect((await holder.payments.getStatus('cross-border-credit-transfers', first.paymentId)).transactionStatus).toBe('CANC')
  const big = await holder.payments.initiate('cross-border-credit-transfers', transfer('1000000.00'))
  await sandbox.psd2Approve(tpp.authorizationUrl(big))
  expect((await holder.payments.getStatus('cross-border-credit-transfers', big.paymentId)).transactionStatus).toBe('RJCT')

  const { accounts } = await holder.accounts.list({ consentId })
  const confirmed = await holder.funds.confirm({ account: { iban: accounts[0].iban }, instructedAmount: { currency: 'EUR', amount: '10.00' }, consentId })
  expect(confirmed).toEqual({ fundsAvailable: true })
})

test("the text's answers and calls work as written", async () => {
  const tpp = sandbox.psd2()
  // The API text's consent body alone: no PSU-IP-Address header, no validUntil.
  const created = await tpp.consents.create({
    access: { accounts: [], balances: [], transactions: [] }, recurringIndicator: false, frequencyPerDay: 4,
  })
  // The text's answer field: where the holder approves, used by authorizationUrl.
  expect(created.authorizationUrl.startsWith(sandbox.url)).toBe(true)
  const [consentCall] = await sandbox.requests({ method: 'POST', path: '/v1/consents' })
  expect(consentCall.headers['psu-ip-address']).toBeUndefined()
  const url = tpp.authorizationUrl({ consentId: 'c', authorizationUrl: created.authorizationUrl, links: {} }, { state: 't1' })
  expect(url.startsWith(created.authorizationUrl)).toBe(true)
  const holder = await tpp.exchangeCode(await sandbox.psd2Approve(url), { holderId: 'texts' })

  // Reads with the holder's token alone: it names its consent.
  const { accounts } = await holder.accounts.list({ withBalance: true })
  const eur = accounts.find((a) => a.currency === 'EUR')
  expect((await holder.accounts.getTransactions(eur.resourceId)).items.length).toBeGreaterThan(0)

  const payment = await holder.payments.initiate('sepa-credit-transfers', {
    instructedAmount: { currency: 'EUR', amount: '100.00' }, creditorAccount: { iban: 'DE89370400440532013000' }, creditorName: 'Recipient Name',
  })
  expect(payment.authorizationUrl).toBeTruthy()
  expect((await holder.payments.getStatus('sepa-credit-transfers', payment.paymentId)).transactionStatus).toBe('RCVD')
  expect(await sandbox.count('GET', `/v1/payments/sepa-credit-transfers/${payment.paymentId}/status`)).toBe(1)

  const confirmed = await holder.funds.confirm({ account: { iban: eur.iban }, instructedAmount: { currency: 'EUR', amount: '1.00' } })
  expect(confirmed).toEqual({ fundsAvailable: true })
  expect(await sandbox.count('POST', '/v1/funds-confirmation')).toBe(1)
})

test('mTLS: refused without the client certificate, accepted with it', async () => {
  const tlsSandbox = await startSandbox({ tls: true })
  try {
    const without = tlsSandbox.psd2({ tls: { extraCaPem: tlsSandbox.pki.caPem }, maxRetries: 0 })
    const error = await without.consents.create(allAccounts()).catch((e) => e)
    expect(error).toBeInstanceOf(mypos.APIConnectionError)
    expect(error.message).toMatch(/requires a client certificate/)
    const tpp = tlsSandbox.psd2()
    expect(tpp.url).toMatch(/^https:/)
    expect(tpp.baseUrl).toBe(tpp.url)
    expect((await tpp.consents.create(allAccounts())).consentStatus).toBe('received')
  } finally {
    await tlsSandbox.stop()
  }
})

test('the account-information example runs', async () => {
  const { main } = require('../../examples/node/account-information.js')
  const log = jest.spyOn(console, 'log').mockImplementation(() => {})
  try {
    await main()
    const lines = log.mock.calls.map(([line]) => String(line))
    expect(lines[0]).toBe('connected; tokens stored for user-42')
    expect(lines.filter((l) => /^BG\d{2}MPOS\d+ {2}\d+\.\d{2} (EUR|GBP)$/.test(l))).toHaveLength(2)
  } finally {
    log.mockRestore()
  }
})

test('withOptions takes the limits a merchant client takes', async () => {
  const tpp = sandbox.psd2().withOptions({ timeout: 5000, connectTimeout: 1000, maxRetries: 0 })
  expect((await tpp.consents.create(allAccounts())).consentStatus).toBe('received')
  expect(() => tpp.withOptions({ connectTimeout: 0 })).toThrow(expect.objectContaining({ field: 'connectTimeout' }))
})
