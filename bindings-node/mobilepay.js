'use strict'
// MobilePayPos: MobilePay at the point of sale (`api/pos/...`), a second API beside the
// Gateway, with its own credentials (the merchant's `bioCode` and long-lived `accessToken`).
// Every method is built from the core's table of operations; the typings are generated.

const native = require('./binding')
const errors = require('./errors')
const { attach, encode, tree } = require('./api')

/** What the generated methods call: the native client. */
class Calls {
  constructor(nativePos) {
    Object.defineProperty(this, 'native', { value: nativePos })
  }

  call(name, args) {
    return this.native.call(name, args)
  }

  callCancellable(name, args, token) {
    return this.native.callCancellable(name, args, token)
  }
}

/**
 * A MobilePay point-of-sale client for one merchant: `pos.payments`, `pos.refunds`,
 * `pos.manage` and `pos.flows`. Its `bioCode` and `accessToken` go with every call; the token
 * never shows when the client is inspected, logged or in a logged URL.
 *
 * `accessToken` may be left out only to create the first one with
 * `pos.manage.createToken()`; `withAccessToken` then gives a client that uses it. Every method
 * takes `{ signal }`: aborting a flow cancels its payment on the server.
 */
class MobilePayPos {
  constructor({ baseUrl, bioCode, accessToken, timeout, connectTimeout, maxRetries, maxResponseBytes, flowMaxWait } = {}) {
    const config = { baseUrl, bioCode, accessToken, timeout, connectTimeout, maxRetries, maxResponseBytes, flowMaxWait, host: `node; ${process.version}` }
    bind(this, errors.translated(() => new native.NativeMobilePayPos(encode(config))))
  }

  /** The base URL calls go to. */
  get baseUrl() {
    return this._native.native.baseUrl
  }

  /** The merchant's `bioCode`. */
  get bioCode() {
    return this._native.native.bioCode
  }

  /**
   * The same merchant and connections with another access token, e.g. the one
   * `manage.createToken()` or `manage.resetToken()` answered with (its `message`).
   */
  /**
   * The same merchant, token and connections with other limits for the calls made through it
   * (milliseconds), as a Gateway merchant client's `withOptions`, and the longest a payment
   * flow waits for its payment (`flowMaxWait`).
   */
  withOptions({ timeout, maxRetries, connectTimeout, flowMaxWait } = {}) {
    const nativePos = errors.translated(() => this._native.native.withOptions(encode({ timeout, maxRetries, connectTimeout, flowMaxWait })))
    const pos = Object.create(MobilePayPos.prototype)
    bind(pos, nativePos)
    return pos
  }

  withAccessToken(accessToken) {
    const nativePos = errors.translated(() => this._native.native.withAccessToken(String(accessToken ?? '')))
    const pos = Object.create(MobilePayPos.prototype)
    bind(pos, nativePos)
    return pos
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    const token = this._native.native.hasAccessToken ? "'…'" : 'null'
    return `MobilePayPos { baseUrl: '${this.baseUrl}', bioCode: '${this.bioCode}', accessToken: ${token} }`
  }

  toJSON() {
    return { baseUrl: this.baseUrl, bioCode: this.bioCode }
  }
}

function bind(pos, nativePos) {
  Object.defineProperty(pos, '_native', { value: new Calls(nativePos) })
}

attach(MobilePayPos.prototype, tree(JSON.parse(native.mobilepayOperations())), 'pos')

module.exports = { MobilePayPos }
