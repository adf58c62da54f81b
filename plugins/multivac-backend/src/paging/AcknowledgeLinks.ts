import { DiscoveryService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { utcTime } from './readable';

/** Where the links point: GET shows a confirmation, POST acknowledges. */
export const ACKNOWLEDGE_PATH = '/paging/acknowledge';

/** Bounds the token read from a request before any work is done on it. */
export const MAX_TOKEN_LENGTH = 2048;

const CONFIG_KEY = 'multivac.paging.acknowledgeLinks';
const DEFAULT_VALID_HOURS = 24;
const MAX_VALID_HOURS = 24 * 30;
/**
 * Keys are derived for this one purpose, and the purpose is signed too, so
 * a link cannot be replayed as any other token made from the same secret.
 */
const PURPOSE = 'multivac.paging.acknowledge-link.v1';

/** What an acknowledge link lets its holder do: acknowledge one page as one person. */
export interface AcknowledgeClaims {
  pageId: string;
  userRef: string;
}

/**
 * Signed links that acknowledge one page as the person it was sent to,
 * without signing in: HMAC-SHA256 over the page, the person and the expiry,
 * with a key from `multivac.paging.acknowledgeLinks.secret` or else derived
 * from the backend's own secret (`backend.auth.keys`).
 */
export class AcknowledgeLinks {
  static fromConfig(
    config: Config,
    deps: { discovery: DiscoveryService },
  ): AcknowledgeLinks {
    const section = config.getOptionalConfig(CONFIG_KEY);
    const validHours =
      section?.getOptionalNumber('validHours') ?? DEFAULT_VALID_HOURS;
    if (
      !Number.isInteger(validHours) ||
      validHours < 1 ||
      validHours > MAX_VALID_HOURS
    ) {
      throw new Error(
        `${CONFIG_KEY}.validHours must be a whole number of hours from 1 to ${MAX_VALID_HOURS}, got ${validHours}`,
      );
    }
    const secret = section?.getOptionalString('secret');
    if (secret !== undefined && secret.length < 16) {
      throw new Error(
        `${CONFIG_KEY}.secret must be at least 16 characters long`,
      );
    }
    const backendSecret = config
      .getOptionalConfigArray('backend.auth.keys')?.[0]
      ?.getOptionalString('secret');
    const configured = secret ?? backendSecret;
    return new AcknowledgeLinks(
      createHmac('sha256', configured ?? randomBytes(32))
        .update(PURPOSE)
        .digest(),
      validHours * 3600_000,
      () => deps.discovery.getExternalBaseUrl('multivac'),
      !configured,
    );
  }

  constructor(
    private readonly key: Buffer,
    private readonly validMs: number,
    private readonly baseUrl: () => Promise<string>,
    /**
     * Signed with a key made up at start-up (nothing configured): links
     * stop working after a restart and on other replicas.
     */
    readonly ephemeral = false,
  ) {}

  /** The link for `claims`, valid from `now` for the configured time. */
  async url(claims: AcknowledgeClaims, now = Date.now()): Promise<string> {
    return `${await this.baseUrl()}${ACKNOWLEDGE_PATH}?token=${this.sign(
      claims,
      now + this.validMs,
    )}`;
  }

  sign(claims: AcknowledgeClaims, expiresAt: number): string {
    const payload = Buffer.from(
      JSON.stringify({ p: claims.pageId, u: claims.userRef, e: expiresAt }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /**
   * The claims of a token this backend signed; 400 for anything else
   * (tampered, truncated, another purpose's token), 403 once it expired.
   */
  verify(token: string, now = Date.now()): AcknowledgeClaims {
    const invalid = new InputError(
      'This acknowledge link is not valid: open the link from the page you received, unchanged',
    );
    const [payload, mac, ...rest] = token.split('.');
    if (!payload || !mac || rest.length > 0) {
      throw invalid;
    }
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalid;
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    if (now > claims.e) {
      throw new NotAllowedError(
        `This acknowledge link expired at ${utcTime(
          claims.e,
        )}: acknowledge the page in the portal instead`,
      );
    }
    return { pageId: claims.p, userRef: claims.u };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key)
      .update(`${PURPOSE}:${payload}`)
      .digest();
  }
}
