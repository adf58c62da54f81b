import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  SupportButton,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Grid } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { reportCreatePermission } from '@multivac/plugin-multivac-common';
import { useSearchParams } from 'react-router-dom';
import { reportsRouteRef } from '../../routes';
import { ReportForm } from './ReportForm';

/**
 * `/multivac/report`: the triage form. `?entityRef=` pre-fills the affected
 * service, e.g. when linked from its catalog page.
 */
export const ReportPage = () => {
  const [searchParams] = useSearchParams();
  const reportsRoute = useRouteRef(reportsRouteRef);
  const { loading, allowed } = usePermission({
    permission: reportCreatePermission,
  });

  let body;
  if (loading) {
    body = <Progress />;
  } else if (allowed) {
    body = (
      <InfoCard title="What did you notice?">
        <ReportForm
          defaultEntityRef={searchParams.get('entityRef') ?? undefined}
        />
      </InfoCard>
    );
  } else {
    body = (
      <Alert severity="warning">
        You are not allowed to send triage reports (the permission{' '}
        <code>multivac.report.create</code> is denied). Ask your Backstage
        admins for it, or tell the team that owns the service directly.
      </Alert>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Report a problem"
        subtitle="Tell whoever is on call what is broken; they are paged as soon as you send it"
      />
      <Content>
        <ContentHeader title="">
          <Link to={`${reportsRoute()}?reportedBy=me`}>Your reports</Link>
          &nbsp;·&nbsp;
          <Link to={reportsRoute()}>All reports</Link>
          <SupportButton>
            The severity follows the severity rubric from how many users are
            affected and where. You may raise it; lowering it needs a reason.
          </SupportButton>
        </ContentHeader>
        <Grid container>
          <Grid item xs={12} md={8}>
            {body}
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
};
