/**
 * How the production image runs Node: the `ENV MALLOC_ARENA_MAX=...` and
 * `ENV NODE_OPTIONS=...` lines of packages/backend/Dockerfile, so that the
 * production smoke test and the footprint bench run the backend as the
 * image does, from one place. Other ENV lines are not read.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOCKERFILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'packages',
  'backend',
  'Dockerfile',
);
const RUNTIME_KEYS = ['MALLOC_ARENA_MAX', 'NODE_OPTIONS'];

/** The runtime environment variables the Dockerfile sets. */
export function productionRuntimeEnv() {
  const env = {};
  for (const line of readFileSync(DOCKERFILE, 'utf8').split('\n')) {
    const match = /^ENV\s+([A-Z_]+)=(?:"([^"]*)"|(\S*))\s*$/.exec(line.trim());
    if (match && RUNTIME_KEYS.includes(match[1])) {
      env[match[1]] = match[2] ?? match[3];
    }
  }
  return env;
}
