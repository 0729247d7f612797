'use strict'
// Test your integration against a local myPOS sandbox: no credentials, no network.
//
//   const { startSandbox } = require('mypos/testing')
//   const sandbox = await startSandbox()
//   const page = await sandbox.client().banking.getAccounts()
//   await sandbox.stop()
//
// The sandbox is the `mypos-sandbox` program (`npm install --save-dev mypos-sandbox`), started
// on 127.0.0.1 for each sandbox and stopped with it, or when this process exits.

const { execFileSync, spawn } = require('node:child_process')
const readline = require('node:readline')
const { Gateway, MobilePayPos, Psd2Client } = require('./index.js')

/** The `mypos-sandbox` program: MYPOS_SANDBOX_BIN, else the `mypos-sandbox` package's. */
function sandboxBinary() {
  if (process.env.MYPOS_SANDBOX_BIN) return process.env.MYPOS_SANDBOX_BIN
  let sandboxPackage
  try {
    sandboxPackage = require('mypos-sandbox')
  } catch {
    throw new Error('mypos/testing needs the mypos-sandbox package: npm install --save-dev mypos-sandbox')
  }
  return sandboxPackage.binaryPath()
}

let seeds
/** The seeds, asked of the program once, on first use. */
function seed() {
  if (!seeds) seeds = camelKeys(JSON.parse(execFileSync(sandboxBinary(), ['seed'], { encoding: 'utf8' })))
  return seeds
}

/** A running sandbox: clients bound to it, and its control API. */
class Sandbox {
  constructor(child, ready) {
    Object.defineProperty(this, '_child', { value: child })
    this.url = ready.url
    // `startSandbox({ tls: true })`: the API is also served over mTLS at `tlsUrl` with a
    // throwaway PKI (`pki`); the control API and the SCA page stay on the plain `url`.
    if (ready.tls_url) {
      this.tlsUrl = ready.tls_url
      this.pki = camelKeys(ready.pki)
    }
  }

  /**
   * A `Psd2Client` for the seeded TPP with `redirectUri` https://tpp.example/psd2/callback;
   * over mTLS with the sandbox's client certificate when started with `{ tls: true }`.
   */
  psd2(overrides = {}) {
    const options = {
      baseUrl: this.url,
      clientId: seed().psd2.clientId,
      clientSecret: seed().psd2.clientSecret,
      redirectUri: 'https://tpp.example/psd2/callback',
    }
    if (this.tlsUrl) {
      options.baseUrl = this.tlsUrl
      options.tls = { extraCaPem: this.pki.caPem, clientCertPem: this.pki.clientCertPem, clientKeyPem: this.pki.clientKeyPem }
    }
    return new Psd2Client({ ...options, ...overrides })
  }

  /**
   * The account holder at the SCA page `url` (from `authorizationUrl`): posts its form as a
   * browser would (`decision` 'approve' or 'deny'); resolves to where they are sent back:
   * `{ location, code, state, error }`.
   */
  async psd2Decide(url, decision = 'approve', { psuId } = {}) {
    const form = new URLSearchParams({ decision })
    if (psuId) form.set('psu_id', psuId)
    const response = await fetch(url, { method: 'POST', body: form, redirect: 'manual' })
    if (response.status !== 303) throw new Error(`the SCA page answered HTTP ${response.status}: ${await response.text()}`)
    const location = response.headers.get('location')
    const query = new URL(location).searchParams
    return { location, code: query.get('code'), state: query.get('state'), error: query.get('error') }
  }

  /** The holder approves at `url`; resolves to the `code` they come back with. */
  async psd2Approve(url, options) {
    const { code } = await this.psd2Decide(url, 'approve', options)
    if (!code) throw new Error('the approval did not produce a code')
    return code
  }

  /** `accessTokenLifetime` (seconds), `executionDelayMs`, `errorStyle` ('problem' | 'tpp_messages'). */
  psd2Settings({ accessTokenLifetime, executionDelayMs, errorStyle } = {}) {
    return this.control('PUT', 'psd2/settings', {
      access_token_lifetime_secs: accessTokenLifetime,
      execution_delay_ms: executionDelayMs,
      error_style: errorStyle,
    })
  }

