'use strict'
// `mypos/compat`: the surface of the `mypos-api-gateway` TypeScript SDK over this SDK, so an
// application moves over by changing its import. The method names are this SDK's own (they are
// the same); here only results and errors change shape, for every method alike:
//   - a call that the API answers resolves to `{ success: true, ...data }` (a list answer to
//     `{ success: true, items }`, an empty one to `{ success: true }`);
//   - an API error, or no answer at all, resolves to `{ success: false, status, statusMessage,
//     errorDetails }` (`status` -1 when nothing came back), instead of rejecting;
//   - bad configuration throws `GatewayConfigError`, refused credentials `GatewayAuthError`.

const sdk = require('./index.js')

const { DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL } = sdk

/** Thrown while building a gateway or a merchant client from bad settings. */
class GatewayConfigError extends Error {
  constructor(message, options) {
    super(message, options)
    this.name = 'GatewayConfigError'
    if (options && options.cause && options.cause.field) this.field = options.cause.field
  }
}

/** Thrown when the partner token or a merchant session cannot be had. */
class GatewayAuthError extends Error {
  constructor(message, options) {
    super(message, options)
    this.name = 'GatewayAuthError'
    if (options && options.cause && options.cause.status !== undefined) this.status = options.cause.status
  }
}

/** Configuration and credential errors throw, as in `mypos-api-gateway`; other errors pass. */
function thrown(error) {
  if (error instanceof sdk.ConfigError) return new GatewayConfigError(error.message, { cause: error })
  if (error instanceof sdk.AuthError) return new GatewayAuthError(error.message, { cause: error })
  return error
}

function succeeded(data) {
  if (data === null || data === undefined) return { success: true }
  if (Array.isArray(data)) return { success: true, items: data }
  if (typeof data !== 'object') return { success: true, data }
  return { success: true, ...data }
}

/** An API error (or a call that got no answer) as the result `mypos-api-gateway` returns. */
function failed(error) {
  if (error instanceof sdk.APIError) {
    const errorDetails = {
      type: error.errorType,
      title: error.statusMessage,
      status: error.status,
      detail: error.detail,
      errors: error.errors,
      requestId: error.requestId,
    }
    return { success: false, status: error.status, statusMessage: error.statusMessage, errorDetails }
  }
  if (error instanceof sdk.APIDecodeError) {
    return { success: false, status: error.status, statusMessage: error.message, errorDetails: { code: error.code } }
  }
  if (error instanceof sdk.APIConnectionError || error instanceof sdk.PaymentUnconfirmedError) {
    // No answer: `mypos-api-gateway` reports status -1. An ePOS payment whose answer was lost
    // keeps its reference in `errorDetails.referenceNumber`, to look it up later.
    const { code, referenceNumber, timeout } = error
    return { success: false, status: -1, statusMessage: `Network error: ${error.message}`, errorDetails: { code, referenceNumber, timeout } }
  }
  throw thrown(error)
}

const wrapped = new WeakMap()

/**
 * A view of `object` (a merchant client or one of its namespaces) with result-shaped methods.
 * The proxy stands on an empty object, as the client's namespaces are fixed properties a proxy
 * of the client itself could not replace.
 */
function compat(object) {
  if (wrapped.has(object)) return wrapped.get(object)
  const proxy = new Proxy(Object.create(null), {
    has: (_, key) => key in object,
    get(_, key) {
      const value = Reflect.get(object, key, object)
      if (typeof key === 'symbol' || key.startsWith('_')) return value
      if (typeof value === 'function') {
        // Auto-paging iterators (`listAll`) yield items, as in `mypos-api-gateway`.
        if (value.constructor && value.constructor.name === 'AsyncGeneratorFunction') return value.bind(object)
        return function (...args) {
          let answer
          try {
            answer = value.apply(object, args)
          } catch (error) {
            return Promise.resolve().then(() => failed(error))
          }
          if (answer && typeof answer.then === 'function') return answer.then(succeeded, failed)
          return answer instanceof sdk.MerchantClient ? compat(answer) : answer
        }
      }
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return compat(value)
      return value
    },
  })
  wrapped.set(object, proxy)
  return proxy
}

/**
 * `new MyPOSGateway({ gatewayUrl, integration: { clientId, clientSecret }, partnerId,
 * applicationId, timeout })`, then `gateway.createClient({ clientId, clientSecret })` per merchant.
 */
class MyPOSGateway {
  constructor(config = {}) {
    try {
      Object.defineProperty(this, '_gateway', { value: new sdk.Gateway(config) })
    } catch (error) {
      throw thrown(error)
    }
  }

  /** A merchant's client: the methods of `mypos-api-gateway`, returning results. */
  createClient(credentials = {}) {
    try {
      return compat(this._gateway.createClient(credentials))
    } catch (error) {
      throw thrown(error)
    }
  }

  /** Closes pooled connections. */
  close() {
    this._gateway.close()
  }
}

module.exports = { MyPOSGateway, DEMO_GATEWAY_URL, PRODUCTION_GATEWAY_URL, GatewayConfigError, GatewayAuthError }
