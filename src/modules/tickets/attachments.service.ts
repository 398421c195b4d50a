import type { AuditActor, AuditService } from '../audit/index.js';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../db/database.js';
import { inTransaction } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, invalid, notFound } from '../../lib/errors.js';
import { SNIFF_BYTES, isPreviewable, sniffContentType, typeAllowed } from './attachment.policy.js';
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
  /** A raster image (sniffed): shown inline as a thumbnail; everything else is only downloaded. */
  previewable: boolean;
}

/** Strips path parts and control characters; keeps Japanese names intact. */
export function safeFilename(name: string): string {
  // Bidi controls (U+202A–E, U+2066–9, U+200E/F, U+061C) are dropped too: "invoice\u202Efdp.exe" would read as "invoiceexe.pdf".
  // eslint-disable-next-line no-control-regex
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, '').trim();
  return (base === '' || base === '.' || base === '..' ? 'attachment' : base).slice(0, 255);
}

/** What agents may upload; GET /api/v1/attachments/limits tells the console before it uploads. */
export interface AttachmentLimits {
  maxBytes: number;
  /** Files per reply or note. */
  maxCount: number;
  /** MIME types or patterns (type/*, …*, or *). */
  allowedTypes: string[];
}

export interface IncomingFile {
  filename: string;
  /** What the sender said it is; the stored type is sniffed from the bytes (attachment.policy.ts). */
  declaredType: string;
  content: Buffer | AsyncIterable<Buffer | Uint8Array>;
  /** Content-Length when known: a file over the limit is refused before any byte is read. */
  declaredLength?: number | null;
}

/** How much of an over-limit upload is still read (and dropped) to answer it cleanly. */
const DRAIN_BYTES = 16 * 1024 * 1024;

const tooLarge = (maxBytes: number) => new AppError('payload_too_large', `The file is larger than the limit of ${maxBytes} bytes.`, { code: 'attachment_too_large', maxBytes });

/**
 * Files are stored under the data dir by id (never by the user's filename), streamed to disk
 * while hashed and counted (never held whole in memory), and fsynced before the row that points
 * at them commits; a refused or failed upload removes the file.
 */
export class AttachmentsService {
  readonly limits: AttachmentLimits;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly tickets: TicketsService,
    private readonly dataDir: string,
    limits: number | AttachmentLimits,
    private readonly audit?: AuditService,
  ) {
    this.limits = typeof limits === 'number' ? { maxBytes: limits, maxCount: 10, allowedTypes: ['*'] } : limits;
  }

  get maxBytes(): number {
    return this.limits.maxBytes;
  }

  /**
   * Stores one file on a ticket. `source: 'upload'` (the upload route: agents, API clients) checks the allowed types;
   * inbound mail and the system keep whatever they carry (the bytes are still sniffed for the stored type).
   */
  async store(
    actor: Principal | null,
    ticketId: string,
    file: IncomingFile | { filename: string; contentType: string; content: Buffer },
    opts: { eventId?: string | null; authorType?: 'user' | 'customer' | 'system'; authorId?: string | null; source?: 'upload' | 'mail' } = {},
  ): Promise<AttachmentView> {
    const incoming: IncomingFile = 'declaredType' in file ? file : { filename: file.filename, declaredType: file.contentType, content: file.content, declaredLength: file.content.length };
    const max = this.limits.maxBytes;
    if (incoming.declaredLength != null && incoming.declaredLength > max) throw tooLarge(max);
    await this.tickets.access.assertWrite(actor, ticketId);
    await this.tickets.load(this.db, ticketId);
    const id = newId();
    const key = join(id.slice(0, 8), id);
    const path = join(this.dataDir, 'attachments', key);
    await mkdir(join(this.dataDir, 'attachments', id.slice(0, 8)), { recursive: true });
    let size = 0;
    let contentType: string;
    const hash = createHash('sha256');
    try {
      const head: Buffer[] = [];
      let headBytes = 0;
      const fh = await open(path, 'wx');
      try {
        const chunks = Buffer.isBuffer(incoming.content) ? [incoming.content] : incoming.content;
        for await (const raw of chunks) {
          const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
          size += chunk.length;
          // Past the limit the rest is read and dropped (so the client gets the 413 rather than a
          // reset connection), up to a bound after which the connection is given up.
          if (size > max) {
            if (size > max + DRAIN_BYTES) throw tooLarge(max);
            continue;
          }
          if (headBytes < SNIFF_BYTES) {
            head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
            headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
          }
          hash.update(chunk);
          await fh.write(chunk);
        }
        if (size > max) throw tooLarge(max);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (size === 0) throw invalid([{ field: 'body', message: 'the file is empty', code: 'file_empty' }]);
      contentType = sniffContentType(Buffer.concat(head), incoming.declaredType);
      if (opts.source === 'upload' && !typeAllowed(contentType, this.limits.allowedTypes))
        throw new AppError('unsupported_media_type', `Files of type ${contentType} cannot be attached here; allowed: ${this.limits.allowedTypes.join(', ')}.`, { code: 'attachment_type_not_allowed', contentType, allowedTypes: this.limits.allowedTypes });
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    const now = this.clock.now();
    const filename = safeFilename(incoming.filename);
    const sha256 = hash.digest('hex');
    try {
      await inTransaction(this.db, async (tx) => {
        await repo.insertAttachment(tx, {
          id,
          ticket_id: ticketId,
          event_id: opts.eventId ?? null,
          filename,
          content_type: contentType,
          size,
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
            data: { attachmentId: id, filename, size, contentType },
          }, now);
        }
      });
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return { id, ticketId, eventId: opts.eventId ?? null, filename, contentType, size, sha256, createdAt: new Date(now).toISOString(), previewable: isPreviewable(contentType) };
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
      previewable: isPreviewable(a.content_type),
    }));
  }

  /**
   * A download: recorded in the audit log with who took it (issue 14: every download of
   * attachments); an image shown inline as a preview is recorded as previewed.
   */
  async open(viewer: TicketViewer | null, id: string, actor?: AuditActor | null, how: { preview?: boolean } = {}) {
    const a = await repo.findAttachment(this.db, id);
    if (!a) throw notFound('Attachment', id);
    await this.tickets.access.assertRead(viewer, a.ticket_id, this.db, 'Attachment', id);
    await this.audit?.record(this.db, { actorId: actor?.userId ?? null, action: how.preview && isPreviewable(a.content_type) ? 'attachment.previewed' : 'attachment.downloaded', targetType: 'attachment', targetId: id, ip: actor?.ip ?? null, data: { ticketId: a.ticket_id, filename: a.filename, size: Number(a.size) } });
    return { filename: a.filename, contentType: a.content_type, previewable: isPreviewable(a.content_type), size: Number(a.size), stream: createReadStream(join(this.dataDir, 'attachments', a.storage_key)) };
  }
}
