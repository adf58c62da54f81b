import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  changeFailureQuerySchema,
  digestQuerySchema,
  insightsQuerySchema,
  insightsReadPermission,
  oncallLoadQuerySchema,
  reportCardQuerySchema,
} from '@multivac/plugin-multivac-common';
import express from 'express';
import Router from 'express-promise-router';
import { RequestAuth } from '../service/RequestAuth';
import { parseInput } from '../service/validation';
import { DigestService } from './DigestService';
import { ChangeFailureService } from './ChangeFailureService';
import { InsightsService } from './InsightsService';
import { ReportCardService } from './ReportCardService';
import { OnCallLoadService } from './OnCallLoadService';

/**
 * `/insights/incidents` and `/insights/interruptions`, behind
 * `multivac.insights.read`; a signed-in person may always see their own
 * interruptions (`?person=` themselves).
 */
export function createInsightsRouter(options: {
  insights: InsightsService;
  requestAuth: RequestAuth;
  httpAuth: HttpAuthService;
  /** Serves `/insights/digest` when given. */
  digest?: DigestService;
  /** Serves `/insights/oncall-load` when given. */
  onCallLoad?: OnCallLoadService;
  /** Serves `/insights/change-failure` when given. */
  changeFailure?: ChangeFailureService;
  /** Serves `/insights/report-card` when given. */
  reportCard?: ReportCardService;
}): express.Router {
  const { insights, requestAuth, httpAuth } = options;
  const router = Router();

  router.get('/insights/incidents', async (req, res) => {
    await requestAuth.authorize(req, insightsReadPermission);
    const query = parseInput(insightsQuerySchema, req.query, 'query');
    res.json(await insights.incidents(await insights.scope(query)));
  });

  router.get('/insights/interruptions', async (req, res) => {
    const allowed = await requestAuth
      .authorize(req, insightsReadPermission)
      .then(
        () => true,
        error => {
          if (error instanceof NotAllowedError) {
            return false;
          }
          throw error;
        },
      );
    const query = parseInput(insightsQuerySchema, req.query, 'query');
    if (!allowed) {
      // Checked before the catalog is asked about anything in the query.
      const caller = await httpAuth.credentials(req, { allow: ['user'] });
      const self = caller.principal.userEntityRef;
      if (!query.person || userRef(query.person) !== self) {
        throw new NotAllowedError(
          `You are not allowed to ${insightsReadPermission.name}; without it you may see your own interruptions (person=${self})`,
        );
      }
    }
    res.json(await insights.interruptions(await insights.scope(query)));
  });

  if (options.digest) {
    const digest = options.digest;
    // The daily digest (also posted by chat modules), for the company or a team.
    router.get('/insights/digest', async (req, res) => {
      await requestAuth.authorize(req, insightsReadPermission);
      const query = parseInput(digestQuerySchema, req.query, 'query');
      res.json(await digest.compose(query));
    });
  }

  // On-call load per schedule and person; without multivac.insights.read
  // a signed-in person sees their own rows (person=themselves).
  const onCallLoad = options.onCallLoad;
  if (onCallLoad) {
    router.get('/insights/oncall-load', async (req, res) => {
      const allowed = await requestAuth
        .authorize(req, insightsReadPermission)
        .then(
          () => true,
          error => {
            if (error instanceof NotAllowedError) {
              return false;
            }
            throw error;
          },
        );
      const query = parseInput(oncallLoadQuerySchema, req.query, 'query');
      if (!allowed) {
        const caller = await httpAuth.credentials(req, { allow: ['user'] });
        const self = caller.principal.userEntityRef;
        if (!query.person || userRef(query.person) !== self) {
          throw new NotAllowedError(
            `You are not allowed to ${insightsReadPermission.name}; without it you may see your own on-call load (person=${self})`,
          );
        }
      }
      res.json(await onCallLoad.load(await insights.scope(query)));
    });
  }

  if (options.changeFailure) {
    const changeFailure = options.changeFailure;
    // Change failure rate per released service (never one company figure).
    router.get('/insights/change-failure', async (req, res) => {
      await requestAuth.authorize(req, insightsReadPermission);
      const query = parseInput(changeFailureQuerySchema, req.query, 'query');
      const scope = await insights.scope(query);
      res.json(
        await changeFailure.changeFailure({
          ...scope.current,
          team: scope.team,
          service: scope.service,
        }),
      );
    });
  }

  if (options.reportCard) {
    const reportCard = options.reportCard;
    // A Group's report card for a week or a month.
    router.get('/insights/report-card', async (req, res) => {
      await requestAuth.authorize(req, insightsReadPermission);
      const query = parseInput(reportCardQuerySchema, req.query, 'query');
      res.json(await reportCard.reportCard(query));
    });
  }

  return router;
}

/** `ada` → `user:default/ada`; undefined when it is no entity ref. */
function userRef(ref: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind: 'user', defaultNamespace: 'default' }),
    );
  } catch {
    return undefined;
  }
}
