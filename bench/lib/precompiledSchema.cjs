/*
 * BENCH_PRECOMPILED_SCHEMA=1 in bench/production-footprint.mjs: what the
 * backend's memory would be if the config schema were compiled at build
 * time instead of at every start.
 *
 * At start, Backstage's root logger learns which config values are secrets
 * (to redact them from logs) from the config schema: it lists every package
 * of the workspace (@manypkg/get-packages from the working directory) and
 * compiles each config.d.ts among them and their dependencies with the
 * TypeScript compiler (@backstage/config-loader's loadConfigSchema), which
 * stays loaded. app-backend already avoids this for the frontend: its build
 * writes the schema to dist/.config-schema.json.
 *
 * Run as a script (`node precompiledSchema.cjs <file>`, in the backend's
 * folder) it writes that same schema, serialized, to <file>: the build step.
 * Preloaded (`--require`) with BENCH_CONFIG_SCHEMA=<file>, it makes
 * loadConfigSchema read <file> instead of compiling: the start.
 */
const configLoader = require('@backstage/config-loader');
const { readFileSync, writeFileSync } = require('node:fs');

async function build(file) {
  const { getPackages } = require('@manypkg/get-packages');
  const { packages } = await getPackages(process.cwd());
  // The same call as createConfigSecretEnumerator's.
  const schema = await configLoader.loadConfigSchema({
    dependencies: packages.map(p => p.packageJson.name),
    onSchemaError: error => console.warn(error.message),
  });
  writeFileSync(file, JSON.stringify(schema.serialize()));
}

if (require.main === module) {
  build(process.argv[2]).catch(error => {
    console.error(error);
    process.exitCode = 1;
  });
} else if (process.env.BENCH_CONFIG_SCHEMA) {
  const serialized = JSON.parse(
    readFileSync(process.env.BENCH_CONFIG_SCHEMA, 'utf8'),
  );
  const compile = configLoader.loadConfigSchema;
  configLoader.loadConfigSchema = options =>
    'dependencies' in options ? compile({ serialized }) : compile(options);
}
