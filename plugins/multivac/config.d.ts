export interface Config {
  multivac?: {
    pagerDuty?: {
      /**
       * The PagerDuty web address of the default account, e.g.
       * `https://nimbus.pagerduty.com`: a Schedule entity's PagerDuty card
       * links the schedule, escalation policy and services it keeps there.
       * Without it (and for schedules of other accounts) the ids are shown
       * without links.
       * @visibility frontend
       */
      webUrl?: string;
    };
  };
}
