/** `action_id`s of the bot's buttons; the interaction handler dispatches on them. */
export const ACTIONS = {
  acknowledgeReport: 'multivac.report.acknowledge',
  startIncident: 'multivac.report.start',
  resolveIncident: 'multivac.incident.resolve',
  writePostmortem: 'multivac.incident.postmortem',
} as const;

/** `callback_id` of the report modal, to recognise its `view_submission`. */
export const REPORT_MODAL_CALLBACK_ID = 'multivac.report';
