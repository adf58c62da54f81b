import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { pageAcknowledgePermission } from '@multivac/plugin-multivac-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockMultivacApi } from '../../__testUtils__/fixtures';
import { renderWithMultivac } from '../../__testUtils__/render';
import {
  AcknowledgeDecisionsProvider,
  AcknowledgePageButton,
} from './AcknowledgePageButton';

describe('AcknowledgePageButton', () => {
  it("asks the policy about this page and acknowledges it when allowed, or stays disabled for someone else's page", async () => {
    const api = mockMultivacApi();
    const onDone = jest.fn();
    const asked: Array<{ name: string; resourceRef?: string }> = [];
    await renderWithMultivac(
      <>
        <AcknowledgePageButton pageId="page-mine" onDone={onDone} />
        <AcknowledgePageButton pageId="page-theirs" onDone={onDone} />
      </>,
      {
        api,
        permission: request => {
          asked.push({
            name: request.permission.name,
            resourceRef: (request as { resourceRef?: string }).resourceRef,
          });
          return (request as { resourceRef?: string }).resourceRef ===
            'page-mine'
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY;
        },
      },
    );

    const [mine, theirs] = await screen.findAllByRole('button', {
      name: 'Acknowledge',
    });
    expect(asked).toEqual(
      expect.arrayContaining([
        { name: pageAcknowledgePermission.name, resourceRef: 'page-mine' },
        { name: pageAcknowledgePermission.name, resourceRef: 'page-theirs' },
      ]),
    );
    expect(theirs).toBeDisabled();
    expect(mine).toBeEnabled();

    await userEvent.click(mine);
    expect(api.acknowledgePage).toHaveBeenCalledWith('page-mine');
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it('takes the decisions a view loaded with its pages, without asking the permission API', async () => {
    const api = mockMultivacApi();
    const permission = jest.fn(() => AuthorizeResult.ALLOW);
    await renderWithMultivac(
      <AcknowledgeDecisionsProvider pageIds={['page-mine']}>
        <AcknowledgePageButton pageId="page-mine" onDone={jest.fn()} />
        <AcknowledgePageButton pageId="page-theirs" onDone={jest.fn()} />
      </AcknowledgeDecisionsProvider>,
      { api, permission },
    );
    const [mine, theirs] = await screen.findAllByRole('button', {
      name: 'Acknowledge',
    });
    expect(mine).toBeEnabled();
    expect(theirs).toBeDisabled();
    expect(permission).not.toHaveBeenCalled();
    await userEvent.click(mine);
    expect(api.acknowledgePage).toHaveBeenCalledWith('page-mine');
  });
});
