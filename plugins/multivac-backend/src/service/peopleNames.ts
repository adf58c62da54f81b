import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { actorName, displayNameOf } from '@multivac/plugin-multivac-common';

/** Names a ref to people: "Ada Lovelace" for `user:default/ada.lovelace`. */
export type NameOf = (ref: string) => string;

/**
 * Names for the people mentioned by these refs, for the text the backend
 * writes (review blockers, errors, the Markdown export).
 */
export type PeopleNames = (refs: string[]) => Promise<NameOf>;

/** Without the catalog: services by product name, refs by short name. */
export const shortNames: PeopleNames = async () => actorName;

const PERSON_REF = /^(user|group):/i;

/**
 * People (Users, Groups) and services written out by ref in a text. A name
 * may hold dots, but a dot that ends it ends the sentence.
 */
const REFS_IN_TEXT =
  /\b(?:user|group|service):[\w-]+(?:\.[\w-]+)*(?:\/[\w-]+(?:\.[\w-]+)*)?/gi;

/** The refs written out in `text` ("acknowledged by user:default/ken"). */
export function refsInText(text: string): string[] {
  return text.match(REFS_IN_TEXT) ?? [];
}

/** `text` with the refs written out in it named by `nameOf`. */
export function nameRefsIn(text: string, nameOf: NameOf): string {
  return text.replace(REFS_IN_TEXT, ref => nameOf(ref));
}

/**
 * People by their catalog display name (`displayNameOf`: a User's
 * `spec.profile.displayName`, else the entity's title or name), as the
 * portal, Slack and the shell name them; services by product name
 * (`actorName`). A ref the catalog does not have keeps its short name.
 */
export function catalogNames(
  catalog: CatalogService,
  auth: AuthService,
): PeopleNames {
  return async refs => {
    const people = [...new Set(refs.filter(ref => PERSON_REF.test(ref)))];
    const names = new Map<string, string>();
    if (people.length > 0) {
      const { items } = await catalog.getEntitiesByRefs(
        {
          entityRefs: people,
          fields: ['kind', 'metadata.name', 'metadata.title', 'spec.profile'],
        },
        { credentials: await auth.getOwnServiceCredentials() },
      );
      people.forEach((ref, i) =>
        names.set(ref, displayNameOf(items[i] ?? undefined, ref)),
      );
    }
    return ref => names.get(ref) ?? actorName(ref);
  };
}
