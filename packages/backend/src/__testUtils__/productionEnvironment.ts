import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * For a describe block that loads app-config.production.yaml: sets the
 * environment variables it reads before the tests and restores the
 * environment after them. Returns a temporary folder for config overrides,
 * removed afterwards.
 */
export function useProductionEnvironment(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const saved = { ...process.env };

  beforeAll(() => {
    Object.assign(process.env, {
      APP_BASE_URL: 'http://portal.example.com',
      BACKEND_BASE_URL: 'http://localhost:7007',
      BACKEND_SECRET: 'test-secret',
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: '5432',
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: 'unused',
    });
  });

  afterAll(() => {
    process.env = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
