'use strict'
// Methods on clients, built from the core's table of operations. Nothing here knows an
// endpoint: a method is an operation name plus its positional path parameters.

const { NativeCancelToken } = require('./binding')
const { fromNative } = require('./errors')

/** JSON text for the core. NaN and infinities travel as text so the core names the field. */
function encode(params) {
  if (isEmpty(params)) return '{}'
  return JSON.stringify(params, (key, value) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
    if (typeof value === 'bigint') return value.toString()
    return value
  })
}

function isEmpty(params) {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return false
  for (const _ in params) return false
  return true
}

/**
 * `native.call`, stopped by `signal`: it rejects with the signal's reason once aborted. The
 * signal cannot cross into Rust; a native token does, cancelled on 'abort'. Every client's
 * calls (Gateway, MobilePay, PSD2) take `{ signal }` this way.
 */
function callWithSignal(native, name, args, signal) {
  if (!(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal')
  if (signal.aborted) return Promise.reject(signal.reason)
  const token = new NativeCancelToken()
  const onAbort = () => token.cancel()
  signal.addEventListener('abort', onAbort, { once: true })
  return native
    .callCancellable(name, args, token)
    .catch((error) => {
      throw signal.aborted ? signal.reason : error
    })
    .finally(() => signal.removeEventListener('abort', onAbort))
}

function method(operation) {
  const { name, path, positional } = operation
  return async function (...args) {
    if (args.length > positional.length + 1) {
      throw new TypeError(`${path}() takes ${positional.length} positional argument(s) and an options object`)
    }
    const options = args.length > positional.length ? args[positional.length] : {}
    if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
      throw new TypeError(`${path}(): the options argument must be an object`)
    }
    const params = { ...(options || {}) }
    positional.forEach((param, i) => {
      if (i < args.length) params[param] = args[i]
    })
    // An AbortSignal is not data: it goes beside the arguments, to stop the call.
    const signal = params.signal
    delete params.signal
    let text
    try {
      const native = this._native
      text = await (signal !== undefined ? callWithSignal(native, name, encode(params), signal) : native.call(name, encode(params)))
    } catch (e) {
      throw fromNative(e)
    }
    return JSON.parse(text)
  }
}

/** Every item of a paged list, one page fetched at a time, when the items before it are consumed. */
function iterator(operation) {
  const call = method(operation)
  return async function* (...args) {
    const options = args.length > operation.positional.length ? { ...args[operation.positional.length] } : {}
    let page = options.page || 1
    while (true) {
      const answer = await call.apply(this, [...args.slice(0, operation.positional.length), { ...options, page }])
      yield* answer.items
      if (!answer.hasNextPage) return
      page += 1
    }
  }
}

/** One class per namespace; a client holds one lazily made instance of each. */
function namespaceClass(node, path) {
  const Namespace = class {
    constructor(native) {
      Object.defineProperty(this, '_native', { value: native })
    }
  }
  Object.defineProperty(Namespace, 'name', { value: `Namespace(${path})` })
  attach(Namespace.prototype, node, path)
  return Namespace
}

/** Puts the methods and sub-namespaces of `node` on `prototype`. */
function attach(prototype, node, path) {
  for (const [key, entry] of Object.entries(node)) {
    if (entry.__operation) {
      Object.defineProperty(prototype, key, { value: method(entry.__operation), writable: true })
    } else if (entry.__iterator) {
      Object.defineProperty(prototype, key, { value: iterator(entry.__iterator), writable: true })
    } else {
      const Child = namespaceClass(entry, `${path}.${key}`)
      Object.defineProperty(prototype, key, {
        get() {
          const instance = new Child(this._native)
          Object.defineProperty(this, key, { value: instance })
          return instance
        },
      })
    }
  }
}

function tree(operations) {
  const root = {}
  const place = (path, entry) => {
    const parts = path.split('.')
    const last = parts.pop()
    let node = root
    for (const part of parts) node = node[part] || (node[part] = {})
    node[last] = entry
  }
  for (const operation of operations) {
    place(operation.path, { __operation: operation })
    if (operation.iterator) place(operation.iterator, { __iterator: operation })
  }
  return root
}

/**
 * A raw request's parts from either form: `request(method, path, { query, json })`, as the
 * Python package takes them, or `request({ method, path, query, json })`.
 */
function rawRequest(args) {
  const [first, path, options] = args
  const spec = typeof first === 'string' ? { ...(options ?? {}), method: first, path } : (first ?? {})
  const { method = 'GET', query = {}, json } = spec
  return { method, path: spec.path, query, json }
}

module.exports = { attach, tree, encode, rawRequest }
