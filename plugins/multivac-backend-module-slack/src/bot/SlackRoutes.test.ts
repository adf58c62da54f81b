import { eventRoute, SlackRoute, SlackRoutes } from './SlackRoutes';

const handled = async () => undefined;
const route = (
  kind: 'command' | 'action',
  id: string | RegExp,
): SlackRoute => ({
  kind,
  id,
  handle: handled,
});

describe('SlackRoutes', () => {
  it('finds a route by kind and exact id, before the patterns', () => {
    const acknowledge = route('action', 'multivac.report.acknowledge');
    const anyReport = route('action', /^multivac\.report\./);
    const command = route('command', '/multivac');
    const routes = new SlackRoutes([anyReport, acknowledge, command]);

    expect(routes.find('action', 'multivac.report.acknowledge')).toBe(
      acknowledge,
    );
    expect(routes.find('action', 'multivac.report.start')).toBe(anyReport);
    expect(routes.find('command', '/multivac')).toBe(command);
    expect(routes.find('action', '/multivac')).toBeUndefined();
    expect(routes.find('command', '/incident')).toBeUndefined();
  });

  it('refuses a second route for the same kind and id or pattern', () => {
    const routes = new SlackRoutes([
      route('action', 'multivac.report.start'),
      route('action', /^multivac\./),
    ]);

    expect(() => routes.add(route('action', 'multivac.report.start'))).toThrow(
      expect.objectContaining({
        name: 'ConflictError',
        message:
          'A Slack action route for multivac.report.start is already registered',
      }),
    );
    expect(() => routes.add(route('action', /^multivac\./))).toThrow(
      'A Slack action route for /^multivac\\./ is already registered',
    );
    // The same id in another kind, or another pattern, is another route.
    routes.add(route('command', 'multivac.report.start'));
    routes.add(route('action', /^multivac\./i));
  });

  it('hands an event route the event of its type', async () => {
    const seen: string[] = [];
    const routes = new SlackRoutes([
      eventRoute('reaction_added', async event => {
        seen.push(`${event.user} reacted with ${event.reaction}`);
      }),
    ]);

    await routes.find('event', 'reaction_added')?.handle(
      {
        type: 'reaction_added',
        user: 'U0ADA',
        reaction: 'pushpin',
        item: { type: 'message', channel: 'C1', ts: '1.2' },
        event_ts: '1.3',
      },
      {
        workflow: {} as never,
        audience: { slackUserId: 'U0ADA' },
        dedupKey: 'Ev1',
      },
    );

    expect(seen).toEqual(['U0ADA reacted with pushpin']);
  });
});
