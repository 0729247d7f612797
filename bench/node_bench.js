'use strict'
// The Node side of `scripts/bench`: the Node SDK and hand-written undici and `fetch` clients
// under the same loads. Prints one JSON object per line for `bench/run.py`.
//
//   node bench/node_bench.js throughput --impl sdk|undici|fetch --url URL --payment ID
//   node bench/node_bench.js coldstart  --impl sdk|undici|fetch --url URL [--clients 100 --calls 1000]
//   node --expose-gc bench/node_bench.js memory --impl sdk|undici|fetch --url URL [--clients 10000]
//
// `require('mypos')` resolves to this repository's package; `scripts/bench` points it at a
// release build of the addon with NAPI_RS_NATIVE_LIBRARY_PATH.

const PARTNER = {
  integration: { clientId: 'client_sandbox', clientSecret: 'secret_sandbox' },
  partnerId: 'mps-p-100000',
  applicationId: 'mps-app-200000',
}

function parseArgs(argv) {
  const [task, ...rest] = argv
  const args = {
    task,
    merchant: 'cli_bench',
    ops: 'banking.get_accounts,epos.payments.get',
    concurrency: '1,64',
    seconds: 2,
    rounds: 3,
    warmup: 0.5,
    calls: 1000,
  }
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i].replace(/^--/, '')
    args[name] = rest[i + 1]
  }
  for (const key of ['seconds', 'rounds', 'warmup', 'calls', 'clients']) {
    if (args[key] !== undefined) args[key] = Number(args[key])
  }
  if (!['sdk', 'undici', 'fetch'].includes(args.impl)) throw new Error(`unknown --impl ${args.impl}`)
  return args
}

/** One implementation: a gateway, merchant clients, and the operations. */
function side(impl, url) {
  const sdk = impl === 'sdk'
  const gateway = sdk
    ? new (require('mypos').Gateway)({ gatewayUrl: url, ...PARTNER })
    : new (require(`./handwritten_${impl}`).HandWrittenGateway)(url, PARTNER)
  return {
    client: (clientId) => gateway.createClient({ clientId, clientSecret: clientId.replace('cli_', 'sec_') }),
    operation(client, name, paymentId) {
      switch (name) {
        case 'banking.get_accounts':
          return sdk ? () => client.banking.getAccounts() : () => client.getAccounts()
        case 'epos.payments.get':
          return sdk ? () => client.epos.payments.get(paymentId) : () => client.getPayment(paymentId)
        case 'ecommerce.get_languages':
          return sdk ? () => client.ecommerce.getLanguages() : () => client.getLanguages()
        default:
          throw new Error(`unknown operation ${name}`)
      }
    },
  }
}

function emit(fields) {
  process.stdout.write(`${JSON.stringify(fields)}\n`)
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const n = sorted.length
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/** Empties the sandbox's request log so it does not grow across cells. */
async function clearLog(url) {
  await (await fetch(`${url}/_sandbox/requests`, { method: 'DELETE' })).arrayBuffer()
}

/** `concurrency` loops calling `call` for `seconds`. */
async function round(call, concurrency, seconds) {
  let calls = 0
  let errors = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  const stop = started + seconds * 1000
  const loop = async () => {
    while (performance.now() < stop) {
      try {
        await call()
        calls += 1
      } catch (e) {
        errors += 1
        if (errors === 1) console.error(`node-bench: a call failed: ${e && e.stack}`)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  const elapsed = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return { calls, errors, elapsed, cpuUs: used.user + used.system }
}

async function throughput(args) {
  const s = side(args.impl, args.url)
  const client = s.client(args.merchant)
  for (const name of args.ops.split(',')) {
    const call = s.operation(client, name, args.payment)
    for (const concurrency of args.concurrency.split(',').map(Number)) {
      await clearLog(args.url)
      await round(call, concurrency, args.warmup)
      const rounds = []
      for (let i = 0; i < args.rounds; i++) rounds.push(await round(call, concurrency, args.seconds))
      emit({
        task: 'throughput',
        impl: `node-${args.impl}`,
        op: name,
        concurrency,
        calls_per_s: median(rounds.map((r) => r.calls / r.elapsed)),
        rounds: rounds.map((r) => r.calls / r.elapsed),
        cpu_us_per_call: median(rounds.map((r) => r.cpuUs / Math.max(r.calls, 1))),
        errors: rounds.reduce((n, r) => n + r.errors, 0),
      })
    }
  }
}

async function coldStart(args) {
  const s = side(args.impl, args.url)
  const clients = args.clients || 100
  const prefix = args.prefix || `cold_node${args.impl}`
  const merchants = Array.from({ length: clients }, (_, i) => s.client(`cli_${prefix}_${String(i).padStart(4, '0')}`))
  const started = performance.now()
  const results = await Promise.allSettled(
    Array.from({ length: args.calls }, (_, i) => s.operation(merchants[i % clients], 'banking.get_accounts')()),
  )
  emit({
    task: 'coldstart',
    impl: `node-${args.impl}`,
    clients,
    calls: args.calls,
    wall_ms: performance.now() - started,
    errors: results.filter((r) => r.status === 'rejected').length,
  })
}

/** Runs every call, at most `limit` at a time; the number that failed. */
async function bounded(calls, limit) {
  let failed = 0
  let next = 0
  const worker = async () => {
    while (next < calls.length) {
      const call = calls[next++]
      try {
        await call()
      } catch {
        failed += 1
      }
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
  return failed
}

function settledRss() {
  if (global.gc) {
    global.gc()
    global.gc()
  }
  return process.memoryUsage().rss
}

async function memory(args) {
  const s = side(args.impl, args.url)
  const count = args.clients || 10000
  const prefix = args.prefix || 'mem'
  // Warm up: the token, 64 pooled connections, the JIT.
  const warm = Array.from({ length: 64 }, (_, i) => s.client(`cli_${prefix}_warm_${String(i).padStart(2, '0')}`))
  for (let i = 0; i < 3; i++) await bounded(warm.map((c) => s.operation(c, 'ecommerce.get_languages')), 64)
  const baseline = settledRss()
  const clients = Array.from({ length: count }, (_, i) => s.client(`cli_${prefix}_${String(i).padStart(5, '0')}`))
  const created = settledRss()
  const errors = await bounded(clients.map((c) => s.operation(c, 'ecommerce.get_languages')), 64)
  const withSessions = settledRss()
  emit({
    task: 'memory',
    impl: `node-${args.impl}`,
    clients: count,
    baseline_bytes: baseline,
    created_bytes_per_client: (created - baseline) / count,
    bytes_per_client: (withSessions - baseline) / count,
    errors,
    live: clients.length + warm.length, // keeps both alive until measured
  })
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  if (args.task === 'throughput') await throughput(args)
  else if (args.task === 'coldstart') await coldStart(args)
  else if (args.task === 'memory') await memory(args)
  else throw new Error(`unknown task ${args.task}`)
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
