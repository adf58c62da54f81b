/*
 * Preloaded by bench/production-footprint.mjs (BENCH_BACKEND=dist) to run the
 * backend as built for production (`backstage-cli package build`: each
 * package's dist/*.cjs.js) without a production install: the workspace's
 * node_modules link @multivac packages to their folders, whose package.json
 * points at src/*.ts for development; this points a require of an @multivac
 * package at its built dist/index.cjs.js instead (as their publishConfig
 * does), and fails when it is not built. No TypeScript is loaded. Needs
 * Node 22.15 or later (module.registerHooks).
 */
const Module = require('node:module');
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = resolve(__dirname, '../..');
const dists = new Map();
for (const folder of ['plugins', 'packages']) {
  for (const name of readdirSync(join(root, folder))) {
    const dir = join(root, folder, name);
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      dists.set(JSON.parse(readFileSync(manifest, 'utf8')).name, dir);
    }
  }
}

function builtOf(request) {
  const built = join(dists.get(request), 'dist', 'index.cjs.js');
  if (!existsSync(built)) {
    throw new Error(
      `${request} is not built (${built}); run backstage-cli package build in its folder`,
    );
  }
  return built;
}

// Both require() and import() (the backend adds its plugins with import()).
Module.registerHooks({
  resolve(specifier, context, nextResolve) {
    if (dists.has(specifier)) {
      return {
        url: pathToFileURL(builtOf(specifier)).href,
        format: 'commonjs',
        shortCircuit: true,
      };
    }
    return nextResolve(specifier, context);
  },
});
