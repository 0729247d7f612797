'use strict'
// The fastest client a Node user would write by hand: one undici `Pool` (keep-alive
// connections to the gateway, shared by every merchant) and `pool.request`, the partner token
// and one session per merchant cached until shortly before they expire, a refresh in flight
// shared by everyone who needs it (the promise is cached), the four headers built once per
// credential, a 401 answered by fresh credentials and one replay. Plain objects back.

const { Pool } = require('undici')

class HandWrittenGateway {
  constructor(url, { integration, partnerId, applicationId }) {
    this.origin = new URL(url).origin
    this.basePath = new URL(url).pathname.replace(/\/$/, '')
    this.pool = new Pool(this.origin, { keepAliveTimeout: 60_000 })
    this.integration = integration
    this.partnerId = partnerId
    this.applicationId = applicationId
    this.token = null // { value, expires } or a promise of it
  }

  async accessToken() {
    if (!this.token || (this.token.expires !== undefined && Date.now() >= this.token.expires)) {
      this.token = this.fetchToken().catch((e) => {
        this.token = null
        throw e
      })
    }
    return (await this.token).value
  }

  async fetchToken() {
    const { statusCode, body } = await this.pool.request({
      method: 'POST',
      path: `${this.basePath}/api/v1/oauth/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.integration.clientId,
        client_secret: this.integration.clientSecret,
      }).toString(),
    })
    const answer = await body.json()
    if (statusCode !== 200) throw new Error(`token: HTTP ${statusCode}`)
    const token = { value: answer.access_token, expires: Date.now() + ((answer.expires_in ?? 3600) - 60) * 1000 }
    this.token = token
    return token
  }

  forgetToken(value) {
    if (this.token && this.token.value === value) this.token = null
  }

  createClient({ clientId, clientSecret }) {
    return new HandWrittenClient(this, clientId, clientSecret)
  }

  close() {
    return this.pool.close()
  }
}

class HandWrittenClient {
  constructor(gateway, clientId, clientSecret) {
    this.gateway = gateway
    this.credentials = { client_id: clientId, client_secret: clientSecret }
    this.session = null // { value, expires } or a promise of it
    this.cached = null // { token, session, headers }: rebuilt only when either changes
  }

  async sessionId(token) {
    if (!this.session || (this.session.expires !== undefined && Date.now() >= this.session.expires)) {
      this.session = this.openSession(token).catch((e) => {
        this.session = null
        throw e
      })
    }
    return (await this.session).value
  }

  async openSession(token) {
    const { statusCode, body } = await this.gateway.pool.request({
      method: 'POST',
      path: `${this.gateway.basePath}/api/v1/auth/session`,
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(this.credentials),
    })
    const answer = await body.json()
    if (statusCode !== 200) throw new Error(`session: HTTP ${statusCode}`)
    const session = { value: answer.session, expires: Date.now() + ((answer.expires_in ?? 300) - 30) * 1000 }
    this.session = session
    return session
  }

  async headers() {
    const token = await this.gateway.accessToken()
    const session = await this.sessionId(token)
    if (this.cached === null || this.cached.token !== token || this.cached.session !== session) {
      const { partnerId, applicationId } = this.gateway
      this.cached = {
        token,
        session,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          'x-session': session,
          'x-partner-id': partnerId,
          'x-application-id': applicationId,
        },
      }
    }
    return this.cached.headers
  }

  async get(path, query) {
    const pool = this.gateway.pool
    const full = `${this.gateway.basePath}${path}${query ? `?${new URLSearchParams(query)}` : ''}`
    let headers = await this.headers()
    let { statusCode, body } = await pool.request({ method: 'GET', path: full, headers })
    if (statusCode === 401) {
      await body.dump()
      this.gateway.forgetToken(headers.authorization.slice('Bearer '.length))
      this.session = null
      headers = await this.headers()
      ;({ statusCode, body } = await pool.request({ method: 'GET', path: full, headers }))
    }
    if (statusCode < 200 || statusCode >= 300) {
      await body.dump()
      throw new Error(`${path}: HTTP ${statusCode}`)
    }
    return body.json()
  }

  getAccounts({ page, size } = {}) {
    const query = {}
    if (page !== undefined) query.page = page
    if (size !== undefined) query.size = size
    return this.get('/accounting/v1/accounts', Object.keys(query).length ? query : undefined)
  }

  getPayment(paymentId) {
    return this.get(`/epos/v1/payments/${encodeURIComponent(paymentId)}`)
  }

  getLanguages() {
    return this.get('/ecommerce/v1/languages')
  }
}

module.exports = { HandWrittenGateway }
