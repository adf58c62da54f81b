/** `action_id`s of the bot's buttons; the interaction handler dispatches on them. */
export const ACTIONS = {
  acknowledgeReport: 'multivac.report.acknowledge',
  startIncident: 'multivac.report.start',
  resolveIncident: 'multivac.incident.resolve',
  writePostmortem: 'multivac.incident.postmortem',
  acknowledgeAlertGroup: 'multivac.alert-group.acknowledge',
  startAlertIncident: 'multivac.alert-group.start',
} as const;

/** `callback_id` of the report modal, to recognise its `view_submission`. */
export const REPORT_MODAL_CALLBACK_ID = 'multivac.report';

/** The bot's reactions to a command typed in a channel: ran, or not understood. */
export const COMMAND_REACTIONS = {
  done: 'white_check_mark',
  unknown: 'question',
} as const;
