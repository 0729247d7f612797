'use strict'
// MobilePayPos: MobilePay at the point of sale (`api/pos/...`), a second API beside the
// Gateway, with its own credentials (the merchant's `bioCode` and long-lived `accessToken`).
// Every method is built from the core's table of operations; the typings are generated.

const native = require('./binding')
const errors = require('./errors')
const { attach, encode, tree } = require('./api')

/**
 * What the generated methods call: the native client, and for a call given an `AbortSignal`
 * (`{ signal }` in the options), a cancellable call the signal stops. The signal cannot cross
 * into Rust; a native token does, cancelled on 'abort'.
 */
class Calls {
  constructor(nativePos) {
    Object.defineProperty(this, 'native', { value: nativePos })
  }

  call(name, args) {
    return this.native.call(name, args)
  }

  callWithSignal(name, args, signal) {
    if (!(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal')
    if (signal.aborted) return Promise.reject(signal.reason)
    const token = new native.NativeCancelToken()
    const onAbort = () => token.cancel()
    signal.addEventListener('abort', onAbort, { once: true })
    return this.native
      .callCancellable(name, args, token)
      .catch((error) => {
        throw signal.aborted ? signal.reason : error
      })
      .finally(() => signal.removeEventListener('abort', onAbort))
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
  constructor({ baseUrl, bioCode, accessToken, timeout = 30000, connectTimeout = 10000, maxRetries = 2, maxResponseBytes } = {}) {
    const config = { baseUrl, bioCode, accessToken, timeout, connectTimeout, maxRetries, maxResponseBytes, host: `node; ${process.version}` }
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
   * (milliseconds), as a Gateway merchant client's `withOptions`.
   */
  withOptions({ timeout, maxRetries, connectTimeout } = {}) {
    const nativePos = errors.translated(() => this._native.native.withOptions(encode({ timeout, maxRetries, connectTimeout })))
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
