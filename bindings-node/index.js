'use strict'
// The myPOS SDK for Node: the API Gateway, typed and async, on a Rust core.

const native = require('./binding')
const errors = require('./errors')
const { attach, encode, rawRequest, tree } = require('./api')
const { MobilePayPos } = require('./mobilepay')
const { Psd2Client, DEFAULT_PSD2_URL } = require('./psd2')

const { DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL } = native

/** One merchant's view of the gateway: `client.banking`, …. Cheap to create. */
class MerchantClient {
  constructor(nativeClient) {
    Object.defineProperty(this, '_native', { value: nativeClient })
  }

  get clientId() {
    return this._native.clientId
  }

  /**
   * The same merchant (same session) with other limits for calls made through it:
   * `await client.withOptions({ timeout: 5000, maxRetries: 0 }).banking.getAccounts()`.
   * `timeout` is in milliseconds and covers every attempt; 0 retries disables retrying;
   * `connectTimeout` bounds opening each connection.
   */
  withOptions({ timeout, maxRetries, connectTimeout } = {}) {
    return new MerchantClient(errors.translated(() => this._native.withOptions(encode({ timeout, maxRetries, connectTimeout }))))
  }

  /**
   * An authenticated request the SDK does not type yet, e.g.
   * `await client.request({ method: 'GET', path: '/accounting/v1/accounts', query: { page: 2 } })`.
   * Same tokens, replay and errors as every typed method; `query` and `json` are sent and the
   * answer returned as the API spells them (no renaming).
   */
  async request(...args) {
    const text = await errors.translated(() => this._native.raw(encode(rawRequest(args))))
    return JSON.parse(text)
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `MerchantClient { clientId: '${this.clientId}' }`
  }
}
attach(MerchantClient.prototype, tree(JSON.parse(native.gatewayOperations())), 'client')

/**
 * A Redis server the processes of a fleet share the partner token and merchant sessions
 * through: one token, and one session per merchant, for the whole fleet. `encryptionKey`: 32
 * bytes (a Buffer) or their base64 text; required unless `unencrypted: true`. The URL (and its
 * password) is kept private: it shows in no inspection or JSON.
 */
class RedisTokenStore {
  #url
  #encryptionKey
  constructor({ url, encryptionKey, keyPrefix = 'mypos', unencrypted = false } = {}) {
    this.#url = url
    this.#encryptionKey = ArrayBuffer.isView(encryptionKey)
      ? Buffer.from(encryptionKey.buffer, encryptionKey.byteOffset, encryptionKey.byteLength).toString('base64')
      : encryptionKey
    this.keyPrefix = keyPrefix
    this.unencrypted = unencrypted
  }

  /** What the core reads. */
  static _settings(store) {
    return { url: store.#url, encryptionKey: store.#encryptionKey, keyPrefix: store.keyPrefix, unencrypted: store.unencrypted }
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    let url
    try {
      const parsed = new URL(this.#url)
      const hidden = parsed.username || parsed.password
      parsed.username = ''
      parsed.password = ''
      url = hidden ? parsed.href.replace('://', '://***@') : parsed.href
    } catch {
      url = '<unparsable url>'
    }
    return `RedisTokenStore { url: '${url}', keyPrefix: '${this.keyPrefix}', encrypted: ${this.#encryptionKey != null} }`
  }
}

/**
 * One partner integration on one myPOS gateway, for any number of merchants. Owns the
 * connection pool and the partner's OAuth token; merchant clients share both.
 */
class Gateway {
  constructor({ gatewayUrl = DEMO_GATEWAY_URL, integration, partnerId, applicationId, timeout = 30000, connectTimeout = 10000, maxRetries = 2, maxResponseBytes, tls, tokenStore } = {}) {
    if (tokenStore != null && !(tokenStore instanceof RedisTokenStore)) {
      throw new errors.ConfigError('invalid configuration: `tokenStore` must be a RedisTokenStore or undefined', { field: 'tokenStore' })
    }
    // `tls`: `extraCaPem`, `clientCertPem`, `clientKeyPem` (PEM text), as for PSD2.
    // `tokenStore`: shared by the processes of a fleet; this process only when left out.
    const store = tokenStore == null ? null : RedisTokenStore._settings(tokenStore)
    const config = { gatewayUrl, integration, partnerId, applicationId, timeout, connectTimeout, maxRetries, maxResponseBytes, tls, tokenStore: store, host: `node; ${process.version}` }
    Object.defineProperty(this, '_native', { value: errors.translated(() => new native.NativeGateway(encode(config))) })
    Object.defineProperty(this, '_partnerId', { value: partnerId })
  }

  /** The gateway's base URL (`url` is the same). */
  get baseUrl() {
    return this._native.url
  }

  get url() {
    return this._native.url
  }

  /** Closes pooled connections; calls through this gateway's clients then reject with ConfigError. */
  close() {
    this._native.close()
  }

  /** A client for one merchant (`cli_…` / `sec_…`); its session is opened on first use. */
  createClient({ clientId, clientSecret } = {}) {
    return new MerchantClient(errors.translated(() => this._native.createClient(String(clientId ?? ''), String(clientSecret ?? ''))))
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Gateway { url: '${this.url}', partnerId: '${this._partnerId}' }`
  }
}

module.exports = {
  Gateway,
  MerchantClient,
  RedisTokenStore,
  MobilePayPos,
  Psd2Client,
  DEFAULT_PSD2_URL,
  DEMO_GATEWAY_URL,
  PRODUCTION_GATEWAY_URL,
  VERSION: native.version(),
  version: native.version(),
  ...errors,
}
delete module.exports.fromNative
delete module.exports.translated