  /** Moves the PSD2 date forward; resolves to the new date. */
  async psd2AdvanceDays(days) {
    return (await this.control('POST', 'psd2/clock', { advance_days: days })).today
  }

  async psd2Today() {
    return (await this.control('GET', 'psd2')).today
  }

  /** The holder revokes the consent at the bank: `revokedByPsu`, its refresh tokens revoked. */
  psd2RevokeConsent(consentId) {
    return this.control('POST', `psd2/consents/${consentId}/revoke`)
  }

  /** Every PSD2 access token issued so far expires. */
  psd2ExpireTokens() {
    return this.control('POST', 'psd2/tokens/expire')
  }

  /** Revokes the refresh tokens of one account holder, or all; resolves to how many. */
  async psd2RevokeRefreshTokens(psuId) {
    return (await this.control('POST', 'psd2/tokens/revoke', psuId ? { psu_id: psuId } : {})).revoked
  }

  /** A `Gateway` on this sandbox with its seeded partner credentials; options override. */
  gateway(overrides = {}) {
    const { merchant, ...partner } = seed().gateway
    return new Gateway({ gatewayUrl: this.url, ...partner, ...overrides })
  }

  /** A merchant client: the seeded merchant, or `cli_<X>` (its secret is `sec_<X>`). */
  client(clientId = seed().gateway.merchant.clientId, { gateway } = {}) {
    const clientSecret = `sec_${clientId.replace(/^cli_/, '')}`
    return (gateway || this.gateway()).createClient({ clientId, clientSecret })
  }

