import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NormalizedAlert } from './types';
import { AlertIntegration } from './integrations';

/** Labels that name the entity outright, and the kind a bare name has. */
export const ENTITY_LABELS: ReadonlyArray<[label: string, kind: string]> = [
  ['backstage.io/entity', 'component'],
  ['service', 'component'],
  ['component', 'component'],
  ['team', 'group'],
];

/** Where an alert could go, best first, and what put it there. */
export interface RouteCandidate {
  entityRef: string;
  /** `label:<name>`, `entityRef` (generic), `rule:<n>` (1-based) or `default`. */
  matched: string;
}

/**
 * Where an alert goes: an entity named by the sender (the generic
 * `entityRef`, or a label `backstage.io/entity`, `service`, `component`,
 * `team`), else the integration's first matching rule, else its default
 * route. Pure: live routing and the preview both call it; the caller keeps
 * the first candidate that exists in the catalog.
 */
export function routeAlert(
  alert: Pick<NormalizedAlert, 'labels' | 'entityHint'>,
  integration: Pick<AlertIntegration, 'rules' | 'defaultEntityRef'>,
): RouteCandidate[] {
  const candidates: RouteCandidate[] = [];
  const named = (value: string | undefined, kind: string, matched: string) => {
    const ref = value && toEntityRef(value, kind);
    if (ref) {
      candidates.push({ entityRef: ref, matched });
    }
  };
  named(alert.entityHint, 'component', 'entityRef');
  for (const [label, kind] of ENTITY_LABELS) {
    named(alert.labels[label], kind, `label:${label}`);
  }
  const index = integration.rules.findIndex(rule =>
    rule.match.every(({ label, value }) => {
      const actual = alert.labels[label];
      if (actual === undefined) {
        return false;
      }
      return typeof value === 'string' ? actual === value : value.test(actual);
    }),
  );
  if (index >= 0) {
    candidates.push({
      entityRef: integration.rules[index].entityRef,
      matched: `rule:${index + 1}`,
    });
  }
  if (integration.defaultEntityRef) {
    candidates.push({
      entityRef: integration.defaultEntityRef,
      matched: 'default',
    });
  }
  return candidates;
}

function toEntityRef(value: string, defaultKind: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), {
        defaultKind,
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}
