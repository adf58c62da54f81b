import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { actorName } from '@multivac/plugin-multivac-common';

/**
 * Who did something: a catalog user or group by display name, linked to
 * their catalog page; a service actor by its product name
 * (`service:multivac` is "Multivac"); anything else as given.
 */
export const ActorName = ({ actor }: { actor: string }) =>
  /^(user|group):/i.test(actor) ? (
    <EntityRefLink entityRef={actor} defaultKind="user" />
  ) : (
    <span>{actorName(actor)}</span>
  );
