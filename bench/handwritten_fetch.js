'use strict'
// What a Node user would write instead of the SDK, the way the `mypos-api-gateway` TypeScript
// SDK is built: the global `fetch`, the partner token and one session per merchant cached
// until shortly before they expire, a refresh in flight shared by everyone who needs it (the
// promise is cached), a 401 answered by fresh credentials and one replay. Plain objects back.

class HandWrittenGateway {
  constructor(url, { integration, partnerId, applicationId }) {
    this.url = url
    this.integration = integration
    this.fixed = { accept: 'application/json', 'x-partner-id': partnerId, 'x-application-id': applicationId }
    this.token = null // { value, expires } or a promise of it
  }

  async accessToken() {
    if (!this.token || (this.token.expires !== undefined && Date.now() >= this.token.expires)) {
      this.token = this.fetchToken().catch((e) => {
        this.token = null
        throw e
      })
    }
    const token = await this.token
    return token.value
  }

  async fetchToken() {
    const response = await fetch(`${this.url}/api/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.integration.clientId,
        client_secret: this.integration.clientSecret,
      }),
    })
    if (!response.ok) throw new Error(`token: HTTP ${response.status}`)
    const answer = await response.json()
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
}

class HandWrittenClient {
  constructor(gateway, clientId, clientSecret) {
    this.gateway = gateway
    this.credentials = { client_id: clientId, client_secret: clientSecret }
    this.session = null // { value, expires } or a promise of it
  }

  async sessionId(token) {
    if (!this.session || (this.session.expires !== undefined && Date.now() >= this.session.expires)) {
      this.session = this.openSession(token).catch((e) => {
        this.session = null
        throw e
      })
    }
    const session = await this.session
    return session.value
  }

  async openSession(token) {
    const response = await fetch(`${this.gateway.url}/api/v1/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(this.credentials),
    })
    if (!response.ok) throw new Error(`session: HTTP ${response.status}`)
    const answer = await response.json()
    const session = { value: answer.session, expires: Date.now() + ((answer.expires_in ?? 300) - 30) * 1000 }
    this.session = session
    return session
  }

  async headers() {
    const token = await this.gateway.accessToken()
    const session = await this.sessionId(token)
    return { ...this.gateway.fixed, authorization: `Bearer ${token}`, 'x-session': session }
  }

  async get(path, query) {
    const url = `${this.gateway.url}${path}${query ? `?${new URLSearchParams(query)}` : ''}`
    let headers = await this.headers()
    let response = await fetch(url, { headers })
    if (response.status === 401) {
      await response.arrayBuffer()
      this.gateway.forgetToken(headers.authorization.slice('Bearer '.length))
      this.session = null
      headers = await this.headers()
      response = await fetch(url, { headers })
    }
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
    return response.json()
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
