import { mockServices } from '@backstage/backend-test-utils';
import { SocketModeClient } from '@slack/socket-mode';
import { EventEmitter } from 'node:events';
import {
  appMention,
  blockActions,
  eventCallback,
  slashCommand,
} from '../__testUtils__/slackPayloads';
import {
  createSocketModeClient,
  listenToSocketMode,
  SocketModeEnvelope,
} from './socketMode';
import { SlackAck, SlackDelivery } from './types';

/** Lets the listener's promises settle. */
const settled = () => new Promise(resolve => setImmediate(resolve));

describe('listenToSocketMode', () => {
  let receive: jest.Mock<Promise<SlackAck>, [SlackDelivery]>;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let client: EventEmitter;

  beforeEach(() => {
    receive = jest.fn<Promise<SlackAck>, [SlackDelivery]>();
    receive.mockResolvedValue(undefined);
    logger = mockServices.logger.mock();
    client = new EventEmitter();
    listenToSocketMode({ client, inbox: { receive }, logger });
  });

  /** Emits an envelope as the client does; returns its ack mock. */
  async function emit(envelope: Omit<SocketModeEnvelope, 'ack'>) {
    const ack = jest.fn<Promise<void>, [SlackAck]>();
    ack.mockResolvedValue();
    client.emit('slack_event', { ...envelope, ack });
    await settled();
    return ack;
  }

  it('acknowledges a slash command with the ack of the inbox', async () => {
    receive.mockResolvedValue({ text: 'Declaring the incident…' });

    const ack = await emit({ type: 'slash_commands', body: slashCommand() });

    expect(receive).toHaveBeenCalledWith({
      kind: 'command',
      dedupKey: '13345224609.738474920.8088930838d88f008e0',
      command: expect.objectContaining({ text: 'declare payments down' }),
    });
    expect(ack).toHaveBeenCalledWith({ text: 'Declaring the incident…' });
  });

  it('hands interactions on as the HTTP route does', async () => {
    const ack = await emit({ type: 'interactive', body: blockActions() });

    expect(receive).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 'interaction',
        dedupKey: '12466734323.1395872398.ac5c6e2d9bd0',
      }),
    );
    expect(ack).toHaveBeenCalledWith(undefined);
  });

  it('passes retries of events on, and first deliveries without retry', async () => {
    await emit({
      type: 'events_api',
      body: eventCallback(appMention()),
      retry_num: 0,
      retry_reason: '',
    });
    await emit({
      type: 'events_api',
      body: eventCallback(appMention()),
      retry_num: 1,
      retry_reason: 'timeout',
    });

    expect(receive.mock.calls.map(([delivery]) => delivery)).toEqual([
      {
        kind: 'event',
        dedupKey: 'Ev08MFMKH6',
        event: expect.anything(),
        teamId: 'T0001',
      },
      {
        kind: 'event',
        dedupKey: 'Ev08MFMKH6',
        event: expect.anything(),
        retryNum: 1,
        retryReason: 'timeout',
        teamId: 'T0001',
      },
    ]);
  });

  it('acknowledges a malformed envelope without handing it on', async () => {
    const { user_id: _, ...fields } = slashCommand();

    const ack = await emit({ type: 'slash_commands', body: fields });

    expect(ack).toHaveBeenCalledWith(undefined);
    expect(receive).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      'Slack slash_commands over Socket Mode: Slack slash command is malformed (user_id: Required)',
    );
  });

  it('does not acknowledge what the inbox failed to record, so that Slack redelivers it', async () => {
    receive.mockRejectedValue(new Error('database is locked'));

    const ack = await emit({
      type: 'events_api',
      body: eventCallback(appMention()),
    });

    expect(ack).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      'Slack events_api over Socket Mode not recorded, not acknowledged: Error: database is locked',
    );
  });

  it('acknowledges and logs envelope types it does not handle', async () => {
    const ack = await emit({ type: 'workflow_step', body: {} });

    expect(ack).toHaveBeenCalledWith(undefined);
    expect(logger.info).toHaveBeenCalledWith(
      'Ignored Slack Socket Mode workflow_step',
    );
  });
});

describe('createSocketModeClient', () => {
  it('reads the envelopes of the real client as Slack sends them', async () => {
    const receive = jest.fn<Promise<SlackAck>, [SlackDelivery]>();
    receive.mockResolvedValue({ text: 'On it' });
    const logger = mockServices.logger.mock();
    const client = createSocketModeClient({
      appToken: 'xapp-1-A123456-1-abc',
      apiUrl: 'http://127.0.0.1:1/api/',
      logger,
    });
    // A WebSocket that is open and keeps what the client sends.
    const sent: unknown[] = [];
    client.websocket = {
      isActive: () => true,
      readyState: 1,
      send(data: string, callback: (error?: Error) => void) {
        sent.push(JSON.parse(data));
        callback();
      },
    } as unknown as SocketModeClient['websocket'];
    listenToSocketMode({ client, inbox: { receive }, logger });

    // What the WebSocket hands the client for each message from Slack.
    client.emit(
      'ws_message',
      Buffer.from(
        JSON.stringify({
          envelope_id: '57d6a792-4d35-4d0b-b6aa-3361493e1caf',
          type: 'slash_commands',
          payload: slashCommand(),
          accepts_response_payload: true,
        }),
      ),
      false,
    );
    await settled();

    expect(receive).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'command' }),
    );
    expect(sent).toEqual([
      {
        envelope_id: '57d6a792-4d35-4d0b-b6aa-3361493e1caf',
        payload: { text: 'On it' },
      },
    ]);
  });
});
