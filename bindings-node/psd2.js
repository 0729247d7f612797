'use strict'
// Psd2Client: account information and payment initiation on behalf of a myPOS account holder
// (Berlin Group NextGenPSD2 XS2A, `/v1/...`). Every service method is built from the core's
// table of operations; answers have camelCase keys, and an answer's links stay keyed by the
// API's names (`consent.links.scaOAuth.href`).

const native = require('./binding')
const errors = require('./errors')
const { attach, encode, rawRequest, tree } = require('./api')

const { DEFAULT_PSD2_URL } = native

/** Wraps the application's `onTokens(holderId, tokens)`: what it throws or rejects with is
 * reported as a process warning, never thrown into the API call that refreshed. */
function tokenCallback(onTokens) {
  if (onTokens === undefined || onTokens === null) return undefined
  if (typeof onTokens !== 'function') throw new TypeError('onTokens must be a function (holderId, tokens) => void')
  const report = (error) => process.emitWarning(`the onTokens callback failed; the API call goes on: ${error && error.stack ? error.stack : error}`, 'MyPOSWarning')
  return (text) => {
    try {
      const { holderId, ...tokens } = JSON.parse(text)
      const result = onTokens(holderId, tokens)
      if (result && typeof result.then === 'function') result.then(undefined, report)
    } catch (error) {
      report(error)
    }
  }
}

/**
 * One TPP on the PSD2 API: `psd2.consents`, and, on a holder's client (from `exchangeCode` or
 * `accountHolder`), `accounts`, `cardAccounts`, `payments`, `funds`. A holder's access token is
 * refreshed before it expires, one refresh at a time, and `onTokens` receives each new set to
 * persist. `tls` takes `extraCaPem`, `clientCertPem` and `clientKeyPem` (PEM text).
 */
class Psd2Client {
  constructor({
    clientId, clientSecret, baseUrl = DEFAULT_PSD2_URL, tokenUrl, redirectUri, apiKey, clientAuth = 'body', tls,
    onTokens, timeout = 30000, connectTimeout = 10000, maxRetries = 2, maxResponseBytes,
  } = {}) {
    const config = {
      baseUrl, tokenUrl, clientId, clientSecret, clientAuth, redirectUri, apiKey, tls, timeout, connectTimeout, maxRetries, maxResponseBytes,
      host: `node; ${process.version}`,
    }
    const callback = tokenCallback(onTokens)
    bind(this, errors.translated(() => new native.NativePsd2Client(encode(config), callback)))
  }

  /** The base URL calls go to (`url` is the same). */
  get baseUrl() {
    return this._native.url
  }

  get url() {
    return this._native.url
  }

  /** The account holder this client acts for; null for the TPP's own client. */
  get holderId() {
    return this._native.holderId ?? null
  }

  /** The holder's current tokens (what `onTokens` was last given), or null. */
  get tokens() {
    const text = this._native.tokens()
    return text == null ? null : JSON.parse(text)
  }

  /**
   * Where to send the holder to approve: `target` is a created consent or payment (its
   * `scaRedirect` or `scaOAuth` link) or the link itself. `state` comes back with the code.
   */
  authorizationUrl(target, { state, redirectUri } = {}) {
    return errors.translated(() => this._native.authorizationUrl(encode(target), state ?? null, redirectUri ?? null))
  }

  /** The holder came back with `code`: their client. `holderId` is your name for them. */
  async exchangeCode(code, { holderId, redirectUri } = {}) {
    const nativeClient = await errors.translated(() => this._native.exchangeCode(String(holderId ?? ''), String(code ?? ''), redirectUri ?? null))
    return wrap(nativeClient)
  }

  /** A holder's client from tokens you kept (what `onTokens` gave you). */
  accountHolder(holderId, tokens) {
    return wrap(errors.translated(() => this._native.accountHolder(String(holderId ?? ''), encode(tokens ?? {}))))
  }

  /** The same client (same holder and tokens) with other limits; `timeout` in milliseconds. */
  withOptions({ timeout, maxRetries, connectTimeout } = {}) {
    return wrap(errors.translated(() => this._native.withOptions(encode({ timeout, maxRetries, connectTimeout }))))
  }

  /** An authenticated request the SDK does not type yet (same tokens and errors). */
  async request(...args) {
    const text = await errors.translated(() => this._native.raw(encode(rawRequest(args))))
    return JSON.parse(text)
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Psd2Client { url: '${this.url}', holderId: ${this.holderId === null ? 'null' : `'${this.holderId}'`} }`
  }

  toJSON() {
    return { url: this.url, holderId: this.holderId }
  }
}

function bind(client, nativeClient) {
  Object.defineProperty(client, '_native', { value: nativeClient })
}

function wrap(nativeClient) {
  const client = Object.create(Psd2Client.prototype)
  bind(client, nativeClient)
  return client
}

attach(Psd2Client.prototype, tree(JSON.parse(native.psd2Operations())), 'psd2')

module.exports = { Psd2Client, DEFAULT_PSD2_URL }
