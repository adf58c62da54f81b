#!/usr/bin/env node
/*
 * Fires a realistic Prometheus Alertmanager burst at the running demo
 * (`npm start`): the `demo-prometheus` integration of app-config.yaml, as
 * Alertmanager's webhook receiver sends it (version 4 body, bearer secret).
 * A few alerts on payments-api (one page for the whole group), repeats of
 * them (deduplicated, never a second alert), a low-urgency warning on
 * cart-service (recorded, nobody paged), then the recovery of payments-api
 * (its group and its page resolve). Run: npm run demo:alerts
 *   MULTIVAC_URL   the demo backend (default http://localhost:7007)
 *   PORTAL_URL     the demo portal (default http://localhost:3000)
 *   RECOVER_AFTER  seconds before the recovery (default 20; 0: no recovery)
 */
import { createHash } from 'node:crypto';

const backend = process.env.MULTIVAC_URL ?? 'http://localhost:7007';
const portal = process.env.PORTAL_URL ?? 'http://localhost:3000';
const recoverAfter = Number(process.env.RECOVER_AFTER ?? 20);
const integration = 'demo-prometheus';
// The demo's secret (app-config.yaml); never use it anywhere real.
const secret = 'demo-only-not-a-real-secret';
const url = `${backend}/api/multivac/alerts/integrations/${integration}`;
const startsAt = new Date(Date.now() - 2 * 60_000).toISOString();
// A fresh identity per run, so that each run opens a new group.
const run = Date.now().toString(16);

const alert = (name, service, instance, severity, summary) => ({
  labels: { alertname: name, service, instance, severity, job: service },
  annotations: {
    summary,
    runbook_url: `https://runbooks.example.com/${service}/${name}`,
  },
  startsAt,
  generatorURL: `http://prometheus.example.com:9090/graph?g0.expr=${name}`,
  // Alertmanager's fingerprint: a hash of the labels (here with the run).
  fingerprint: createHash('sha256')
    .update(`${run}/${name}/${instance}`)
    .digest('hex')
    .slice(0, 16),
});

const paymentsAlerts = [
  alert(
    'HighErrorRate',
    'payments-api',
    'payments-api-7d9f:8080',
    'critical',
    'payments-api answers 12% of card payments with 5xx',
  ),
  alert(
    'HighErrorRate',
    'payments-api',
    'payments-api-4c2e:8080',
    'critical',
    'payments-api answers 9% of card payments with 5xx',
  ),
  alert(
    'LatencyHigh',
    'payments-api',
    'payments-api-7d9f:8080',
    'warning',
    'payments-api p99 latency above 2 s',
  ),
];
const cartAlerts = [
  alert(
    'DiskFillingUp',
    'cart-service',
    'cart-db-0',
    'warning',
    'cart-service database disk 85% full',
  ),
];

function webhook(status, alerts) {
  const groupLabels = { alertname: alerts[0].labels.alertname };
  return {
    version: '4',
    groupKey: `{}:{service="${alerts[0].labels.service}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'multivac',
    groupLabels,
    commonLabels: { service: alerts[0].labels.service },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com:9093',
    alerts: alerts.map(a => ({
      ...a,
      status,
      endsAt:
        status === 'resolved'
          ? new Date().toISOString()
          : '0001-01-01T00:00:00Z',
    })),
  };
}

async function send(what, status, alerts) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${secret}`,
    },
    body: JSON.stringify(webhook(status, alerts)),
  }).catch(error => {
    throw new Error(
      `Cannot reach ${backend} (${
        error.cause?.code ?? error.message
      }): is the demo running (npm start)?`,
    );
  });
  const answer = await response.text();
  if (response.status !== 202) {
    throw new Error(`${what}: ${response.status} ${answer}`);
  }
  console.log(
    `  ${status.padEnd(8)} ${alerts.length} alert(s): ${what} -> 202 ${answer}`,
  );
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function main() {
  console.log(`Alertmanager burst -> ${url}`);
  await send(
    'payments-api errors and latency (critical: pages once)',
    'firing',
    paymentsAlerts,
  );
  await send(
    'cart-service disk (warning: low urgency, no page)',
    'firing',
    cartAlerts,
  );
  for (let repeat = 1; repeat <= 3; repeat++) {
    await sleep(1000);
    await send(
      `repeat ${repeat} of the payments-api group (deduplicated)`,
      'firing',
      paymentsAlerts,
    );
  }
  console.log(`
Look at:
  ${portal}/multivac/alerts                         firing alerts, the payments-api group (4 deliveries, 3 alerts)
  ${portal}/catalog/default/component/payments-api  its Alerts tab and the On call card (one page)
  ${portal}/multivac/alerts (Integrations)          demo-prometheus and its routing preview`);
  if (recoverAfter > 0) {
    console.log(
      `\nRecovery in ${recoverAfter} s (RECOVER_AFTER=0 skips it)...`,
    );
    await sleep(recoverAfter * 1000);
    await send(
      'payments-api recovered (group and page resolve)',
      'resolved',
      paymentsAlerts,
    );
  }
}

main().catch(error => {
  console.error(error.message);
  process.exitCode = 1;
});
