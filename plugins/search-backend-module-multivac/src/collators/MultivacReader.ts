import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** How many single-item reads (timelines, post-mortems) run at once. */
const CONCURRENCY = 8;

/**
 * Reads Multivac's REST API as the search plugin (a service principal, so
 * every item is returned; the search backend filters results per user).
 */
export class MultivacReader {
  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
      pageSize: number;
    },
  ) {}

  /** GET `path` (below /api/multivac) as JSON. */
  async get<T>(path: string, token?: string): Promise<T> {
    const baseUrl = await this.options.discovery.getBaseUrl('multivac');
    const response = await fetch(`${baseUrl}${path}`, {
      headers: {
        authorization: `Bearer ${token ?? (await this.token())}`,
      },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  /**
   * The items of a paged list (`limit`/`offset`, `totalCount`), page by
   * page: one page in memory at a time. A new token per page, as a run may
   * outlast one.
   */
  async *pages<T>(
    path: string,
    query: Record<string, string> = {},
  ): AsyncGenerator<T[]> {
    const { pageSize } = this.options;
    for (let offset = 0; ; offset += pageSize) {
      const params = new URLSearchParams({
        ...query,
        limit: String(pageSize),
        offset: String(offset),
      });
      const page = await this.get<{ items: T[]; totalCount: number }>(
        `${path}?${params}`,
      );
      if (page.items.length > 0) {
        yield page.items;
      }
      if (
        page.items.length < pageSize ||
        offset + page.items.length >= page.totalCount
      ) {
        return;
      }
    }
  }

  /** `read` for each item, at most CONCURRENCY at once, in order. */
  async mapLimited<T, R>(
    items: T[],
    read: (item: T, token: string) => Promise<R>,
  ): Promise<R[]> {
    const token = await this.token();
    const results: R[] = [];
    for (let i = 0; i < items.length; i += CONCURRENCY) {
      results.push(
        ...(await Promise.all(
          items.slice(i, i + CONCURRENCY).map(item => read(item, token)),
        )),
      );
    }
    return results;
  }

  private async token() {
    const { auth } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'multivac',
    });
    return token;
  }
}
