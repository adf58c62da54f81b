#!/usr/bin/env node
/*
 * Runs before `npm start` and `npm test` so that each README command works on
 * a fresh clone: installs from the lockfile when node_modules is missing, and
 * re-installs when a manifest or the lockfile changed since the last install
 * (see install-stamp.js).
 * Otherwise it returns at once. Runs on whatever Node the machine has.
 *
 * `npm ci`, never `npm install`: `npm ci` installs exactly what
 * package-lock.json says and never rewrites it, so what we install does not
 * depend on what the registry holds on the day. `npm install` re-resolves
 * entries the lockfile lacks: when the registry gained other platforms'
 * optional builds (@unrs/resolver-binding-*, @swc/core-darwin-*), it added
 * them to the lockfile and CI's "lockfile unchanged" check failed.
 *
 * That is why package-lock.json must be complete: every optional dependency
 * of every locked package (each platform's @swc/core, rollup and esbuild
 * builds) has its own entry, even for platforms we do not run on. `npm ci`
 * refuses a lockfile with an entry missing once the registry can resolve it.
 * Locked versions were chosen so that the registry has all their platform
 * builds; `node scripts/check-lockfile.js` proves the lockfile is complete
 * (CI runs it). If you change dependencies, run `npm install` yourself and
 * commit the lockfile it writes, after checking it with that script.
 */
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { currentStamp, installedStamp } = require('./install-stamp');

const root = path.resolve(__dirname, '..');

function install(reason) {
  console.log(`${reason}: installing dependencies from package-lock.json ...`);
  console.log('> npm ci');
  execSync('npm ci', { cwd: root, stdio: 'inherit' });
}

if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  install('First run (about 3 minutes)');
} else if (installedStamp() !== currentStamp()) {
  install('package-lock.json or a package.json changed since the last install');
}
