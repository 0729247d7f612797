'use strict'
// The npm tarballs of a release, in the napi-rs layout: `mypos` (JavaScript, typings, the loader;
// no binary) naming one `mypos-<platform>` package per built platform as an optional dependency,
// and the same for the sandbox executable (`mypos-sandbox` and `mypos-sandbox-<platform>`).
// Every package.json written here takes the version of the repository's package.json.
//
//   node scripts/npm-packages.js WORK OUT TARGET…
//
// WORK holds what scripts/dist built: node/<target>/ (napi build output) and
// sandbox/<target>/mypos-sandbox. The tarballs go to OUT.

const fs = require('node:fs')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const root = path.resolve(__dirname, '..')
const [work, out, ...targets] = process.argv.slice(2)

/** The napi-rs name of a Rust target: x86_64-unknown-linux-gnu → linux-x64-gnu. */
function platformOf(triple) {
  const [arch, , os, abi] = triple.split('-')
  const cpu = { x86_64: 'x64', aarch64: 'arm64' }[arch] ?? arch
  return { name: `${os}-${cpu}-${abi}`, os, cpu, libc: abi === 'gnu' ? 'glibc' : abi }
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'))
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
}

function fresh(dir) {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true })
  fs.copyFileSync(from, to)
  fs.chmodSync(to, fs.statSync(from).mode)
}

function pack(dir) {
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }))
  console.log(`  packed ${filename}`)
}

const repo = readJson(path.join(root, 'package.json'))
const { version, license, repository, engines } = repo
const platforms = targets.map(platformOf)

function platformPackage(dir, { name, description, platform, files }) {
  writeJson(path.join(dir, 'package.json'), {
    name,
    version,
    description,
    license,
    ...(repository && { repository }),
    os: [platform.os],
    cpu: [platform.cpu],
    libc: [platform.libc],
    files,
    ...(files[0].endsWith('.node') && { main: files[0] }),
    engines,
  })
  pack(dir)
}

// mypos: the repository's package as published, with only the built platforms as its own.
{
  const stage = fresh(path.join(work, 'npm', 'mypos'))
  const manifest = { ...repo }
  delete manifest.devDependencies
  delete manifest.scripts
  manifest.napi = { ...repo.napi, targets }
  manifest.files = repo.files.map((pattern) => (pattern === 'bindings-node/native/*' ? 'bindings-node/native/index.js' : pattern))
  manifest.optionalDependencies = Object.fromEntries(platforms.map((p) => [`${repo.name}-${p.name}`, version]))
  // `mypos/testing` runs the sandbox executable: an optional peer, installed by those who test.
  manifest.peerDependencies = { 'mypos-sandbox': version }
  manifest.peerDependenciesMeta = { 'mypos-sandbox': { optional: true } }
  writeJson(path.join(stage, 'package.json'), manifest)
  copy(path.join(root, 'README.md'), path.join(stage, 'README.md'))
  for (const file of fs.readdirSync(path.join(root, 'bindings-node'))) {
    if (/\.(js|mjs|d\.ts)$/.test(file)) copy(path.join(root, 'bindings-node', file), path.join(stage, 'bindings-node', file))
  }
  // The loader napi-rs generates is the same for every target; it looks for ./native/*.node
  // first, then for the platform package.
  copy(path.join(work, 'node', targets[0], 'index.js'), path.join(stage, 'bindings-node', 'native', 'index.js'))
  pack(stage)
}

for (const [i, platform] of platforms.entries()) {
  const stage = fresh(path.join(work, 'npm', `${repo.name}-${platform.name}`))
  const addon = `${repo.napi.binaryName}.${platform.name}.node`
  copy(path.join(work, 'node', targets[i], addon), path.join(stage, addon))
  platformPackage(stage, { name: `${repo.name}-${platform.name}`, description: `The mypos addon for ${platform.name}`, platform, files: [addon] })
}

// mypos-sandbox: the launcher package, and one package per platform holding the executable.
{
  const source = path.join(root, 'sandbox', 'npm')
  const stage = fresh(path.join(work, 'npm', 'mypos-sandbox'))
  const manifest = readJson(path.join(source, 'package.json'))
  manifest.optionalDependencies = Object.fromEntries(platforms.map((p) => [`${manifest.name}-${p.name}`, version]))
  writeJson(path.join(stage, 'package.json'), manifest)
  for (const file of manifest.files) copy(path.join(source, file), path.join(stage, file))
  copy(path.join(root, 'sandbox', 'README.md'), path.join(stage, 'README.md'))
  pack(stage)

  for (const [i, platform] of platforms.entries()) {
    const name = `${manifest.name}-${platform.name}`
    const stage = fresh(path.join(work, 'npm', name))
    copy(path.join(work, 'sandbox', targets[i], 'mypos-sandbox'), path.join(stage, 'mypos-sandbox'))
    platformPackage(stage, { name, description: `The mypos-sandbox executable for ${platform.name}`, platform, files: ['mypos-sandbox'] })
  }
}
