import { ConflictError } from '@backstage/errors';
import { MultivacContribution } from '@multivac/plugin-multivac-node';

/**
 * The contributions of one kind (incident subscribers, on-call providers,
 * ...), in registration order. Every extension point keeps its
 * contributions in one of these, with the same rules (as the scaffolder's
 * `TemplateActionRegistry`): ids are unique, and a second contribution with
 * an id already taken, or beyond the kind's limit, fails the start-up.
 */
export class ContributionRegistry<T extends MultivacContribution> {
  private readonly items: T[] = [];

  /**
   * @param kind - What the contributions are, for error messages
   *   (`incident subscriber`).
   * @param single - Set when the kind allows one contribution only: why.
   */
  constructor(
    private readonly kind: string,
    private readonly single?: { reason: string },
  ) {}

  add(item: T): void {
    if (this.items.some(existing => existing.id === item.id)) {
      const article = /^[aeiou]/.test(this.kind) ? 'An' : 'A';
      throw new ConflictError(
        `${article} ${this.kind} with id '${item.id}' is already registered`,
      );
    }
    if (this.single && this.items.length > 0) {
      throw new ConflictError(
        `Cannot add ${this.kind} '${item.id}': '${this.items[0].id}' is already registered, and ${this.single.reason}`,
      );
    }
    this.items.push(item);
  }

  list(): readonly T[] {
    return this.items;
  }
}
