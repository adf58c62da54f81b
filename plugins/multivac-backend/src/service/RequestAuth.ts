import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { Request } from 'express';
import { IncidentActor } from '../incidents/IncidentService';

/** Sign-in and permission checks shared by the plugin's routes. */
export class RequestAuth {
  constructor(
    private readonly auth: AuthService,
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
  ) {}

  /** The caller's credentials if the policy allows `permission`, else 403. */
  async authorize(
    req: Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await this.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You are not allowed to ${permission.name}`);
    }
    return credentials;
  }

  isUser(credentials: BackstageCredentials): boolean {
    return this.auth.isPrincipal(credentials, 'user');
  }

  /** The caller as the incident rules see it. */
  incidentActor(credentials: BackstageCredentials): IncidentActor {
    return {
      ref: this.actorOf(credentials),
      isUser: this.isUser(credentials),
      credentials,
    };
  }

  /** Who is acting: the user's entity ref, or the calling service's subject. */
  actorOf(credentials: BackstageCredentials): string {
    if (this.auth.isPrincipal(credentials, 'user')) {
      return credentials.principal.userEntityRef;
    }
    if (this.auth.isPrincipal(credentials, 'service')) {
      return `service:${credentials.principal.subject}`;
    }
    return 'unknown';
  }
}
