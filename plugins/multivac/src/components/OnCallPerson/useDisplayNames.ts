import { useApiHolder } from '@backstage/core-plugin-api';
import { entityPresentationApiRef } from '@backstage/plugin-catalog-react';
import { actorName } from '@multivac/plugin-multivac-common';
import { useCallback } from 'react';
import useAsync from 'react-use/esm/useAsync';

/**
 * Names people and entities by their refs as the catalog presents them (a
 * User's `spec.profile.displayName`, an entity's title), through the app's
 * entity presentation API; services (`service:multivac`) by their product
 * name. Until the catalog answers, and without a presentation API, a ref is
 * named by its short name.
 */
export function useDisplayNames(refs: string[]): (ref: string) => string {
  const presentation = useApiHolder().get(entityPresentationApiRef);
  const entityRefs = [
    ...new Set(refs.filter(ref => ref && !ref.startsWith('service:'))),
  ].sort();
  const { value: names } = useAsync(async () => {
    const found = new Map<string, string>();
    if (!presentation) {
      return found;
    }
    await Promise.all(
      entityRefs.map(async ref => {
        try {
          const { primaryTitle } = await presentation.forEntity(ref).promise;
          found.set(ref, primaryTitle);
        } catch {
          // Not a ref the catalog knows how to present: its short name.
        }
      }),
    );
    return found;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [presentation, entityRefs.join(' ')]);
  return useCallback(
    (ref: string) => names?.get(ref) ?? actorName(ref),
    [names],
  );
}

/** Entity refs and service actors written out in a text. */
const REFS_IN_TEXT = /\b(?:user|group|service):[\w.-]+(?:\/[\w.-]+)?/gi;

/** The refs written out in `text`, e.g. "acknowledged by user:default/ada". */
export function refsInText(text: string): string[] {
  return text.match(REFS_IN_TEXT) ?? [];
}

/**
 * `text` with the people and services written out in it by ref named as
 * `nameOf` names them: "acknowledged by user:default/ada.lovelace" reads
 * "acknowledged by Ada Lovelace".
 */
export function nameRefsIn(text: string, nameOf: (ref: string) => string) {
  return text.replace(REFS_IN_TEXT, ref => nameOf(ref));
}
