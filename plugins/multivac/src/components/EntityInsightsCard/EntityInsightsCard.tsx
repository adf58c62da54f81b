import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Grid, Typography } from '@material-ui/core';
import { formatDuration } from '@multivac/plugin-multivac-common';
import useAsync from 'react-use/esm/useAsync';
import { multivacApiRef } from '../../api/MultivacApi';
import {
  failedReleaseText,
  percent,
} from '../ChangeFailureTable/ChangeFailureTable';

const PERIOD = '30d';

const duration = (seconds: number | null) =>
  seconds === null ? '–' : formatDuration(Math.round(seconds) * 1000);

function Figure(props: { label: string; value: string; detail?: string }) {
  return (
    <Grid item xs={6} md={3}>
      <Typography variant="overline" color="textSecondary">
        {props.label}
      </Typography>
      <Typography variant="h5">{props.value}</Typography>
      {props.detail && (
        <Typography variant="caption" color="textSecondary">
          {props.detail}
        </Typography>
      )}
    </Grid>
  );
}

/**
 * A Component's last 30 days in four figures: incidents, MTTA, MTTR and
 * the change failure rate of its production releases.
 */
export const EntityInsightsCard = () => {
  const { entity } = useEntity();
  const service = stringifyEntityRef(entity);
  const api = useApi(multivacApiRef);
  const { value, loading, error } = useAsync(async () => {
    const [incidents, changeFailure] = await Promise.all([
      api.getIncidentInsights({ period: PERIOD, service }),
      api.getChangeFailure({ period: PERIOD, service }),
    ]);
    return { incidents, changeFailure };
  }, [api, service]);
  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ResponseErrorPanel error={error} />;
  } else if (value) {
    const { total } = value.incidents;
    const releases = value.changeFailure.byService[0];
    body = (
      <Grid container spacing={2}>
        <Figure label="Incidents" value={String(total.count)} />
        <Figure
          label="MTTA"
          value={duration(total.mtta.mean)}
          detail="first page → first acknowledgement"
        />
        <Figure
          label="MTTR"
          value={duration(total.mttr.mean)}
          detail="declared → resolved"
        />
        <Figure
          label="Change failure rate"
          value={releases ? percent(releases.rate) : '–'}
          detail={
            releases
              ? `${releases.failed} of ${releases.releases} ${
                  value.changeFailure.environment
                } releases${
                  releases.failedReleases.length
                    ? `: ${releases.failedReleases
                        .map(failedReleaseText)
                        .join(', ')}`
                    : ''
                }`
              : `no ${value.changeFailure.environment} releases`
          }
        />
      </Grid>
    );
  }
  return <InfoCard title="Last 30 days">{body}</InfoCard>;
};
