'use strict'
// A small account-information app: a TPP connects a myPOS account holder's accounts through
// PSD2 and shows their balances. It runs against a local sandbox, which also plays the account
// holder approving at the bank; with a real bank, you redirect the holder to the URL and your
// `redirectUri` route receives the `code`.
//
//   node examples/node/account-information.js

const { startSandbox } = require('mypos/testing')

const tokens = new Map() // your token store: a database table keyed by your user id

async function main() {
  const sandbox = await startSandbox()
  try {
    const psd2 = sandbox.psd2({ onTokens: (holderId, set) => tokens.set(holderId, set) })
    const ip = '203.0.113.7'
    const consent = await psd2.consents.create({
      access: { allPsd2: 'allAccounts' }, recurringIndicator: true, validUntil: '2099-12-31', frequencyPerDay: 4, psuIpAddress: ip,
    })
    const code = await sandbox.psd2Approve(psd2.authorizationUrl(consent, { state: 'csrf-user-42' }))
    await psd2.exchangeCode(code, { holderId: 'user-42' })
    console.log(`connected; tokens stored for ${[...tokens.keys()]}`)

    // Any request later, in any process: the holder's client from the stored tokens.
    const holder = psd2.accountHolder('user-42', tokens.get('user-42'))
    const { accounts } = await holder.accounts.list({ consentId: consent.consentId, withBalance: true, psuIpAddress: ip })
    for (const account of accounts) {
      const available = account.balances.find((b) => b.balanceType === 'interimAvailable').balanceAmount
      console.log(`${account.iban}  ${available.amount} ${available.currency}`)
    }
  } finally {
    await sandbox.stop()
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
}

module.exports = { main }
