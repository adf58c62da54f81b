import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { CatalogGraph, GRAPH_FIELDS, GRAPH_KINDS } from './CatalogGraph';

/** Where the conflict check gets the current dependency graph from. */
export interface CatalogGraphSource {
  get(): Promise<CatalogGraph>;
}

/**
 * The catalog's dependency graph, loaded at most once per TTL however many
 * checks ask at the same time. When a refresh fails, the previous graph is
 * used (and the failure logged) until a later refresh succeeds.
 */
export class CatalogGraphCache implements CatalogGraphSource {
  private graph?: { value: CatalogGraph; loadedAt: number };
  private loading?: Promise<CatalogGraph>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      ttlMinutes: number;
      now?: () => number;
    },
  ) {}

  async get(): Promise<CatalogGraph> {
    const now = (this.options.now ?? Date.now)();
    if (
      this.graph &&
      now - this.graph.loadedAt < this.options.ttlMinutes * 60_000
    ) {
      return this.graph.value;
    }
    this.loading ??= this.load(now).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(now: number): Promise<CatalogGraph> {
    try {
      const { items } = await this.options.catalog.getEntities(
        { filter: { kind: GRAPH_KINDS }, fields: GRAPH_FIELDS },
        { credentials: await this.options.auth.getOwnServiceCredentials() },
      );
      const value = CatalogGraph.fromEntities(items);
      this.graph = { value, loadedAt: now };
      return value;
    } catch (error) {
      if (!this.graph) {
        throw error;
      }
      this.options.logger.warn(
        `Could not refresh the catalog graph for release conflicts, using the one from ${new Date(
          this.graph.loadedAt,
        ).toISOString()}: ${stringifyError(error)}`,
      );
      return this.graph.value;
    }
  }
}
