import { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

const kindOf = (ref: string) => {
  try {
    return parseEntityRef(ref).kind;
  } catch {
    return undefined;
  }
};

/**
 * The default reviewers of a post-mortem: the members of the Groups that own
 * the incident's entities (and Users who own one themselves), in the order
 * the entities and their members come, at most `max`.
 */
export async function owningTeamMembers(
  catalog: CatalogService,
  auth: AuthService,
  entityRefs: string[],
  max: number,
): Promise<string[]> {
  if (entityRefs.length === 0 || max === 0) {
    return [];
  }
  const credentials = await auth.getOwnServiceCredentials();
  const relationsOf = async (refs: string[]) =>
    (
      await catalog.getEntitiesByRefs(
        { entityRefs: refs, fields: ['relations'] },
        { credentials },
      )
    ).items.map(entity => entity?.relations ?? []);
  const owners = [
    ...new Set(
      (await relationsOf([...new Set(entityRefs)])).flatMap(relations =>
        relations.filter(r => r.type === 'ownedBy').map(r => r.targetRef),
      ),
    ),
  ];
  const groups = owners.filter(ref => kindOf(ref) === 'group');
  const members = groups.length
    ? (await relationsOf(groups)).flatMap(relations =>
        relations.filter(r => r.type === 'hasMember').map(r => r.targetRef),
      )
    : [];
  const users = [
    ...owners.filter(ref => kindOf(ref) === 'user'),
    ...members.filter(ref => kindOf(ref) === 'user'),
  ];
  return [...new Set(users)].slice(0, max);
}
