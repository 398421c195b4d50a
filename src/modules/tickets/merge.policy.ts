import type { Ticket } from './tickets.types.js';

export type MergeProblem = 'same_ticket' | 'source_closed' | 'target_closed' | 'different_customer';

/** Why two tickets cannot be merged (source into target), or null when they can. */
export function mergeProblem(source: Pick<Ticket, 'id' | 'status' | 'requesterId' | 'mergedIntoId'>, target: Pick<Ticket, 'id' | 'status' | 'requesterId' | 'mergedIntoId'>, o: { confirmDifferentCustomer: boolean }): MergeProblem | null {
  if (source.id === target.id) return 'same_ticket';
  if (source.status === 'closed' || source.mergedIntoId) return 'source_closed';
  if (target.status === 'closed' || target.mergedIntoId) return 'target_closed';
  if (source.requesterId && target.requesterId && source.requesterId !== target.requesterId && !o.confirmDifferentCustomer) return 'different_customer';
  return null;
}

/** The requester's one mail about a merge, in their language (plain text; no markup is interpreted). */
export function mergeNotice(locale: 'ja' | 'en', p: { name: string; sourceNumber: number; targetNumber: number; subject: string }): { subject: string; text: string } {
  if (locale === 'en')
    return {
      subject: `[#${p.targetNumber}] Your request #${p.sourceNumber} continues as #${p.targetNumber}`,
      text: `Dear ${p.name},\n\nYour request #${p.sourceNumber} is about the same matter as #${p.targetNumber} (“${p.subject}”), so we have combined them. Everything you wrote is kept, and we will answer under #${p.targetNumber}. Replying to this mail adds to #${p.targetNumber}; you do not need to do anything else.\n`,
    };
  return {
    subject: `[#${p.targetNumber}] お問い合わせ #${p.sourceNumber} は #${p.targetNumber} で対応いたします`,
    text: `${p.name} 様\n\nお問い合わせ #${p.sourceNumber} は #${p.targetNumber}（「${p.subject}」）と同じ内容のため、ひとつにまとめました。いただいた内容はすべて引き継いでおり、今後は #${p.targetNumber} にてご回答いたします。このメールへの返信は #${p.targetNumber} に追加されます。お客様の操作は必要ありません。\n`,
  };
}
