import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { z } from 'zod';

/** What an action's attributes claim, each said explicitly. */
export interface ActionAttributes {
  /** Only reads. */
  readOnly: boolean;
  /** May change or remove what exists (false: only adds). */
  destructive: boolean;
  /** Calling it again with the same input changes nothing more. */
  idempotent: boolean;
}

/** One of Multivac's actions, with its schemas as Multivac's zod objects. */
export interface MultivacAction<TOutput extends z.ZodTypeAny> {
  /** The id is `multivac:<name>`. */
  name: string;
  title: string;
  description: string;
  /** Documents the input; the action's operation parses it (see below). */
  input: z.ZodTypeAny;
  /**
   * Documents the output; the registry checks the output against it (a
   * passthrough object keeps the fields it does not name).
   */
  output: TOutput;
  attributes: ActionAttributes;
  examples?: Array<{ title: string; input: Record<string, unknown> }>;
  /**
   * Runs the operation as the caller. `input` is what the caller sent, or
   * its parsed form; the operation parses it with the route's schema, so
   * that a bad input is refused with the route's message naming the field.
   */
  run(
    input: Record<string, unknown>,
    credentials: BackstageCredentials,
  ): Promise<object>;
}

type RegisterOptions = Parameters<ActionsRegistryService['register']>[0];

/**
 * Registers `action` in Backstage's actions registry.
 *
 * The registry validates the input with the input schema before the
 * action runs, answering only `Invalid input to action "…"` (the field is
 * named only deep in the error's cause, which MCP clients do not show).
 * So the schema given to it passes what it rejects through unchanged
 * (`catch`), and the action's operation — the same function its REST route
 * calls — refuses it with the route's 400 naming the field. The schema still
 * describes the input (its JSON schema is the wrapped schema's) to the
 * registry's listing and to MCP clients.
 */
export function registerAction<TOutput extends z.ZodTypeAny>(
  registry: ActionsRegistryService,
  action: MultivacAction<TOutput>,
): void {
  const input = action.input.catch(({ input: raw }: { input: unknown }) => raw);
  const options = {
    name: action.name,
    title: action.title,
    description: action.description,
    attributes: action.attributes,
    examples: action.examples,
    schema: { input: () => input, output: () => action.output },
    action: async ({
      input: given,
      credentials,
    }: {
      input: unknown;
      credentials: BackstageCredentials;
    }) => ({
      output: await action.run(
        (given ?? {}) as Record<string, unknown>,
        credentials,
      ),
    }),
  };
  // Multivac's zod (3.x) and the registry's (`zod/v3` of zod 4) are the same
  // at run time but different declarations to TypeScript.
  registry.register(options as unknown as RegisterOptions);
}
