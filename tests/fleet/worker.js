// One process of a fleet, driven over its standard input by `harness.py`: the same protocol
// as `worker.py` (read that file's description), with the options in the Node spelling.
'use strict'
const readline = require('node:readline')
const mypos = require('mypos')

async function call(client, done, failed) {
  try {
    await client.banking.getAccounts()
    done.push(Date.now() / 1000)
  } catch (e) {
    if (!(e instanceof mypos.MyPOSError)) throw e
    failed.push(`${e.name}: ${e.message}`)
  }
}

async function burst(clients) {
  const done = []
  const failed = []
  await Promise.all(clients.map((c) => call(c, done, failed)))
  return { ok: done.length, failed, done }
}

async function loop(clients, seconds) {
  const done = []
  const failed = []
  const until = Date.now() + seconds * 1000
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
  await Promise.all(clients.map(async (c) => {
    while (Date.now() < until) {
      await call(c, done, failed)
      await sleep(10)
    }
  }))
  return { ok: done.length, failed, done: [] }
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]()
  const config = JSON.parse((await lines.next()).value)
  const options = { ...config.gateway }
  if (options.tokenStore) options.tokenStore = new mypos.RedisTokenStore(options.tokenStore)
  const gateway = new mypos.Gateway(options)
  const clients = config.merchants.map((m) => gateway.createClient({ clientId: m, clientSecret: 'sec_' + m.slice(4) }))
  console.log(JSON.stringify({ ready: true }))
  for (;;) {
    const { value, done } = await lines.next()
    if (done) break
    const command = JSON.parse(value)
    if (command.op === 'quit') break
    const answer = command.op === 'burst' ? await burst(clients) : await loop(clients, command.seconds)
    console.log(JSON.stringify(answer))
  }
  gateway.close()
  // Standard input stays open (the harness holds it): exit rather than wait for its end.
  process.exit(0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
