import { parseEntityRef } from '@backstage/catalog-model';
import { escapeMrkdwn } from '../messages';

/**
 * The core refuses an unknown entity as `entityRefs: unknown catalog entity:
 * component:default/paymnets-api. Did you mean payments-api?`; in chat that
 * reads as people talk.
 */
const UNKNOWN_ENTITY =
  /^[\w.]+: unknown catalog entity: (\S+?)(?:\. Did you mean (\S+)\?)?$/;

const KIND_WORDS: Record<string, string> = {
  component: 'service',
  group: 'team',
  user: 'person',
};

/**
 * A refusal for the person who typed a command: "No service named
 * paymnets-api. Did you mean `payments-api`?" for an unknown entity; any
 * other message as it is.
 */
export function chatRefusal(message: string): string {
  const match = UNKNOWN_ENTITY.exec(message);
  if (!match) {
    return message;
  }
  let kind: string;
  let name: string;
  try {
    ({ kind, name } = parseEntityRef(match[1]));
  } catch {
    return message;
  }
  const meant = match[2] ? ` Did you mean \`${escapeMrkdwn(match[2])}\`?` : '';
  return `No ${KIND_WORDS[kind] ?? kind} named ${escapeMrkdwn(name)}.${meant}`;
}
