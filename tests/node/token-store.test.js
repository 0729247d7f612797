// The Redis token store's options through the Node surface: a key is required unless opted
// out, bad values are ConfigErrors naming the field, the URL's password never shows. (The
// fleet itself, Python and Node processes together on one Redis, is tested in
// tests/python/test_token_store.py.)
const util = require('node:util')
const crypto = require('node:crypto')
const mypos = require('mypos')

const options = {
  integration: { clientId: 'client_x', clientSecret: 'secret_x' },
  partnerId: 'mps-p-1',
  applicationId: 'mps-app-1',
}

function configError(make) {
  try {
    make()
  } catch (e) {
    expect(e).toBeInstanceOf(mypos.ConfigError)
    return e
  }
  throw new Error('no ConfigError')
}

test('a Redis store needs a 32-byte key unless opted out', () => {
  const store = (o) => new mypos.RedisTokenStore({ url: 'redis://127.0.0.1:1/0', ...o })
  expect(configError(() => new mypos.Gateway({ ...options, tokenStore: store({}) })).field).toBe('tokenStore.encryptionKey')
  expect(configError(() => new mypos.Gateway({ ...options, tokenStore: store({ encryptionKey: Buffer.alloc(16) }) })).field).toBe('tokenStore.encryptionKey')
  expect(configError(() => new mypos.Gateway({ ...options, tokenStore: { url: 'redis://h' } })).field).toBe('tokenStore')
  // Nothing is sent before the first call: an unreachable store is fine here.
  new mypos.Gateway({ ...options, tokenStore: store({ encryptionKey: crypto.randomBytes(32) }) }).close()
  new mypos.Gateway({ ...options, tokenStore: store({ encryptionKey: crypto.randomBytes(32).toString('base64') }) }).close()
  new mypos.Gateway({ ...options, tokenStore: store({ unencrypted: true }) }).close()
})

test("the Redis URL's password never shows", () => {
  const store = new mypos.RedisTokenStore({ url: 'redis://user:TOPSECRET@cache.internal:6379/2', encryptionKey: Buffer.alloc(32, 7) })
  expect(util.inspect(store)).toBe("RedisTokenStore { url: 'redis://***@cache.internal:6379/2', keyPrefix: 'mypos', encrypted: true }")
  expect(JSON.stringify(store)).not.toContain('TOPSECRET')
  expect(JSON.stringify(store)).not.toContain('AAAA')
  const e = configError(() => new mypos.Gateway({ ...options, tokenStore: new mypos.RedisTokenStore({ url: 'rediss://:TOPSECRET@h/0', encryptionKey: Buffer.alloc(32) }) }))
  expect(`${e.message} ${util.inspect(e)}`).not.toContain('TOPSECRET')
})
