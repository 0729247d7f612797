// The Node package and its native addon carry the workspace's version (Cargo.toml).
const fs = require('node:fs')
const path = require('node:path')
const mypos = require('mypos')

const root = path.resolve(__dirname, '../..')
const workspaceVersion = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8')
  .match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)[1]

test('exports the version of package.json, which is the workspace version', () => {
  expect(mypos.version).toBe(workspaceVersion)
  expect(mypos.VERSION).toBe(workspaceVersion)
  expect(require('mypos/package.json').version).toBe(workspaceVersion)
})
