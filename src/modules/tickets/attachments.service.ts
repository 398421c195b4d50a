import type { AuditActor, AuditService } from '../audit/index.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { Principal } from '../auth/index.js';
import * as repo from './tickets.repository.js';
import type { TicketsService } from './tickets.service.js';
import type { TicketViewer } from './ticket-access.policy.js';

export interface AttachmentView {
  id: string;
  ticketId: string;
  eventId: string | null;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** Strips path parts and control characters; keeps Japanese names intact. */
export function safeFilename(name: string): string {
  // Bidi controls (U+202A–E, U+2066–9, U+200E/F, U+061C) are dropped too: "invoice\u202Efdp.exe" would read as "invoiceexe.pdf".
  // eslint-disable-next-line no-control-regex
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, '').trim();
  return (base === '' || base === '.' || base === '..' ? 'attachment' : base).slice(0, 255);
}

/**
 * Files are stored under the data dir by id (never by the user's filename) and fsynced
 * before the row that points at them commits; a failed commit removes the file.
 */
export class AttachmentsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly dataDir: string,
    readonly maxBytes: number,
    private readonly audit?: AuditService,
  ) {}

  async store(
    actor: Principal | null,
    ticketId: string,
    file: { filename: string; contentType: string; content: Buffer },
    opts: { eventId?: string | null; authorType?: 'user' | 'customer' | 'system'; authorId?: string | null } = {},
  ): Promise<AttachmentView> {
    if (file.content.length === 0) throw invalid([{ field: 'body', message: 'the file is empty', code: 'file_empty' }]);
    if (file.content.length > this.maxBytes) throw new AppError('payload_too_large', `The file is larger than the limit of ${this.maxBytes} bytes.`);
    await this.tickets.access.assertWrite(actor, ticketId);
    await this.tickets.load(this.db, ticketId);
    const id = newId();
    const key = join(id.slice(0, 8), id);
    const path = join(this.dataDir, 'attachments', key);
    await mkdir(join(this.dataDir, 'attachments', id.slice(0, 8)), { recursive: true });
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(file.content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    const now = this.clock.now();
    const filename = safeFilename(file.filename);
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    try {
      await inTransaction(this.db, async (tx) => {
        await repo.insertAttachment(tx, {
          id,
          ticket_id: ticketId,
          event_id: opts.eventId ?? null,
          filename,
          content_type: file.contentType,
          size: file.content.length,
          sha256,
          storage_key: key,
          created_by: actor?.userId ?? opts.authorId ?? null,
          created_at: now,
        });
        if (!opts.eventId) {
          await this.tickets.appendEvent(tx, ticketId, {
            kind: 'attachment.added',
            visibility: 'internal',
            authorType: actor ? 'user' : (opts.authorType ?? 'system'),
            authorId: actor?.userId ?? opts.authorId ?? null,
            data: { attachmentId: id, filename, size: file.content.length, contentType: file.contentType },
          }, now);
        }
      });
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return { id, ticketId, eventId: opts.eventId ?? null, filename, contentType: file.contentType, size: file.content.length, sha256, createdAt: new Date(now).toISOString() };
  }

  async list(viewer: TicketViewer | null, ticketId: string): Promise<AttachmentView[]> {
    await this.tickets.access.assertRead(viewer, ticketId);
    return (await repo.listAttachments(this.db, ticketId)).map((a) => ({
      id: a.id,
      ticketId: a.ticket_id,
      eventId: a.event_id,
      filename: a.filename,
      contentType: a.content_type,
      size: Number(a.size),
      sha256: a.sha256,
      createdAt: new Date(a.created_at).toISOString(),
    }));
  }

  /** A download: recorded in the audit log with who took it (issue 14: every download of attachments). */
  async open(viewer: TicketViewer | null, id: string, actor?: AuditActor | null) {
    const a = await repo.findAttachment(this.db, id);
    if (!a) throw notFound('Attachment', id);
    await this.tickets.access.assertRead(viewer, a.ticket_id, this.db, 'Attachment', id);
    await this.audit?.record(this.db, { actorId: actor?.userId ?? null, action: 'attachment.downloaded', targetType: 'attachment', targetId: id, ip: actor?.ip ?? null, data: { ticketId: a.ticket_id, filename: a.filename, size: Number(a.size) } });
    return { filename: a.filename, contentType: a.content_type, size: Number(a.size), stream: createReadStream(join(this.dataDir, 'attachments', a.storage_key)) };
  }
}
