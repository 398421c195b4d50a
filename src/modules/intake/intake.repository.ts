import type { Executor } from '../../db/database.js';
import type { MessagingIntegrationsTable } from '../../db/schema.js';

/** Queries of the web form, private ticket links and messaging integrations. */

export const insertLink = (ex: Executor, row: { token_hash: string; ticket_id: string; customer_id: string; created_at: number }) =>
  ex.insertInto('public_ticket_links').values(row).execute();

export const findLink = (ex: Executor, tokenHash: string) =>
  ex.selectFrom('public_ticket_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();

/** Public messages of a ticket, oldest first, with only what a requester may see. */
export const listPublicMessages = (ex: Executor, ticketId: string, limit: number) =>
  ex
    .selectFrom('ticket_events')
    .select(['id', 'author_type', 'body', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .where('visibility', '=', 'public')
    .where('kind', '=', 'message.added')
    .orderBy('id')
    .limit(limit)
    .execute();

export const insertIntegration = (ex: Executor, row: MessagingIntegrationsTable) => ex.insertInto('messaging_integrations').values(row).execute();
export const findIntegration = (ex: Executor, id: string) => ex.selectFrom('messaging_integrations').selectAll().where('id', '=', id).executeTakeFirst();
export const listIntegrations = (ex: Executor) => ex.selectFrom('messaging_integrations').selectAll().orderBy('id').execute();
export const updateIntegration = (ex: Executor, id: string, patch: Partial<Pick<MessagingIntegrationsTable, 'name' | 'active' | 'outbound_url' | 'updated_at'>>) =>
  ex.updateTable('messaging_integrations').set(patch).where('id', '=', id).executeTakeFirst();
export const deleteIntegration = (ex: Executor, id: string) => ex.deleteFrom('messaging_integrations').where('id', '=', id).executeTakeFirst();

export const findConversation = (ex: Executor, integrationId: string, conversationId: string) =>
  ex.selectFrom('messaging_conversations').selectAll().where('integration_id', '=', integrationId).where('conversation_id', '=', conversationId).executeTakeFirst();

export async function upsertConversation(ex: Executor, row: { integration_id: string; conversation_id: string; ticket_id: string; customer_id: string | null; now: number }) {
  await ex
    .insertInto('messaging_conversations')
    .values({ integration_id: row.integration_id, conversation_id: row.conversation_id, ticket_id: row.ticket_id, customer_id: row.customer_id, created_at: row.now, updated_at: row.now })
    .onConflict((oc) => oc.columns(['integration_id', 'conversation_id']).doUpdateSet({ ticket_id: row.ticket_id, customer_id: row.customer_id, updated_at: row.now }))
    .execute();
}

/** Every link to a ticket stops working (its requester changed). */
export const revokeLinks = (ex: Executor, ticketId: string, now: number) =>
  ex.updateTable('public_ticket_links').set({ revoked_at: now }).where('ticket_id', '=', ticketId).where('revoked_at', 'is', null).execute();

/** A platform message already taken in, or undefined. */
export const findMessagingMessage = (ex: Executor, integrationId: string, messageId: string) =>
  ex.selectFrom('messaging_messages').selectAll().where('integration_id', '=', integrationId).where('message_id', '=', messageId).executeTakeFirst();

export const insertMessagingMessage = (ex: Executor, row: { integration_id: string; message_id: string; ticket_id: string; event_id: string; created_at: number }) =>
  ex.insertInto('messaging_messages').values(row).execute();
