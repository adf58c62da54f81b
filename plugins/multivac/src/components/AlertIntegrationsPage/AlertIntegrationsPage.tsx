import {
  Content,
  ContentHeader,
  CopyTextButton,
  Header,
  Page,
  ResponseErrorPanel,
  SupportButton,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Grid,
  Typography,
} from '@material-ui/core';
import AddIcon from '@material-ui/icons/Add';
import {
  AlertIntegrationInfo,
  AlertIntegrationSecret,
  integrationManagePermission,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { useReloadingChange } from '../../hooks/useReloadingChange';
import { alertsRouteRef } from '../../routes';
import { formatDateTime } from '../../formatTime';
import {
  CreateIntegrationDialog,
  VENDOR_LABELS,
} from './CreateIntegrationDialog';
import { DeadLetters } from './DeadLetters';
import { RotateSecretDialog } from './RotateSecretDialog';
import { RoutingPreview } from './RoutingPreview';
import { SecretDialog } from './SecretDialog';

/** How many secrets it accepts now, and since when. */
const SecretState = ({
  integration,
}: {
  integration: AlertIntegrationInfo;
}) => (
  <>
    {integration.secretCount === 1
      ? '1 secret'
      : `${integration.secretCount} secrets`}
    {integration.secretRotatedAt && (
      <Typography variant="caption" component="div">
        rotated {formatDateTime(integration.secretRotatedAt)}
      </Typography>
    )}
    {integration.previousSecretValidUntil && (
      <Typography variant="caption" component="div">
        previous one valid until{' '}
        {formatDateTime(integration.previousSecretValidUntil)}
      </Typography>
    )}
  </>
);

/**
 * `/multivac/alerts/integrations` (`multivac.integration.manage`): where
 * each sender delivers, new integrations with their secret shown once,
 * secret rotation with a grace period, deleting portal-made ones, the
 * routing preview and the dead letters.
 */
export const AlertIntegrationsPage = () => {
  const api = useApi(multivacApiRef);
  const alertsRoute = useRouteRef(alertsRouteRef);
  const { allowed, loading: checking } = usePermission({
    permission: integrationManagePermission,
  });
  const integrations = useAsyncRetry(
    async () => (allowed ? api.listAlertIntegrations() : []),
    [api, allowed],
  );
  const { busy, quietly } = useReloadingChange(integrations.retry);
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<AlertIntegrationInfo>();
  const [deleting, setDeleting] = useState<AlertIntegrationInfo>();
  const [secret, setSecret] = useState<{
    title: string;
    created: AlertIntegrationSecret;
  }>();

  const columns: TableColumn<AlertIntegrationInfo>[] = [
    {
      title: 'Integration',
      render: i => (
        <>
          <Typography variant="body2">{i.name}</Typography>
          <Typography variant="caption" color="textSecondary">
            {i.id}
          </Typography>
        </>
      ),
    },
    { title: 'Sender', render: i => VENDOR_LABELS[i.vendor] ?? i.vendor },
    {
      title: 'Delivery URL',
      cellStyle: { minWidth: 320 },
      render: i => (
        <Box display="flex" alignItems="center">
          <code style={{ wordBreak: 'break-all' }}>{i.url}</code>
          <CopyTextButton
            text={i.url}
            tooltipText="URL copied"
            aria-label={`Copy the delivery URL of ${i.id}`}
          />
        </Box>
      ),
    },
    {
      title: 'Managed in',
      render: i => (
        <Chip
          size="small"
          variant="outlined"
          label={i.managedBy === 'config' ? 'app-config.yaml' : 'portal'}
        />
      ),
    },
    { title: 'Secret', render: i => <SecretState integration={i} /> },
    {
      title: 'Default route',
      render: i =>
        i.defaultEntityRef ? (
          <EntityRefLink
            entityRef={i.defaultEntityRef}
            defaultKind="component"
          />
        ) : (
          '—'
        ),
    },
    {
      title: 'Rules',
      render: i => (i.rules.length === 0 ? '—' : String(i.rules.length)),
    },
    {
      title: '',
      render: i =>
        i.managedBy === 'portal' ? (
          <Box display="flex" style={{ gap: 4 }}>
            <Button
              size="small"
              color="primary"
              disabled={busy}
              onClick={() => setRotating(i)}
              aria-label={`Rotate the secret of ${i.id}`}
            >
              Rotate secret
            </Button>
            <Button
              size="small"
              disabled={busy}
              onClick={() => setDeleting(i)}
              aria-label={`Delete ${i.id}`}
            >
              Delete
            </Button>
          </Box>
        ) : (
          <Typography variant="caption" color="textSecondary">
            change it in app-config.yaml
          </Typography>
        ),
    },
  ];

  const body = () => {
    if (checking) {
      return null;
    }
    if (!allowed) {
      return (
        <WarningPanel
          title="Integrations are for admins"
          message="Managing alert integrations needs the multivac.integration.manage permission."
        />
      );
    }
    if (integrations.error) {
      return <ResponseErrorPanel error={integrations.error} />;
    }
    return (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <Table<AlertIntegrationInfo>
            title="Integrations"
            columns={columns}
            data={integrations.value ?? []}
            isLoading={integrations.loading}
            emptyContent={
              <Typography style={{ padding: 16 }}>
                No integrations yet: create one for each monitoring tool.
              </Typography>
            }
            options={{ paging: false, search: false, padding: 'dense' }}
          />
        </Grid>
        <Grid item xs={12}>
          <RoutingPreview integrations={integrations.value ?? []} />
        </Grid>
        <Grid item xs={12}>
          <DeadLetters />
        </Grid>
      </Grid>
    );
  };

  return (
    <Page themeId="tool">
      <Header
        title="Alert integrations"
        type="Alerts"
        typeLink={alertsRoute()}
        subtitle="Where monitoring tools deliver alerts, and how they are routed"
      />
      <Content>
        <ContentHeader title="">
          {allowed && (
            <Button
              variant="contained"
              color="primary"
              startIcon={<AddIcon />}
              onClick={() => setCreating(true)}
            >
              New integration
            </Button>
          )}
          <SupportButton>
            Each integration has its own delivery URL and secret. Integrations
            from app-config.yaml are changed there; those made here can be
            rotated and deleted here.
          </SupportButton>
        </ContentHeader>
        {body()}
      </Content>
      <CreateIntegrationDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={created => {
          setCreating(false);
          setSecret({
            title: `Integration ${created.integration.id} created`,
            created,
          });
          integrations.retry();
        }}
      />
      <RotateSecretDialog
        integration={rotating}
        onClose={() => setRotating(undefined)}
        onRotated={created => {
          setRotating(undefined);
          setSecret({
            title: `New secret for ${created.integration.id}`,
            created,
          });
          integrations.retry();
        }}
      />
      <SecretDialog
        title={secret?.title ?? ''}
        created={secret?.created}
        onClose={() => setSecret(undefined)}
      />
      <Dialog open={Boolean(deleting)} onClose={() => setDeleting(undefined)}>
        <DialogTitle>Delete {deleting?.name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Deliveries to {deleting?.url} are refused from now on. Alerts it
            already delivered stay.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setDeleting(undefined)}>Cancel</Button>
          <Button
            color="secondary"
            variant="contained"
            disabled={busy}
            onClick={() => {
              const id = deleting!.id;
              setDeleting(undefined);
              quietly(() => api.deleteAlertIntegration(id));
            }}
          >
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </Page>
  );
};