  /** Calls the control API (`/_sandbox/...`); resolves to the decoded answer. */
  async control(method, path, body) {
    const response = await fetch(`${this.url}/_sandbox/${path.replace(/^\//, '')}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`sandbox control ${method} ${path} failed: HTTP ${response.status} ${text}`)
    return text ? JSON.parse(text) : undefined
  }

  /** The request log (`authorization` and `x-session` redacted), optionally filtered. */
  async requests({ method, path } = {}) {
    const query = new URLSearchParams(Object.entries({ method, path }).filter(([, v]) => v)).toString()
    return (await this.control('GET', query ? `requests?${query}` : 'requests')).requests
  }

  /** How many logged requests had this method and exact path. */
  async count(method, path) {
    return (await this.requests({ method, path })).length
  }

  clearRequests() {
    return this.control('DELETE', 'requests')
  }

  /** `{ oauth_tokens_issued, sessions_issued, requests }` */
  stats() {
    return this.control('GET', 'stats')
  }

  /** Expires every partner token and/or merchant session issued so far. */
  expire({ tokens = false, sessions = false } = {}) {
    return this.control('POST', 'expire', { tokens, sessions })
  }

  /** Lifetimes, in seconds, of tokens and sessions issued from now on. */
  setLifetimes({ token, session } = {}) {
    return this.control('PUT', 'lifetimes', { token_lifetime_secs: token, session_lifetime_secs: session })
  }

  /**
   * Makes the next `count` (default 1) requests to `path` (exact, or a prefix ending in `*`)
   * misbehave; resolves to the fault's id. `kind`: 'status' (`status`, optional `body`,
   * `headers`), 'delay' (`delayMs`), 'drop_before_headers' (optional `afterHandler`),
   * 'drop_after_headers', 'malformed_json', 'html' (optional `status`), 'truncated_body',
   * 'expire_session', 'oversized' (`bytes`, optional `announceLength`). Field names are camelCase here and sent snake_case.
   *
   *   await sandbox.injectFault({ path: '/accounting/v1/accounts', status: 503, headers: { 'Retry-After': '1' } })
   */
  async injectFault({ path, kind = 'status', method, count, ...fields } = {}) {
    const body = { path, kind }
    if (method !== undefined) body.method = method
    if (count !== undefined) body.count = count
    for (const [key, value] of Object.entries(fields)) {
      // Only the top-level keys: `headers` names and `body` contents are sent as given.
      if (value !== undefined) body[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value
    }
    return (await this.control('POST', 'faults', body)).id
  }

  /** The pending faults, oldest first, each with its `id` and remaining `count` (snake_case). */
  async faults() {
    return (await this.control('GET', 'faults')).faults
  }

  /** Drops every pending fault. */
  clearFaults() {
    return this.control('DELETE', 'faults')
  }

  // The simulated terminal (ePOS). A payment waits `InProgress` until one of these finishes
  // it; each resolves to the payment as `client.epos.payments.get` would (camelCase). A
  // payment already finished rejects (HTTP 409).

  /** The card is read and approved: `Success`, with card details, a transaction and a receipt. */
  async approvePayment(paymentId, { cardScheme } = {}) {
    const body = cardScheme ? { card_scheme: cardScheme } : undefined
    return camelKeys(await this.control('POST', `epos/payments/${paymentId}/approve`, body))
  }

  /** The issuer declines (`status: 'Failed'`, the default) or the terminal refuses (`'Rejected'`). */
  async declinePayment(paymentId, { status = 'Failed' } = {}) {
    return camelKeys(await this.control('POST', `epos/payments/${paymentId}/decline`, { status }))
  }

  /** No card is presented before the terminal gives up: `Failed`. */
  async timeOutPayment(paymentId) {
    return camelKeys(await this.control('POST', `epos/payments/${paymentId}/timeout`))
  }

  /** Finishes the payment terminal `terminalId` is busy with: 'approve', 'decline' or 'timeout'. */
  async driveTerminal(terminalId, action, { status, cardScheme } = {}) {
    const body = { status, card_scheme: cardScheme }
    return camelKeys(await this.control('POST', `terminals/${terminalId}/${action}`, body))
  }

  // MobilePay: the customer's side. Each resolves to the payment as `pos.payments.details`
  // would; an action the payment's state does not allow rejects (HTTP 409), an unknown id too
  // (404). Act on a payment by id, or on the one at a terminal with `{ terminalId }`.

  /** A `MobilePayPos` on this sandbox with the seeded `bioCode` and `accessToken`; options override. */
  mobilepay(overrides = {}) {
    const { bioCode, accessToken } = seed().mobilepay
    return new MobilePayPos({ baseUrl: this.url, bioCode, accessToken, ...overrides })
  }

  /**
   * A customer checks in at a terminal (or at a point of sale: `{ posId }`): a waiting payment
   * goes to them (`Initiated` → `IssuedToUser`, `Prepared` → `Paired`); with none, the next
   * one does. Resolves to `{ checkedIn: true, payment }` (payment null when none waited).
   */
  mobilepayCheckIn(terminalId, { posId } = {}) {
    const where = posId ? `pos/${posId}` : `terminals/${terminalId}`
    return this.control('POST', `mobilepay/${where}/checkin`)
  }

  /** The customer accepts (`IssuedToUser` → `Reserved`); `partialCapturePossible: false` forbids capturing less. */
  mobilepayAccept(paymentId, { terminalId, partialCapturePossible = true } = {}) {
    return this._mobilepayAct('accept', paymentId, terminalId, { partial_capture_possible: partialCapturePossible })
  }

  /** The customer rejects (`IssuedToUser` or `Paired` → `CancelledByUser`). */
  mobilepayReject(paymentId, { terminalId } = {}) {
    return this._mobilepayAct('reject', paymentId, terminalId)
  }

  /** Time runs out: an active payment → `CancelledByMobilePay`, a reserved one → `ExpiredAndCancelled`. */
  mobilepayExpire(paymentId, { terminalId } = {}) {
    return this._mobilepayAct('expire', paymentId, terminalId)
  }

  /** A reserved refund is not captured in time (`ExpiredAndCaptured`); an initiated one fails. */
  mobilepayExpireRefund(refundId) {
    return this.control('POST', `mobilepay/refunds/${refundId}/expire`)
  }

  /** Every MobilePay payment in the sandbox (or a terminal's), oldest first. */
  async mobilepayPayments(terminalId) {
    const query = terminalId ? `?terminal_id=${encodeURIComponent(terminalId)}` : ''
    return (await this.control('GET', `mobilepay/payments${query}`)).payments
  }

  _mobilepayAct(action, paymentId, terminalId, body) {
    if ((paymentId == null) === (terminalId == null)) throw new TypeError('give either a payment id or { terminalId }')
    const where = paymentId != null ? `payments/${paymentId}` : `terminals/${terminalId}`
    return this.control('POST', `mobilepay/${where}/${action}`, body)
  }

  /** Stops the sandbox (it stops when its input closes) and resolves once it has exited. */
  stop() {
    const child = this._child
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
      child.once('exit', () => {
        clearTimeout(kill)
        resolve()
      })
      child.stdin.end()
    })
  }

  async [Symbol.asyncDispose || Symbol.for('Symbol.asyncDispose')]() {
    await this.stop()
  }
}

/** Wire (snake_case) keys to Node's camelCase, as the client's answers have them. */
function camelKeys(value) {
  if (Array.isArray(value)) return value.map(camelKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), camelKeys(v)]),
  )
}

/** Starts a sandbox on 127.0.0.1 (`port` 0 picks a free one); `tls` also serves it over mTLS. */
function startSandbox({ port = 0, tls = false } = {}) {
  const args = ['--json', '--stop-on-eof', '--port', String(port), ...(tls ? ['--tls'] : [])]
  // Its standard input is our pipe: when this process exits, the sandbox stops too.
  const child = spawn(sandboxBinary(), args, { stdio: ['pipe', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout })
    const failed = (why) => reject(new Error(`the sandbox did not start: ${why}`))
    child.once('error', (error) => failed(error.message))
    child.once('exit', (code) => failed(`it exited with code ${code}; its error is above`))
    lines.once('line', (line) => {
      child.removeAllListeners('exit')
      lines.close()
      // A forgotten sandbox must not keep this process alive.
      child.unref()
      for (const stream of [child.stdin, child.stdout]) stream.unref()
      resolve(new Sandbox(child, JSON.parse(line)))
    })
  })
}

/**
 * One sandbox for a test file (jest, vitest, mocha): started in `beforeAll`, stopped in
 * `afterAll`. Returns a stand-in for it, usable inside the tests once `beforeAll` has run:
 *
 *   const sandbox = useSandbox()
 *   test('lists accounts', async () => {
 *     await sandbox.client().banking.getAccounts()
 *     expect(await sandbox.count('GET', '/accounting/v1/accounts')).toBe(1)
 *   })
 *
 * Its state lasts for the whole file (`clearRequests()` forgets the log). `options` are
 * `startSandbox`'s; `hooks` are the framework's `beforeAll` and `afterAll` where they are not
 * globals (`{ before, after }` in mocha). Built on `startSandbox()` alone.
 */
function useSandbox(options, hooks = {}) {
  const before = hooks.beforeAll || hooks.before || globalThis.beforeAll || globalThis.before
  const after = hooks.afterAll || hooks.after || globalThis.afterAll || globalThis.after
  if (typeof before !== 'function' || typeof after !== 'function') {
    throw new TypeError('useSandbox() needs beforeAll/afterAll: call it in a test file, or pass { beforeAll, afterAll }')
  }
  let running = null
  before(async () => {
    running = await startSandbox(options)
  })
  after(async () => {
    const stopping = running
    running = null
    if (stopping) await stopping.stop()
  })
  return new Proxy(
    {},
    {
      get(_, key) {
        if (running === null) {
          throw new Error(`the sandbox of useSandbox() runs only inside the tests (between beforeAll and afterAll); read .${String(key)} there`)
        }
        const value = running[key]
        return typeof value === 'function' ? value.bind(running) : value
      },
      has(_, key) {
        return running !== null && key in running
      },
    },
  )
}

const exported = { startSandbox, Sandbox, sandboxBinary, useSandbox }
// The seeds, read from the program on first use (so requiring this module needs no sandbox):
//   SANDBOX_CREDENTIALS: what the sandbox accepts. Any merchant `cli_<X>` / `sec_<X>` too.
//   MOBILEPAY_SANDBOX: `bioCode`, `accessToken`, `newBioCode` (a merchant without a token yet), `pollDelayMs`, `storeIds` and `terminals` (each
//     with `terminalId`, `posId` (null for a terminal without a point of sale), `storeId`,
//     `beaconId`, `requirePaymentBeforeCheckin`).
//   PSD2_SANDBOX: the TPP's `clientId` and `clientSecret`, and the `psuId` the SCA page proposes.
for (const [name, part] of [['SANDBOX_CREDENTIALS', 'gateway'], ['MOBILEPAY_SANDBOX', 'mobilepay'], ['PSD2_SANDBOX', 'psd2']]) {
  Object.defineProperty(exported, name, { enumerable: true, get: () => seed()[part] })
}
module.exports = exported
