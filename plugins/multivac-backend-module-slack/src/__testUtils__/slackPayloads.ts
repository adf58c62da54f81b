/*
 * Payloads as Slack sends them (trimmed), for tests and the benchmark.
 */

/** The form fields of `/multivac declare payments down` in #incidents. */
export function slashCommand(
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: 'T0001',
    team_domain: 'nimbus',
    channel_id: 'C2147483705',
    channel_name: 'incidents',
    user_id: 'U2147483697',
    user_name: 'ada.lovelace',
    command: '/multivac',
    text: 'declare payments down',
    api_app_id: 'A123456',
    response_url: 'https://hooks.slack.com/commands/T0001/1234/abcd',
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    ...overrides,
  };
}

/** A click on the "Acknowledge" button of a message in #incidents. */
export function blockActions(overrides: Record<string, unknown> = {}) {
  return {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'nimbus' },
    user: { id: 'U2147483697', username: 'ada.lovelace' },
    api_app_id: 'A123456',
    trigger_id: '12466734323.1395872398.ac5c6e2d9bd0',
    container: {
      type: 'message',
      message_ts: '1548261231.000200',
      channel_id: 'C2147483705',
      is_ephemeral: false,
    },
    channel: { id: 'C2147483705', name: 'incidents' },
    message: { ts: '1548261231.000200', text: 'SEV2 payments down' },
    response_url: 'https://hooks.slack.com/actions/T0001/1234/abcd',
    actions: [
      {
        type: 'button',
        action_id: 'acknowledge',
        block_id: 'incident-actions',
        value: 'incident-42',
        action_ts: '1548426417.840180',
      },
    ],
    ...overrides,
  };
}

/** The "Declare incident" modal submitted. */
export function viewSubmission(overrides: Record<string, unknown> = {}) {
  return {
    type: 'view_submission',
    team: { id: 'T0001', domain: 'nimbus' },
    user: { id: 'U2147483697', username: 'ada.lovelace' },
    api_app_id: 'A123456',
    trigger_id: '12466734323.1395872398.bd0ac5c6e2d9',
    view: {
      id: 'VNHU13V36',
      type: 'modal',
      callback_id: 'declare-incident',
      hash: '156663117.cd33ad1f',
      private_metadata: '{"channel":"C2147483705"}',
      state: {
        values: {
          summary: {
            summary: { type: 'plain_text_input', value: 'Payments down' },
          },
          severity: {
            severity: {
              type: 'static_select',
              selected_option: { value: 'SEV2' },
            },
          },
        },
      },
    },
    ...overrides,
  };
}

/** The report modal as a reporter filled it in: `view.state.values`. */
export function reportModalValues(overrides: Record<string, unknown> = {}) {
  return {
    title: {
      title: { type: 'plain_text_input', value: 'Card payments fail' },
    },
    description: {
      description: {
        type: 'plain_text_input',
        value: 'Every card is declined',
      },
    },
    entity: { entity: { type: 'plain_text_input', value: 'payments-api' } },
    usersAffected: {
      usersAffected: {
        type: 'static_select',
        selected_option: { value: 'thousands' },
      },
    },
    scope: {
      scope: {
        type: 'static_select',
        selected_option: { value: 'global' },
      },
    },
    customerFacing: {
      customerFacing: {
        type: 'radio_buttons',
        selected_option: { value: 'yes' },
      },
    },
    ...overrides,
  };
}

/** An Events API envelope around `event`. */
export function eventCallback(
  event: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
) {
  return {
    token: 'XXYYZZ',
    team_id: 'T0001',
    api_app_id: 'A123456',
    type: 'event_callback',
    event_id: 'Ev08MFMKH6',
    event_time: 1_515_449_522,
    authed_users: ['U0BOT'],
    event,
    ...overrides,
  };
}

/** "@Multivac status" in #incidents. */
export function appMention(overrides: Record<string, unknown> = {}) {
  return {
    type: 'app_mention',
    user: 'U2147483697',
    text: '<@U0BOT> status',
    ts: '1515449522.000016',
    channel: 'C2147483705',
    event_ts: '1515449522000016',
    ...overrides,
  };
}

/** Ada reacting with :pushpin: to a message in #incidents. */
export function reactionAdded(overrides: Record<string, unknown> = {}) {
  return {
    type: 'reaction_added',
    user: 'U2147483697',
    reaction: 'pushpin',
    item_user: 'U0G9QF9C6',
    item: { type: 'message', channel: 'C2147483705', ts: '1360782400.498405' },
    event_ts: '1360782804.083113',
    ...overrides,
  };
}

/** Ada pinning a message in #incidents. */
export function pinAdded(overrides: Record<string, unknown> = {}) {
  return {
    type: 'pin_added',
    user: 'U2147483697',
    channel_id: 'C2147483705',
    item: {
      type: 'message',
      channel: 'C2147483705',
      created: 1360782804,
      created_by: 'U2147483697',
      message: {
        type: 'message',
        user: 'U0G9QF9C6',
        text: 'Rolling back to v41 now',
        ts: '1360782400.498405',
        permalink:
          'https://nimbus.slack.com/archives/C2147483705/p1360782400498405',
        pinned_to: ['C2147483705'],
      },
    },
    event_ts: '1360782804.083113',
    ...overrides,
  };
}
