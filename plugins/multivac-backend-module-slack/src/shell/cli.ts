/*
 * `npm run shell`: the Multivac bot in a terminal. MULTIVAC_URL is the
 * backend (default http://localhost:7007); MULTIVAC_TOKEN a user's Backstage
 * token, else the shell signs in as guest.
 */
import { ChatShell } from './ChatShell';

new ChatShell({
  baseUrl: process.env.MULTIVAC_URL || 'http://localhost:7007',
  token: process.env.MULTIVAC_TOKEN || undefined,
  input: process.stdin,
  output: process.stdout,
})
  .run()
  .catch(error => {
    process.stderr.write(`${error}\n`);
    process.exitCode = 1;
  });
