'use strict'
// Test your integration against a local myPOS sandbox: no credentials, no network.
//
//   const { startSandbox } = require('mypos/testing')
//   const sandbox = await startSandbox()
//   const page = await sandbox.client().banking.getAccounts()
//   await sandbox.stop()

const native = require('./native/index.js')
const { Gateway } = require('./index.js')

const seed = JSON.parse(native.sandboxCredentials())
/** The credentials the sandbox accepts. Any merchant `cli_<X>` / `sec_<X>` is accepted too. */
const SANDBOX_CREDENTIALS = {
  integration: { clientId: seed.integration.client_id, clientSecret: seed.integration.client_secret },
  partnerId: seed.partner_id,
  applicationId: seed.application_id,
  merchant: { clientId: seed.merchant.client_id, clientSecret: seed.merchant.client_secret },
}

/** A running sandbox: clients bound to it, and its control API. */
class Sandbox {
  constructor(handle) {
    Object.defineProperty(this, '_handle', { value: handle })
    this.url = handle.url
  }

  /** A `Gateway` on this sandbox with its seeded partner credentials; options override. */
  gateway(overrides = {}) {
    const { merchant, ...partner } = SANDBOX_CREDENTIALS
    return new Gateway({ gatewayUrl: this.url, ...partner, ...overrides })
  }

  /** A merchant client: the seeded merchant, or `cli_<X>` (its secret is `sec_<X>`). */
  client(clientId = SANDBOX_CREDENTIALS.merchant.clientId, { gateway } = {}) {
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
   * 'expire_session'. Field names are camelCase here and sent snake_case.
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

  stop() {
    return this._handle.stop()
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

/** Starts a sandbox in this process on 127.0.0.1 (`port` 0 picks a free one). */
async function startSandbox({ port = 0 } = {}) {
  return new Sandbox(await native.startNativeSandbox(port))
}

module.exports = { startSandbox, Sandbox, SANDBOX_CREDENTIALS }
