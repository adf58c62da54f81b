import {
  Content,
  Header,
  HeaderLabel,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useApiHolder,
  useRouteRef,
} from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Grid } from '@material-ui/core';
import {
  postmortemPublishPermission,
  postmortemUpdatePermission,
} from '@multivac/plugin-multivac-common';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { multivacApiRef } from '../../api/MultivacApi';
import { useReloadingChange } from '../../hooks/useReloadingChange';
import { postmortemsRouteRef } from '../../routes';
import { POSTMORTEM_STATUS_LABELS } from '../IncidentChips';
import { useDisplayNames } from '../OnCallPerson';
import { ActionItemsCard } from './ActionItemsCard';
import { downloadText } from './download';
import { EditPostmortemDialog } from './EditPostmortemDialog';
import { PostmortemFacts } from './PostmortemFacts';
import { PostmortemOverview } from './PostmortemOverview';
import { PostmortemReviewCard } from './PostmortemReviewCard';
import { PostmortemSectionCard } from './PostmortemSectionCard';
import { PostmortemTimeline } from './PostmortemTimeline';
import { ReopenDialog } from './ReopenDialog';

/**
 * `/multivac/postmortems/:id` (id or `PM-7`): the post-mortem of a resolved
 * incident: what Multivac recorded, the sections people write, the action
 * items, and review and publishing.
 */
export const PostmortemPage = () => {
  const { id = '' } = useParams();
  const api = useApi(multivacApiRef);
  const postmortemsRoute = useRouteRef(postmortemsRouteRef);
  const { allowed: canUpdate } = usePermission({
    permission: postmortemUpdatePermission,
    resourceRef: id,
  });
  const { allowed: canPublish } = usePermission({
    permission: postmortemPublishPermission,
    resourceRef: id,
  });
  const [editing, setEditing] = useState(false);
  const [reopening, setReopening] = useState(false);
  // Who is signed in decides whether Approve is offered (the backend
  // decides whether it counts).
  const identityApi = useApiHolder().get(identityApiRef);
  const { value: userRef } = useAsync(
    async () => (await identityApi?.getBackstageIdentity())?.userEntityRef,
    [identityApi],
  );

  const {
    value: postmortem,
    loading,
    error,
    retry,
  } = useAsyncRetry(() => api.getPostmortem(id), [api, id]);
  const { busy, act, quietly } = useReloadingChange(retry);
  const nameOf = useDisplayNames(postmortem ? [postmortem.ownerRef] : []);

  if (!postmortem) {
    return (
      <Page themeId="tool">
        <Header title={id} type="Post-mortem" typeLink={postmortemsRoute()} />
        <Content>
          {error ? <ResponseErrorPanel error={error} /> : <Progress />}
        </Content>
      </Page>
    );
  }
  const disabled = busy || loading;
  // Published is read-only until reopened: no edit controls at all.
  const readOnly = postmortem.status === 'published';
  /** For dialogs, which show the server's refusal themselves. */
  const thenReload = async (change: () => Promise<unknown>) => {
    await change();
    retry();
  };

  return (
    <Page themeId="tool">
      <Header
        title={postmortem.title}
        subtitle={`${postmortem.reference}, the post-mortem of ${postmortem.incidentReference}`}
        type="Post-mortem"
        typeLink={postmortemsRoute()}
      >
        <HeaderLabel label="Severity" value={postmortem.severity} />
        <HeaderLabel
          label="Status"
          value={POSTMORTEM_STATUS_LABELS[postmortem.status]}
        />
        <HeaderLabel label="Owner" value={nameOf(postmortem.ownerRef)} />
      </Header>
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={8}>
            <Grid container spacing={3}>
              <Grid item xs={12}>
                <PostmortemOverview
                  postmortem={postmortem}
                  canUpdate={canUpdate}
                  canPublish={canPublish}
                  disabled={disabled}
                  onEdit={() => setEditing(true)}
                  onTransition={to =>
                    quietly(() => api.setPostmortemStatus(postmortem.id, to))
                  }
                  onReopen={() => setReopening(true)}
                  onExport={() =>
                    quietly(async () => {
                      const { filename, text } =
                        await api.exportPostmortemMarkdown(
                          // names the file when the server's name is not
                          // readable (a cross-origin backend)
                          postmortem.reference,
                        );
                      downloadText(filename, text, 'text/markdown');
                    })
                  }
                />
              </Grid>
              {postmortem.sections.map(section => (
                <Grid item xs={12} key={section.id}>
                  <PostmortemSectionCard
                    section={section}
                    canEdit={canUpdate}
                    readOnly={readOnly}
                    disabled={disabled}
                    onSave={text =>
                      act(() =>
                        api.updatePostmortem(postmortem.id, {
                          sections: { [section.id]: text },
                        }),
                      )
                    }
                  />
                </Grid>
              ))}
              <Grid item xs={12}>
                <ActionItemsCard
                  items={postmortem.actionItems}
                  canEdit={canUpdate}
                  readOnly={readOnly}
                  disabled={disabled}
                  onAdd={item =>
                    thenReload(() => api.addActionItem(postmortem.id, item))
                  }
                  onEdit={(item, changes) =>
                    thenReload(() =>
                      api.updateActionItem(postmortem.id, item.id, changes),
                    )
                  }
                  onSetStatus={(item, status) =>
                    quietly(() =>
                      api.updateActionItem(postmortem.id, item.id, { status }),
                    )
                  }
                  onDelete={item =>
                    quietly(() => api.deleteActionItem(postmortem.id, item.id))
                  }
                />
              </Grid>
            </Grid>
          </Grid>
          <Grid item xs={12} md={4}>
            <Grid container spacing={3}>
              <Grid item xs={12}>
                <PostmortemReviewCard
                  postmortem={postmortem}
                  userRef={userRef}
                  disabled={disabled}
                  onApprove={() =>
                    quietly(() => api.approvePostmortem(postmortem.id))
                  }
                />
              </Grid>
              <Grid item xs={12}>
                <PostmortemFacts facts={postmortem.facts} />
              </Grid>
              <Grid item xs={12}>
                <PostmortemTimeline entries={postmortem.facts.timeline} />
              </Grid>
            </Grid>
          </Grid>
        </Grid>
        <EditPostmortemDialog
          postmortem={postmortem}
          open={editing}
          onClose={() => setEditing(false)}
          onSave={changes =>
            thenReload(() => api.updatePostmortem(postmortem.id, changes))
          }
        />
        <ReopenDialog
          open={reopening}
          reference={postmortem.reference}
          onClose={() => setReopening(false)}
          onReopen={reason =>
            thenReload(() => api.reopenPostmortem(postmortem.id, reason))
          }
        />
      </Content>
    </Page>
  );
};
