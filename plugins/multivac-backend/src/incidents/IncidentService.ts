import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  Incident,
  IncidentRole,
  IncidentStatus,
  TimelineEvent,
} from '@multivac/plugin-multivac-common';
import {
  DeclareOptions,
  IncidentChanges,
  IncidentFilter,
  IncidentStore,
  NewIncident,
  RoleChange,
} from '../database/IncidentStore';
import { CatalogEntities } from '../service/CatalogEntities';
import { IncidentPaging } from './IncidentPaging';

/** Who acts on an incident. */
export interface IncidentActor {
  /** `user:default/ada`, or `service:<subject>` for a backend service. */
  ref: string;
  /** Users become the controller of the incidents they declare. */
  isUser: boolean;
  /**
   * Whose view of the catalog checks the entities named; default: the
   * plugin's own (chat modules have checked the user's permission already).
   */
  credentials?: BackstageCredentials;
}

/**
 * The rules of incidents, whoever asks: the REST routes, chat modules,
 * reports and pages all go through here, never to the store directly.
 * Affected entities and role holders must exist in the catalog; whoever
 * declares an incident (a user) becomes its controller; every change is
 * recorded on the timeline with its actor (by the store).
 */
export class IncidentService {
  constructor(
    private readonly options: {
      store: IncidentStore;
      entities: CatalogEntities;
      auth: AuthService;
      /** Pages the on-call of a declared incident (see IncidentPaging). */
      paging?: Pick<IncidentPaging, 'declared'>;
    },
  ) {}

  /**
   * `roles` are given besides the declarer's controller role (the reporter
   * and responder of a report); `andThen` runs in the declaring transaction,
   * which also records the paging of the on-call (by the severity policy).
   */
  async declare(
    input: NewIncident,
    actor: IncidentActor,
    options: DeclareOptions = {},
  ): Promise<Incident> {
    const entityRefs = await this.options.entities.requireExisting(
      input.entityRefs,
      await this.credentialsOf(actor),
    );
    const roles: Array<{ role: IncidentRole; userRef: string }> = [
      ...(actor.isUser
        ? [{ role: 'controller' as const, userRef: actor.ref }]
        : []),
      ...(options.roles ?? []),
    ];
    return this.options.store.createIncident(
      { ...input, entityRefs },
      actor.ref,
      {
        ...options,
        roles,
        andThen: async (tx, incidentId) => {
          await options.andThen?.(tx, incidentId);
          await this.options.paging?.declared(tx, incidentId);
        },
      },
    );
  }

  /** By id or reference (`INC-7`); undefined when there is none. */
  find(idOrReference: string): Promise<Incident | undefined> {
    return this.options.store.getIncident(idOrReference);
  }

  /** By id or reference (`INC-7`); 404 when there is none. */
  async get(idOrReference: string): Promise<Incident> {
    const incident = await this.find(idOrReference);
    if (!incident) {
      throw new NotFoundError(`No incident ${idOrReference}`);
    }
    return incident;
  }

  /**
   * Newest first. `entityRefs` also match what they own (Groups) or contain
   * (Systems, Domains), so that a team sees its services' incidents.
   */
  async list(
    filter: IncidentFilter,
  ): Promise<{ items: Incident[]; totalCount: number }> {
    return this.options.store.listIncidents({
      ...filter,
      entityRefs: filter.entityRefs
        ? await this.options.entities.withOwnedAndContained(filter.entityRefs)
        : undefined,
    });
  }

  async update(
    idOrReference: string,
    changes: IncidentChanges,
    actor: IncidentActor,
  ): Promise<Incident> {
    const incident = await this.get(idOrReference);
    const entityRefs = changes.entityRefs
      ? await this.options.entities.requireExisting(
          changes.entityRefs,
          await this.credentialsOf(actor),
        )
      : undefined;
    return this.options.store.updateIncident(
      incident.id,
      { ...changes, entityRefs },
      actor.ref,
    );
  }

  /** Moves the incident through its state machine (409 when not allowed). */
  async transition(
    idOrReference: string,
    to: IncidentStatus,
    actor: IncidentActor,
    note?: string,
  ): Promise<Incident> {
    const incident = await this.get(idOrReference);
    return this.options.store.transitionIncident(
      incident.id,
      to,
      actor.ref,
      note,
    );
  }

  /** The user (`ada` or `user:default/ada`) must exist in the catalog. */
  async changeRole(
    idOrReference: string,
    change: RoleChange,
    actor: IncidentActor,
  ): Promise<Incident> {
    const incident = await this.get(idOrReference);
    const [userRef] = await this.options.entities.requireExisting(
      [
        change.userRef.includes(':')
          ? change.userRef
          : `user:${change.userRef}`,
      ],
      await this.credentialsOf(actor),
    );
    return this.options.store.changeRole(
      incident.id,
      { ...change, userRef },
      actor.ref,
    );
  }

  async addNote(
    idOrReference: string,
    text: string,
    actor: IncidentActor,
  ): Promise<TimelineEvent> {
    const incident = await this.get(idOrReference);
    return this.options.store.addNote(incident.id, text, actor.ref);
  }

  async timeline(idOrReference: string): Promise<TimelineEvent[]> {
    const incident = await this.get(idOrReference);
    return this.options.store.getTimeline(incident.id);
  }

  private async credentialsOf(
    actor: IncidentActor,
  ): Promise<BackstageCredentials> {
    return actor.credentials ?? this.options.auth.getOwnServiceCredentials();
  }
}
