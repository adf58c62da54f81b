import { screen, within } from '@testing-library/react';
import { Settings } from 'luxon';
import { anEvent } from '../../__testUtils__/fixtures';
import {
  aUser,
  withEntityPresentation,
} from '../../__testUtils__/entityPresentation';
import { renderWithMultivac } from '../../__testUtils__/render';
import { IncidentTimeline } from './IncidentTimeline';

const people = [
  aUser('ada.lovelace', 'Ada Lovelace'),
  aUser('alan.turing', 'Alan Turing'),
];

describe('IncidentTimeline', () => {
  const savedZone = Settings.defaultZone;
  beforeEach(() => {
    Settings.defaultZone = 'UTC';
  });
  afterEach(() => {
    Settings.defaultZone = savedZone;
  });

  it('names people by display name and the system actor as Multivac', async () => {
    await renderWithMultivac(
      withEntityPresentation(
        <IncidentTimeline
          events={[
            anEvent('role_assigned', {
              role: 'controller',
              userRef: 'user:default/ada.lovelace',
            }),
            {
              ...anEvent(
                'role_assigned',
                {
                  role: 'responder',
                  userRef: 'user:default/alan.turing',
                },
                '2',
              ),
              actor: 'service:multivac',
            },
          ]}
          onAddNote={async () => {}}
        />,
        people,
      ),
    );

    const items = within(
      screen.getByRole('list', { name: 'timeline' }),
    ).getAllByRole('listitem');
    expect(
      await within(items[0]).findByText(/made Ada Lovelace controller/),
    ).toBeInTheDocument();
    expect(items[0]).toHaveTextContent(
      /^Ada Lovelace made Ada Lovelace controller/,
    );
    expect(items[1]).toHaveTextContent(/^Multivac made Alan Turing responder/);
    expect(
      screen.queryByText(/user:default|service:|ada\.lovelace/),
    ).toBeNull();
  });
});
