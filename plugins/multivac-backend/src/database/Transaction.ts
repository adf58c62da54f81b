import { Knex } from 'knex';

declare const opaque: unique symbol;

/**
 * A database transaction as services see it: a token to hand back to a store
 * or the job queue so that their writes commit together, and nothing more
 * (the catalog's `Transaction` works the same way). Only the `Database*`
 * classes look inside.
 */
export type Transaction = { readonly [opaque]: 'multivac.Transaction' };

/** For stores: the knex transaction behind a token a service handed back. */
export function knexOf(tx: Transaction): Knex.Transaction {
  return tx as unknown as Knex.Transaction;
}

/** For stores: the token to hand a knex transaction to services as. */
export function transactionOf(tx: Knex.Transaction): Transaction {
  return tx as unknown as Transaction;
}
