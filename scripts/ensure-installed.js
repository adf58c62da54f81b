#!/usr/bin/env node
/*
 * Runs before `npm start` and `npm test` so that each README command works on
 * a fresh clone: installs from the lockfile when node_modules is missing, and
 * re-installs when a manifest or the lockfile changed since the last install.
 * Otherwise it returns at once. Runs on whatever Node the machine has.
 *
 * `npm install` rather than `npm ci`: the lockfile cannot list optional
 * packages for other platforms that the registry lacks (e.g. some
 * @swc/core-darwin-* builds), and `npm ci` rejects it for that. `npm install`
 * installs the locked versions and skips those.
 */
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const installed = path.join(root, 'node_modules', '.package-lock.json');

function manifests() {
  const files = [
    path.join(root, 'package.json'),
    path.join(root, 'package-lock.json'),
  ];
  for (const dir of ['packages', 'plugins']) {
    for (const name of fs.readdirSync(path.join(root, dir))) {
      const file = path.join(root, dir, name, 'package.json');
      if (fs.existsSync(file)) files.push(file);
    }
  }
  return files;
}

function run(command) {
  console.log(`> ${command}`);
  execSync(command, { cwd: root, stdio: 'inherit' });
}

if (!fs.existsSync(installed)) {
  console.log(
    'First run: installing dependencies from package-lock.json (about 5 minutes) ...',
  );
  run('npm install');
} else {
  const installedAt = fs.statSync(installed).mtimeMs;
  const changed = manifests().filter(
    file => fs.statSync(file).mtimeMs > installedAt,
  );
  if (changed.length > 0) {
    console.log(
      `Dependencies changed (${changed
        .map(f => path.relative(root, f))
        .join(', ')}): installing ...`,
    );
    run('npm install');
  }
}
