import { AuthService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { UserEntity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PHONE,
  ANNOTATION_SLACK_USER_ID,
  OnCallPerson,
  displayNameOf,
} from '@multivac/plugin-multivac-common';

/**
 * Contact details of catalog users: name and email from the User entity,
 * phone from its `multivac.io/phone` annotation or from
 * `multivac.onCall.contacts`, Slack id from `slack.com/user-id`.
 */
export class PeopleDirectory {
  static fromConfig(
    config: Config,
    deps: { catalog: CatalogService; auth: AuthService },
  ): PeopleDirectory {
    const phones = new Map<string, string>();
    for (const contact of config.getOptionalConfigArray(
      'multivac.onCall.contacts',
    ) ?? []) {
      phones.set(contact.getString('user'), contact.getString('phone'));
    }
    return new PeopleDirectory(deps.catalog, deps.auth, phones);
  }

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly configuredPhones: Map<string, string> = new Map(),
  ) {}

  /** Details for each ref, in order; unknown users keep their ref as name. */
  async lookup(userRefs: string[]): Promise<Map<string, OnCallPerson>> {
    const refs = [...new Set(userRefs)];
    const people = new Map<string, OnCallPerson>();
    if (refs.length === 0) {
      return people;
    }
    const { items } = await this.catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: [
          'kind',
          'metadata.name',
          'metadata.annotations',
          'spec.profile',
        ],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    refs.forEach((ref, i) => {
      const user = items[i] as UserEntity | undefined;
      const annotations = user?.metadata.annotations ?? {};
      people.set(ref, {
        userRef: ref,
        name: displayNameOf(user, ref),
        email: user?.spec?.profile?.email,
        phone: annotations[ANNOTATION_PHONE] ?? this.configuredPhones.get(ref),
        slackUserId: annotations[ANNOTATION_SLACK_USER_ID],
      });
    });
    return people;
  }
}
