import { WorkflowBadNight } from '@multivac/plugin-multivac-node';
import { escapeMrkdwn } from '../messages/mrkdwn';
import { personText, SlackPeople } from '../messages/people';

/** "a", "a or b", "a, b or c" (and with `and`). */
function list(items: string[], word: 'and' | 'or'): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

function times(n: number): string {
  if (n === 1) {
    return 'once';
  }
  return n === 2 ? 'twice' : `${n} times`;
}

function percent(share: number | null): string {
  return `${Math.round((share ?? 0) * 100)}%`;
}

/**
 * The nudge to a team lead after one of their people's bad night, in plain
 * words: who was woken how often and when (in their zone), by which
 * services' pages, and who on the schedule carried the least load and
 * could cover tonight. People by Slack mention where known, else by name.
 */
export function burnoutNudgeText(
  night: WorkflowBadNight,
  people: SlackPeople,
): string {
  const person = (ref: string, name: string) =>
    personText(ref, {
      slackIds: people.slackIds,
      names: { [ref]: name, ...people.names },
    });
  const clock = list(
    night.interruptions.map(i => i.localTime),
    'and',
  );
  const services = list(
    [...new Set(night.interruptions.map(i => i.entityName))].map(escapeMrkdwn),
    'and',
  );
  const schedule = escapeMrkdwn(night.schedule.name);
  const woken =
    `:zzz: ${person(night.userRef, night.name)} was woken ${times(
      night.interruptions.length,
    )} last night (${clock}, ${escapeMrkdwn(night.timeZone)} time) ` +
    `by ${services} pages, on call for ${schedule}.`;
  if (night.cover.length === 0) {
    return `${woken}\nNobody else is on ${schedule} to cover tonight.`;
  }
  const cover = night.cover.map(c => person(c.userRef, c.name));
  const figures = night.cover
    .map(
      (c, i) =>
        `${cover[i]} ${percent(c.interruptionsShare)} of its interruptions in ${
          Math.round(c.hours * 10) / 10
        } hours on call`,
    )
    .join(', ');
  const days = Math.round(
    (Date.parse(night.coverPeriod.to) - Date.parse(night.coverPeriod.from)) /
      86_400_000,
  );
  return (
    `${woken}\n${list(cover, 'or')} carried the least on-call load on ` +
    `${schedule} over the last ${days} days (${figures}) and could cover tonight.`
  );
}
