#!/usr/bin/env node
/*
 * Proves package-lock.json is complete: every optional dependency of every
 * locked package resolves to an entry of the lockfile (looked up the way
 * Node resolves, from the package's own folder up to the root). Optional
 * packages for other platforms are never installed here, but `npm ci`
 * refuses a lockfile that lacks one as soon as the registry can resolve it,
 * which is how CI went red once the registry gained such builds (see
 * ensure-installed.js). Exits 1 and lists the gaps when there are any.
 */
const path = require('node:path');

const lockfile = require(path.resolve(__dirname, '..', 'package-lock.json'));
const packages = lockfile.packages;

function resolves(from, name) {
  let dir = from;
  for (;;) {
    if (packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (dir === '') return false;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent < 0 ? '' : dir.slice(0, parent);
  }
}

const gaps = [];
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(
    entry.optionalDependencies ?? {},
  )) {
    if (!resolves(location, name)) {
      gaps.push(`${location || '(root)'} -> ${name}@${range}`);
    }
  }
}

if (gaps.length > 0) {
  console.error(
    `package-lock.json lacks ${gaps.length} optional dependencies, so npm ci ` +
      'will refuse it once the registry has them. Move the packages that ' +
      'need them to versions whose platform builds all exist, e.g. ' +
      '`npm update <package>`:',
  );
  for (const gap of gaps) console.error(`  ${gap}`);
  process.exit(1);
}
console.log(
  `package-lock.json is complete: every optional dependency of its ${
    Object.keys(packages).length - 1
  } packages has an entry`,
);
