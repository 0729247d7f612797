// The quickstart as an ES module: lists a merchant's accounts on a local sandbox, or on the
// gateway the MYPOS_* variables name (see the README).
import { Gateway, DEMO_GATEWAY_URL } from 'mypos'
import { startSandbox } from 'mypos/testing'

async function listAccounts(client) {
  const page = await client.banking.getAccounts({ page: 1, size: 20 })
  console.log(`Node (ESM): ${page.items.length} account(s)`)
  for (const account of page.items) {
    console.log(`  ${account.accountNumber}  ${account.name}  ${account.balance} ${account.currency}`)
  }
}

const env = process.env
if (env.MYPOS_CLIENT_ID) {
  const gateway = new Gateway({
    gatewayUrl: env.MYPOS_GATEWAY_URL || DEMO_GATEWAY_URL,
    integration: { clientId: env.MYPOS_CLIENT_ID, clientSecret: env.MYPOS_CLIENT_SECRET },
    partnerId: env.MYPOS_PARTNER_ID,
    applicationId: env.MYPOS_APPLICATION_ID,
  })
  await listAccounts(gateway.createClient({ clientId: env.MYPOS_MERCHANT_CLIENT_ID, clientSecret: env.MYPOS_MERCHANT_CLIENT_SECRET }))
} else {
  const sandbox = await startSandbox()
  console.log(`Using a local sandbox at ${sandbox.url}`)
  try {
    await listAccounts(sandbox.client())
  } finally {
    await sandbox.stop()
  }
}
