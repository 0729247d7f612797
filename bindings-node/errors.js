'use strict'
// The error classes, and the one place a native rejection becomes one of them.

const NATIVE_PREFIX = 'MYPOS_ERROR_JSON:'

class MyPOSError extends Error {
  constructor(message, fields = {}) {
    super(message)
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true })
    if (!('code' in fields)) this.code = new.target.code
    Object.assign(this, fields)
  }
}
MyPOSError.code = 'MYPOS_ERROR'

const classes = { MyPOSError }
function define(name, parent, code) {
  const cls = { [name]: class extends parent {} }[name]
  cls.code = code
  classes[name] = cls
  return cls
}

const ConfigError = define('ConfigError', MyPOSError, 'MYPOS_CONFIG')
const InvalidRequestError = define('InvalidRequestError', MyPOSError, 'MYPOS_INVALID_REQUEST')
const AuthError = define('AuthError', MyPOSError, 'MYPOS_AUTH')
const APIError = define('APIError', MyPOSError, 'MYPOS_API_ERROR')
define('BadRequestError', APIError, 'MYPOS_BAD_REQUEST')
define('AuthenticationError', APIError, 'MYPOS_UNAUTHENTICATED')
define('PermissionDeniedError', APIError, 'MYPOS_PERMISSION_DENIED')
define('NotFoundError', APIError, 'MYPOS_NOT_FOUND')
define('ConflictError', APIError, 'MYPOS_CONFLICT')
define('RateLimitError', APIError, 'MYPOS_RATE_LIMITED')
define('ServerError', APIError, 'MYPOS_SERVER_ERROR')
const APIConnectionError = define('APIConnectionError', MyPOSError, 'MYPOS_CONNECTION')
define('APITimeoutError', APIConnectionError, 'MYPOS_TIMEOUT')
define('APIDecodeError', MyPOSError, 'MYPOS_DECODE')
/** A payment may or may not have reached the terminal; `referenceNumber` finds it later. */
define('PaymentUnconfirmedError', MyPOSError, 'MYPOS_PAYMENT_UNCONFIRMED')
define('PaymentNotCompletedError', MyPOSError, 'MYPOS_PAYMENT_NOT_COMPLETED')
/** A bug inside the SDK (it panicked); the call failed, the process goes on. Please report it. */
define('InternalError', MyPOSError, 'MYPOS_INTERNAL')
/** Node has no global TimeoutError class; this one is the SDK's timeout. */
classes.TimeoutError = classes.APITimeoutError

/** A native rejection → the SDK's error class; anything else is returned as it is. */
function fromNative(error) {
  const message = error && typeof error.message === 'string' ? error.message : ''
  if (!message.startsWith(NATIVE_PREFIX)) return error
  const { class: name, code, message: text, fields } = JSON.parse(message.slice(NATIVE_PREFIX.length))
  const Class = classes[name] || MyPOSError
  return new Class(text, { code, ...fields })
}

/** Runs `fn`, rethrowing native errors as the SDK's classes (sync and async alike). */
function translated(fn) {
  try {
    const result = fn()
    return result && typeof result.then === 'function' ? result.catch((e) => { throw fromNative(e) }) : result
  } catch (e) {
    throw fromNative(e)
  }
}

module.exports = { ...classes, fromNative, translated, ConfigError, InvalidRequestError, AuthError }
