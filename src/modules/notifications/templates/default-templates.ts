import type { MessageLanguage } from '../../../integrations/escalation-card.js';

/**
 * The templates Escalon ships with, as string constants so they are part of the build.
 * Each event has a subject and a plain-text body (rendered without escaping) and an HTML body
 * (every {{value}} HTML-escaped). The context they see is `NotificationContext`
 * (render-notification.ts); dates arrive pre-formatted in the recipient's locale and zone.
 * Everything leads with the conclusion: what is asked of the reader, then the facts.
 */

export const NOTIFICATION_EVENTS = [
  'escalation.requested',
  'escalation.reminder',
  'escalation.advanced',
  'escalation.returned',
  'escalation.acknowledged',
  'escalation.resolved',
  'escalation.target_expired',
  'escalation.message',
  'sla.warning',
  'sla.breached',
  'email.held',
  'incident.declared',
  'incident.update_posted',
  'incident.role_changed',
  'incident.resolved',
  'incident.rca_approved',
  'incident.resolve_target_passed',
  'escalation_path.review_due',
  'digest',
] as const;
/** Events about a major incident (issue 17): they need `incident` in their data, not a ticket. */
export const INCIDENT_NOTIFICATION_EVENTS = NOTIFICATION_EVENTS.filter((e) => e.startsWith('incident.'));
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface TemplateSet {
  subject: string;
  text: string;
  html: string;
}

// ---------------------------------------------------------------- shared fragments

const factsText: Record<MessageLanguage, string> = {
  en: `Customer temperature: {{escalation.temperatureText}}
Acknowledge by: {{escalation.dueText}}
Ticket: #{{ticket.number}} {{ticket.subject}}
{{#if escalation.level}}
Level: {{escalation.level}}
{{/if}}
{{#if escalation.category}}
Category: {{escalation.category}}
{{/if}}
{{#if escalation.by}}
Escalated by: {{escalation.by}}
{{/if}}
`,
  ja: `温度感: {{escalation.temperatureText}}
受付期限: {{escalation.dueText}}
チケット: #{{ticket.number}} {{ticket.subject}}
{{#if escalation.level}}
レベル: {{escalation.level}}
{{/if}}
{{#if escalation.category}}
カテゴリ: {{escalation.category}}
{{/if}}
{{#if escalation.by}}
依頼者: {{escalation.by}}
{{/if}}
`,
};

const linksText: Record<MessageLanguage, string> = {
  en: `{{#if escalation.acknowledgeUrl}}
Acknowledge: {{escalation.acknowledgeUrl}}
{{/if}}
Open: {{escalation.url}}
`,
  ja: `{{#if escalation.acknowledgeUrl}}
受付する: {{escalation.acknowledgeUrl}}
{{/if}}
開く: {{escalation.url}}
`,
};

const footerText: Record<MessageLanguage, string> = {
  en: `
-- 
Sent by Escalon to {{recipient.name}}.{{#if settingsUrl}} Notification settings: {{settingsUrl}}{{/if}}
`,
  ja: `
-- 
Escalon から {{recipient.name}} さんへの通知です。{{#if settingsUrl}}通知設定: {{settingsUrl}}{{/if}}
`,
};

const askHtml = (label: string): string =>
  `<p style="margin:0 0 4px;font-size:12px;color:#555">${label}</p>
<div style="margin:0 0 16px;padding:12px 16px;border-left:4px solid #d35400;background:#fdf2e9;font-size:16px;white-space:pre-wrap">{{escalation.ask}}</div>`;

const factsHtml: Record<MessageLanguage, string> = {
  en: `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">
<tr><th align="left" style="padding:2px 12px 2px 0">Customer temperature</th><td>{{escalation.temperatureText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">Acknowledge by</th><td>{{escalation.dueText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">Ticket</th><td><a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}</td></tr>
{{#if escalation.level}}<tr><th align="left" style="padding:2px 12px 2px 0">Level</th><td>{{escalation.level}}</td></tr>{{/if}}
{{#if escalation.category}}<tr><th align="left" style="padding:2px 12px 2px 0">Category</th><td>{{escalation.category}}</td></tr>{{/if}}
{{#if escalation.by}}<tr><th align="left" style="padding:2px 12px 2px 0">Escalated by</th><td>{{escalation.by}}</td></tr>{{/if}}
</table>`,
  ja: `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">
<tr><th align="left" style="padding:2px 12px 2px 0">温度感</th><td>{{escalation.temperatureText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">受付期限</th><td>{{escalation.dueText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">チケット</th><td><a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}</td></tr>
{{#if escalation.level}}<tr><th align="left" style="padding:2px 12px 2px 0">レベル</th><td>{{escalation.level}}</td></tr>{{/if}}
{{#if escalation.category}}<tr><th align="left" style="padding:2px 12px 2px 0">カテゴリ</th><td>{{escalation.category}}</td></tr>{{/if}}
{{#if escalation.by}}<tr><th align="left" style="padding:2px 12px 2px 0">依頼者</th><td>{{escalation.by}}</td></tr>{{/if}}
</table>`,
};

const button = (href: string, label: string, primary: boolean): string =>
  `<a href="${href}" style="display:inline-block;margin:0 8px 8px 0;padding:10px 18px;border-radius:4px;text-decoration:none;${
    primary ? 'background:#1f6feb;color:#fff' : 'border:1px solid #1f6feb;color:#1f6feb'
  }">${label}</a>`;

const linksHtml: Record<MessageLanguage, string> = {
  en: `<p>{{#if escalation.acknowledgeUrl}}${button('{{escalation.acknowledgeUrl}}', 'Acknowledge', true)}{{/if}}${button('{{escalation.url}}', 'Open escalation', false)}</p>`,
  ja: `<p>{{#if escalation.acknowledgeUrl}}${button('{{escalation.acknowledgeUrl}}', '受付する', true)}{{/if}}${button('{{escalation.url}}', 'エスカレーションを開く', false)}</p>`,
};

const ticketLinkHtml: Record<MessageLanguage, string> = {
  en: `<p>${button('{{ticket.url}}', 'Open ticket', false)}</p>`,
  ja: `<p>${button('{{ticket.url}}', 'チケットを開く', false)}</p>`,
};

const layout = (lang: MessageLanguage, body: string): string => `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{subject}}</title></head>
<body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI','Hiragino Sans','Meiryo',sans-serif;font-size:14px;line-height:1.6;color:#222">
<div style="max-width:640px">
${body}
<p style="margin-top:24px;font-size:12px;color:#777">${
  lang === 'ja'
    ? 'Escalon から {{recipient.name}} さんへの通知です。{{#if settingsUrl}}<a href="{{settingsUrl}}">通知設定</a>{{/if}}'
    : 'Sent by Escalon to {{recipient.name}}.{{#if settingsUrl}} <a href="{{settingsUrl}}">Notification settings</a>{{/if}}'
}</p>
</div>
</body>
</html>
`;

const heading = (text: string): string => `<h1 style="margin:0 0 16px;font-size:18px">${text}</h1>`;
const para = (text: string): string => `<p style="margin:0 0 16px">${text}</p>`;

/** Builds one event's set from per-language parts; text and HTML say the same things. */
const set = (lang: MessageLanguage, subject: string, text: string, html: string): TemplateSet => ({
  subject,
  text: `${text}${footerText[lang]}`,
  html: layout(lang, html),
});

const slaFactsText: Record<MessageLanguage, string> = {
  en: `Clock: {{sla.clockText}}
Due: {{sla.dueText}}
Ticket: #{{ticket.number}} {{ticket.subject}}
{{#if sla.assigneeName}}
Assignee: {{sla.assigneeName}}
{{/if}}

Open: {{ticket.url}}
`,
  ja: `対象: {{sla.clockText}}
期限: {{sla.dueText}}
チケット: #{{ticket.number}} {{ticket.subject}}
{{#if sla.assigneeName}}
担当者: {{sla.assigneeName}}
{{/if}}

開く: {{ticket.url}}
`,
};

const slaFactsHtml: Record<MessageLanguage, string> = {
  en: `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">
<tr><th align="left" style="padding:2px 12px 2px 0">Clock</th><td>{{sla.clockText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">Due</th><td>{{sla.dueText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">Ticket</th><td><a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}</td></tr>
{{#if sla.assigneeName}}<tr><th align="left" style="padding:2px 12px 2px 0">Assignee</th><td>{{sla.assigneeName}}</td></tr>{{/if}}
</table>`,
  ja: `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">
<tr><th align="left" style="padding:2px 12px 2px 0">対象</th><td>{{sla.clockText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">期限</th><td>{{sla.dueText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">チケット</th><td><a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}</td></tr>
{{#if sla.assigneeName}}<tr><th align="left" style="padding:2px 12px 2px 0">担当者</th><td>{{sla.assigneeName}}</td></tr>{{/if}}
</table>`,
};

// ---------------------------------------------------------------- the templates

export const defaultTemplates: Record<NotificationEvent, Record<MessageLanguage, TemplateSet>> = {
  'escalation.requested': {
    en: set(
      'en',
      '[#{{ticket.number}}] Escalation requested: {{ticket.subject}}',
      `Action needed:
{{escalation.ask}}

${factsText.en}
${linksText.en}`,
      `${heading('Escalation requested: please acknowledge')}${askHtml('Action needed')}${factsHtml.en}${linksHtml.en}`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] エスカレーション依頼: {{ticket.subject}}',
      `対応依頼:
{{escalation.ask}}

${factsText.ja}
${linksText.ja}`,
      `${heading('エスカレーションの依頼です。受付をお願いします')}${askHtml('対応依頼')}${factsHtml.ja}${linksHtml.ja}`,
    ),
  },

  'escalation.reminder': {
    en: set(
      'en',
      '[#{{ticket.number}}] Reminder: escalation waiting for acknowledgement: {{ticket.subject}}',
      `This escalation is still waiting for you to acknowledge it.

Action needed:
{{escalation.ask}}

${factsText.en}
${linksText.en}`,
      `${heading('Reminder: this escalation is still waiting for you')}${askHtml('Action needed')}${factsHtml.en}${linksHtml.en}`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] 【リマインド】エスカレーションが未受付です: {{ticket.subject}}',
      `このエスカレーションはまだ受け付けられていません。

対応依頼:
{{escalation.ask}}

${factsText.ja}
${linksText.ja}`,
      `${heading('【リマインド】エスカレーションがまだ受け付けられていません')}${askHtml('対応依頼')}${factsHtml.ja}${linksHtml.ja}`,
    ),
  },

  'escalation.advanced': {
    en: set(
      'en',
      '[#{{ticket.number}}] Escalated{{#if escalation.level}} to {{escalation.level}}{{/if}}: {{ticket.subject}}',
      `{{#if escalation.forRequester}}Your escalation{{else}}This escalation{{/if}} has moved{{#if escalation.level}} to {{escalation.level}}{{/if}}{{#if escalation.reason}} ({{escalation.reason}}){{/if}}.

{{#if escalation.forRequester}}Your request:{{else}}Action needed:{{/if}}
{{escalation.ask}}

${factsText.en}
${linksText.en}`,
      `${heading('{{#if escalation.forRequester}}Your escalation{{else}}This escalation{{/if}} has moved{{#if escalation.level}} to {{escalation.level}}{{/if}}')}{{#if escalation.reason}}${para('{{escalation.reason}}')}{{/if}}${askHtml('{{#if escalation.forRequester}}Your request{{else}}Action needed{{/if}}')}${factsHtml.en}${linksHtml.en}`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] エスカレーションが{{#if escalation.level}}{{escalation.level}}に{{else}}次のレベルに{{/if}}移りました: {{ticket.subject}}',
      `{{#if escalation.forRequester}}あなたのエスカレーション{{else}}このエスカレーション{{/if}}は{{#if escalation.level}}{{escalation.level}}{{else}}次のレベル{{/if}}に移りました。{{#if escalation.reason}}（{{escalation.reason}}）{{/if}}

{{#if escalation.forRequester}}依頼内容:{{else}}対応依頼:{{/if}}
{{escalation.ask}}

${factsText.ja}
${linksText.ja}`,
      `${heading('エスカレーションが{{#if escalation.level}}{{escalation.level}}{{else}}次のレベル{{/if}}に移りました')}{{#if escalation.reason}}${para('{{escalation.reason}}')}{{/if}}${askHtml('{{#if escalation.forRequester}}依頼内容{{else}}対応依頼{{/if}}')}${factsHtml.ja}${linksHtml.ja}`,
    ),
  },

  'escalation.returned': {
    en: set(
      'en',
      '[#{{ticket.number}}] Escalation returned: {{ticket.subject}}',
      `{{#if actorName}}{{actorName}}{{else}}The receiver{{/if}} returned your escalation.
Reason: {{#if escalation.reasonText}}{{escalation.reasonText}}{{else}}(none given){{/if}}
{{#if escalation.returnText}}{{escalation.returnText}}
{{/if}}
Your request was:
{{escalation.ask}}

Ticket: #{{ticket.number}} {{ticket.subject}}
Open: {{escalation.url}}
`,
      `${heading('{{#if actorName}}{{actorName}}{{else}}The receiver{{/if}} returned your escalation')}${askHtml(
        'Reason',
      ).replace(
        '{{escalation.ask}}',
        '{{#if escalation.reasonText}}{{escalation.reasonText}}{{else}}(none given){{/if}}',
      )}{{#if escalation.returnText}}${para('{{escalation.returnText}}')}{{/if}}${para('Your request was: {{escalation.ask}}')}${para('Ticket: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{escalation.url}}', 'Open escalation', true)}</p>`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] エスカレーションが差し戻されました: {{ticket.subject}}',
      `{{#if actorName}}{{actorName}} さん{{else}}受け手{{/if}}がエスカレーションを差し戻しました。
理由: {{#if escalation.reasonText}}{{escalation.reasonText}}{{else}}（記載なし）{{/if}}
{{#if escalation.returnText}}{{escalation.returnText}}
{{/if}}
依頼内容:
{{escalation.ask}}

チケット: #{{ticket.number}} {{ticket.subject}}
開く: {{escalation.url}}
`,
      `${heading('{{#if actorName}}{{actorName}} さん{{else}}受け手{{/if}}がエスカレーションを差し戻しました')}${askHtml(
        '理由',
      ).replace(
        '{{escalation.ask}}',
        '{{#if escalation.reasonText}}{{escalation.reasonText}}{{else}}（記載なし）{{/if}}',
      )}{{#if escalation.returnText}}${para('{{escalation.returnText}}')}{{/if}}${para('依頼内容: {{escalation.ask}}')}${para('チケット: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{escalation.url}}', 'エスカレーションを開く', true)}</p>`,
    ),
  },

  'escalation.acknowledged': {
    en: set(
      'en',
      '[#{{ticket.number}}] {{#if actorName}}{{actorName}}{{else}}Someone{{/if}} acknowledged your escalation: {{ticket.subject}}',
      `{{#if actorName}}{{actorName}}{{else}}The receiver{{/if}} acknowledged your escalation and is working on it.

Your request was:
{{escalation.ask}}

Ticket: #{{ticket.number}} {{ticket.subject}}
Open: {{escalation.url}}
`,
      `${heading('{{#if actorName}}{{actorName}}{{else}}The receiver{{/if}} acknowledged your escalation')}${para('Your request was: {{escalation.ask}}')}${para('Ticket: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{escalation.url}}', 'Open escalation', false)}</p>`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] {{#if actorName}}{{actorName}} さんが{{/if}}エスカレーションを受け付けました: {{ticket.subject}}',
      `{{#if actorName}}{{actorName}} さん{{else}}受け手{{/if}}がエスカレーションを受け付け、対応を始めました。

依頼内容:
{{escalation.ask}}

チケット: #{{ticket.number}} {{ticket.subject}}
開く: {{escalation.url}}
`,
      `${heading('{{#if actorName}}{{actorName}} さん{{else}}受け手{{/if}}がエスカレーションを受け付けました')}${para('依頼内容: {{escalation.ask}}')}${para('チケット: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{escalation.url}}', 'エスカレーションを開く', false)}</p>`,
    ),
  },

  'escalation.resolved': {
    en: set(
      'en',
      '[#{{ticket.number}}] Answer to your escalation: {{ticket.subject}}',
      `{{#if actorName}}{{actorName}}{{else}}The receiver{{/if}} resolved your escalation. Reply to the customer with the answer.

Answer:
{{#if escalation.answer}}{{escalation.answer}}{{else}}(no answer written){{/if}}

Your request was:
{{escalation.ask}}

Ticket: #{{ticket.number}} {{ticket.subject}}
Open: {{ticket.url}}
`,
      `${heading('{{#if actorName}}{{actorName}}{{else}}The receiver{{/if}} resolved your escalation')}${askHtml('Answer').replace(
        '{{escalation.ask}}',
        '{{#if escalation.answer}}{{escalation.answer}}{{else}}(no answer written){{/if}}',
      )}${para('Your request was: {{escalation.ask}}')}${para('Reply to the customer on ticket <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{ticket.url}}', 'Open ticket', true)}</p>`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] エスカレーションに回答がありました: {{ticket.subject}}',
      `{{#if actorName}}{{actorName}} さん{{else}}受け手{{/if}}がエスカレーションを解決しました。回答をもとにお客様へ返信してください。

回答:
{{#if escalation.answer}}{{escalation.answer}}{{else}}（回答の記載なし）{{/if}}

依頼内容:
{{escalation.ask}}

チケット: #{{ticket.number}} {{ticket.subject}}
開く: {{ticket.url}}
`,
      `${heading('{{#if actorName}}{{actorName}} さん{{else}}受け手{{/if}}がエスカレーションを解決しました')}${askHtml('回答').replace(
        '{{escalation.ask}}',
        '{{#if escalation.answer}}{{escalation.answer}}{{else}}（回答の記載なし）{{/if}}',
      )}${para('依頼内容: {{escalation.ask}}')}${para('お客様への返信: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{ticket.url}}', 'チケットを開く', true)}</p>`,
    ),
  },

  'escalation.target_expired': {
    en: set(
      'en',
      '[#{{ticket.number}}] No answer from {{#if escalation.targetName}}{{escalation.targetName}}{{else}}one department{{/if}}: {{ticket.subject}}',
      `{{#if escalation.targetName}}{{escalation.targetName}}{{else}}One department{{/if}} did not acknowledge the escalation in time. Follow up with them, cover for them, or move the escalation on.

The request was:
{{escalation.ask}}

${factsText.en}
Open: {{escalation.url}}
`,
      `${heading('No answer from {{#if escalation.targetName}}{{escalation.targetName}}{{else}}one department{{/if}}')}${para('They did not acknowledge the escalation in time. Follow up with them, cover for them, or move the escalation on.')}${para('The request was: {{escalation.ask}}')}${para('Ticket: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{escalation.url}}', 'Open escalation', true)}</p>`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] {{#if escalation.targetName}}{{escalation.targetName}}{{else}}一部の部署{{/if}}から応答がありません: {{ticket.subject}}',
      `{{#if escalation.targetName}}{{escalation.targetName}}{{else}}一部の部署{{/if}}が期限内にエスカレーションを受け付けませんでした。連絡を取るか、代わりに対応するか、次のレベルへ進めてください。

依頼内容:
{{escalation.ask}}

${factsText.ja}
開く: {{escalation.url}}
`,
      `${heading('{{#if escalation.targetName}}{{escalation.targetName}}{{else}}一部の部署{{/if}}から応答がありません')}${para('期限内にエスカレーションが受け付けられませんでした。連絡を取るか、代わりに対応するか、次のレベルへ進めてください。')}${para('依頼内容: {{escalation.ask}}')}${para('チケット: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{escalation.url}}', 'エスカレーションを開く', true)}</p>`,
    ),
  },

  'escalation.message': {
    en: set(
      'en',
      '[#{{ticket.number}}] {{#if escalation.isQuestion}}A question on{{else}}More information on{{/if}} the escalation: {{ticket.subject}}',
      `{{#if actorName}}{{actorName}}{{else}}Someone{{/if}} {{#if escalation.isQuestion}}asks a question about{{else}}adds information to{{/if}} the escalation:

{{escalation.message}}

The request is:
{{escalation.ask}}

Ticket: #{{ticket.number}} {{ticket.subject}}
Answer on the escalation: {{escalation.url}}
`,
      `${heading('{{#if actorName}}{{actorName}}{{else}}Someone{{/if}} {{#if escalation.isQuestion}}asks a question about{{else}}adds information to{{/if}} the escalation')}${askHtml('{{#if escalation.isQuestion}}Question{{else}}Information{{/if}}').replace('{{escalation.ask}}', '{{escalation.message}}')}${para('The request is: {{escalation.ask}}')}${para('Ticket: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{escalation.url}}', 'Answer on the escalation', true)}</p>`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] エスカレーションに{{#if escalation.isQuestion}}質問{{else}}追加情報{{/if}}があります: {{ticket.subject}}',
      `{{#if actorName}}{{actorName}} さん{{else}}担当者{{/if}}がエスカレーションに{{#if escalation.isQuestion}}質問しました{{else}}情報を追加しました{{/if}}:

{{escalation.message}}

依頼内容:
{{escalation.ask}}

チケット: #{{ticket.number}} {{ticket.subject}}
エスカレーションで回答: {{escalation.url}}
`,
      `${heading('{{#if actorName}}{{actorName}} さん{{else}}担当者{{/if}}がエスカレーションに{{#if escalation.isQuestion}}質問しました{{else}}情報を追加しました{{/if}}')}${askHtml('{{#if escalation.isQuestion}}質問{{else}}追加情報{{/if}}').replace('{{escalation.ask}}', '{{escalation.message}}')}${para('依頼内容: {{escalation.ask}}')}${para('チケット: <a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}')}<p>${button('{{escalation.url}}', 'エスカレーションで回答', true)}</p>`,
    ),
  },

  'sla.warning': {
    en: set(
      'en',
      '[#{{ticket.number}}] SLA warning: {{sla.clockText}} due {{sla.dueText}}',
      `The {{sla.clockText}} target for this ticket is due soon: {{sla.dueText}}.

${slaFactsText.en}`,
      `${heading('SLA warning: {{sla.clockText}} due {{sla.dueText}}')}${slaFactsHtml.en}${ticketLinkHtml.en}`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] 【SLA警告】{{sla.clockText}}の期限が近づいています: {{ticket.subject}}',
      `このチケットの{{sla.clockText}}の期限（{{sla.dueText}}）が近づいています。

${slaFactsText.ja}`,
      `${heading('【SLA警告】{{sla.clockText}}の期限が近づいています')}${slaFactsHtml.ja}${ticketLinkHtml.ja}`,
    ),
  },

  'sla.breached': {
    en: set(
      'en',
      '[#{{ticket.number}}] SLA breached: {{sla.clockText}}: {{ticket.subject}}',
      `The {{sla.clockText}} target for this ticket was missed (due {{sla.dueText}}).

${slaFactsText.en}`,
      `${heading('SLA breached: {{sla.clockText}} was due {{sla.dueText}}')}${slaFactsHtml.en}${ticketLinkHtml.en}`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] 【SLA違反】{{sla.clockText}}の期限を超過しました: {{ticket.subject}}',
      `このチケットの{{sla.clockText}}の期限（{{sla.dueText}}）を超過しました。

${slaFactsText.ja}`,
      `${heading('【SLA違反】{{sla.clockText}}の期限を超過しました')}${slaFactsHtml.ja}${ticketLinkHtml.ja}`,
    ),
  },

  // A reply held as unverified (issue 14): the reader decides whether it is the customer's.
  'email.held': {
    en: set(
      'en',
      '[#{{ticket.number}}] Reply held for your decision: {{ticket.subject}}',
      `A reply to this ticket was held: its sender could not be verified. Open it, then accept it as the customer's message or reject it.

From: {{held.from}}
{{#if held.subject}}
Subject: {{held.subject}}
{{/if}}
Reason: {{held.reasonText}}
Ticket: #{{ticket.number}} {{ticket.subject}}

Open the held reply: {{held.url}}
`,
      `${heading('A reply was held for your decision')}${para('Its sender could not be verified. Accept it as the customer&#39;s message or reject it.')}<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">
<tr><th align="left" style="padding:2px 12px 2px 0">From</th><td>{{held.from}}</td></tr>
{{#if held.subject}}<tr><th align="left" style="padding:2px 12px 2px 0">Subject</th><td>{{held.subject}}</td></tr>{{/if}}
<tr><th align="left" style="padding:2px 12px 2px 0">Reason</th><td>{{held.reasonText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">Ticket</th><td><a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}</td></tr>
</table><p>${button('{{held.url}}', 'Open the held reply', true)}</p>`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] 返信を保留しました（確認してください）: {{ticket.subject}}',
      `このチケットへの返信を保留しました。送信者を確認できません。内容を確認し、お客様のメッセージとして受け入れるか却下してください。

差出人: {{held.from}}
{{#if held.subject}}
件名: {{held.subject}}
{{/if}}
理由: {{held.reasonText}}
チケット: #{{ticket.number}} {{ticket.subject}}

保留中の返信を開く: {{held.url}}
`,
      `${heading('返信を保留しました。確認してください')}${para('送信者を確認できません。お客様のメッセージとして受け入れるか却下してください。')}<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">
<tr><th align="left" style="padding:2px 12px 2px 0">差出人</th><td>{{held.from}}</td></tr>
{{#if held.subject}}<tr><th align="left" style="padding:2px 12px 2px 0">件名</th><td>{{held.subject}}</td></tr>{{/if}}
<tr><th align="left" style="padding:2px 12px 2px 0">理由</th><td>{{held.reasonText}}</td></tr>
<tr><th align="left" style="padding:2px 12px 2px 0">チケット</th><td><a href="{{ticket.url}}">#{{ticket.number}}</a> {{ticket.subject}}</td></tr>
</table><p>${button('{{held.url}}', '保留中の返信を開く', true)}</p>`,
    ),
  },

  // Major incidents (issue 17): internal stakeholders (task force, subscribed people and teams).
  'incident.declared': {
    en: set(
      'en',
      '[{{incident.severity}}] Major incident declared: {{incident.title}}',
      `A major incident was declared{{#if actorName}} by {{actorName}}{{/if}}. You are on its task force or subscribed to it.

Incident: {{incident.title}}
Severity: {{incident.severity}}
Open the incident: {{incident.url}}
`,
      `${heading('[{{incident.severity}}] Major incident declared: {{incident.title}}')}${para('You are on its task force or subscribed to it.{{#if actorName}} Declared by {{actorName}}.{{/if}}')}<p>${button('{{incident.url}}', 'Open the incident', true)}</p>`,
    ),
    ja: set(
      'ja',
      '【{{incident.severity}}】重大障害を宣言しました: {{incident.title}}',
      `重大障害が宣言されました{{#if actorName}}（宣言者: {{actorName}}）{{/if}}。あなたは対応チームのメンバー、または購読者です。

障害: {{incident.title}}
重大度: {{incident.severity}}
障害を開く: {{incident.url}}
`,
      `${heading('【{{incident.severity}}】重大障害を宣言しました: {{incident.title}}')}${para('あなたは対応チームのメンバー、または購読者です。{{#if actorName}}宣言者: {{actorName}}{{/if}}')}<p>${button('{{incident.url}}', '障害を開く', true)}</p>`,
    ),
  },

  'incident.update_posted': {
    en: set(
      'en',
      '[{{incident.severity}}] {{incident.stateText}}: {{incident.title}}',
      `{{incident.stateText}}: {{incident.title}}

{{incident.body}}

{{#if incident.nextText}}
Next update by: {{incident.nextText}}
{{/if}}
{{#if incident.internal}}
(internal update, not sent to customers)
{{/if}}
Open the incident: {{incident.url}}
`,
      `${heading('[{{incident.severity}}] {{incident.stateText}}: {{incident.title}}')}<div style="white-space:pre-wrap;margin:0 0 16px">{{incident.body}}</div>{{#if incident.nextText}}${para('Next update by: {{incident.nextText}}')}{{/if}}{{#if incident.internal}}${para('(internal update, not sent to customers)')}{{/if}}<p>${button('{{incident.url}}', 'Open the incident', true)}</p>`,
    ),
    ja: set(
      'ja',
      '【{{incident.severity}}】{{incident.stateText}}: {{incident.title}}',
      `{{incident.stateText}}: {{incident.title}}

{{incident.body}}

{{#if incident.nextText}}
次回の更新予定: {{incident.nextText}}
{{/if}}
{{#if incident.internal}}
（社内向けの更新です。お客様には送られません）
{{/if}}
障害を開く: {{incident.url}}
`,
      `${heading('【{{incident.severity}}】{{incident.stateText}}: {{incident.title}}')}<div style="white-space:pre-wrap;margin:0 0 16px">{{incident.body}}</div>{{#if incident.nextText}}${para('次回の更新予定: {{incident.nextText}}')}{{/if}}{{#if incident.internal}}${para('（社内向けの更新です。お客様には送られません）')}{{/if}}<p>${button('{{incident.url}}', '障害を開く', true)}</p>`,
    ),
  },

  'incident.role_changed': {
    en: set(
      'en',
      '[{{incident.severity}}] {{incident.roleText}}: {{#if incident.personName}}{{incident.personName}}{{else}}stood down{{/if}}: {{incident.title}}',
      `{{#if incident.personName}}{{incident.personName}} is now the {{incident.roleText}}{{else}}The {{incident.roleText}} role was stood down{{/if}}{{#if actorName}} (changed by {{actorName}}){{/if}}.

Incident: {{incident.title}}
Open the incident: {{incident.url}}
`,
      `${heading('{{#if incident.personName}}{{incident.personName}} is now the {{incident.roleText}}{{else}}The {{incident.roleText}} role was stood down{{/if}}')}${para('Incident: {{incident.title}}{{#if actorName}} · changed by {{actorName}}{{/if}}')}<p>${button('{{incident.url}}', 'Open the incident', true)}</p>`,
    ),
    ja: set(
      'ja',
      '【{{incident.severity}}】{{incident.roleText}}: {{#if incident.personName}}{{incident.personName}}{{else}}解任{{/if}}: {{incident.title}}',
      `{{#if incident.personName}}{{incident.roleText}}は {{incident.personName}} さんになりました{{else}}{{incident.roleText}}の役割は解かれました{{/if}}{{#if actorName}}（変更者: {{actorName}}）{{/if}}。

障害: {{incident.title}}
障害を開く: {{incident.url}}
`,
      `${heading('{{#if incident.personName}}{{incident.roleText}}は {{incident.personName}} さんになりました{{else}}{{incident.roleText}}の役割は解かれました{{/if}}')}${para('障害: {{incident.title}}{{#if actorName}}（変更者: {{actorName}}）{{/if}}')}<p>${button('{{incident.url}}', '障害を開く', true)}</p>`,
    ),
  },

  'incident.resolved': {
    en: set(
      'en',
      '[{{incident.severity}}] Resolved: {{incident.title}}',
      `The major incident was declared resolved{{#if actorName}} by {{actorName}}{{/if}}. The task force is stood down.

{{incident.body}}

Open the incident: {{incident.url}}
`,
      `${heading('[{{incident.severity}}] Resolved: {{incident.title}}')}${para('The task force is stood down.{{#if actorName}} Resolved by {{actorName}}.{{/if}}')}<div style="white-space:pre-wrap;margin:0 0 16px">{{incident.body}}</div><p>${button('{{incident.url}}', 'Open the incident', true)}</p>`,
    ),
    ja: set(
      'ja',
      '【{{incident.severity}}】解決しました: {{incident.title}}',
      `重大障害の解決が宣言されました{{#if actorName}}（宣言者: {{actorName}}）{{/if}}。対応チームは解散しました。

{{incident.body}}

障害を開く: {{incident.url}}
`,
      `${heading('【{{incident.severity}}】解決しました: {{incident.title}}')}${para('対応チームは解散しました。{{#if actorName}}宣言者: {{actorName}}{{/if}}')}<div style="white-space:pre-wrap;margin:0 0 16px">{{incident.body}}</div><p>${button('{{incident.url}}', '障害を開く', true)}</p>`,
    ),
  },

  'incident.rca_approved': {
    en: set(
      'en',
      '[{{incident.severity}}] RCA approved: {{incident.title}}',
      `The root cause analysis of the incident was approved{{#if actorName}} by {{actorName}}{{/if}}. It can now be shared with the affected customers.

Incident: {{incident.title}}
Open the RCA: {{incident.url}}
`,
      `${heading('[{{incident.severity}}] RCA approved: {{incident.title}}')}${para('It can now be shared with the affected customers.{{#if actorName}} Approved by {{actorName}}.{{/if}}')}<p>${button('{{incident.url}}', 'Open the RCA', true)}</p>`,
    ),
    ja: set(
      'ja',
      '【{{incident.severity}}】障害報告書（RCA）が承認されました: {{incident.title}}',
      `障害の根本原因分析（RCA）が承認されました{{#if actorName}}（承認者: {{actorName}}）{{/if}}。影響を受けたお客様に共有できます。

障害: {{incident.title}}
RCA を開く: {{incident.url}}
`,
      `${heading('【{{incident.severity}}】障害報告書（RCA）が承認されました: {{incident.title}}')}${para('影響を受けたお客様に共有できます。{{#if actorName}}承認者: {{actorName}}{{/if}}')}<p>${button('{{incident.url}}', 'RCA を開く', true)}</p>`,
    ),
  },

  'incident.resolve_target_passed': {
    en: set(
      'en',
      '[{{incident.severity}}] Not resolved in time, escalated: {{incident.title}}',
      `The incident passed its resolution target ({{incident.dueText}}) and is still active.{{#if incident.escalated}} It was escalated along the configured escalation path.{{else}} No escalation path is configured or no linked ticket is open, so nothing was escalated.{{/if}}

Incident: {{incident.title}}
Open the incident: {{incident.url}}
`,
      `${heading('[{{incident.severity}}] Not resolved in time: {{incident.title}}')}${para('The resolution target ({{incident.dueText}}) passed.{{#if incident.escalated}} It was escalated along the configured escalation path.{{else}} No escalation path is configured or no linked ticket is open, so nothing was escalated.{{/if}}')}<p>${button('{{incident.url}}', 'Open the incident', true)}</p>`,
    ),
    ja: set(
      'ja',
      '【{{incident.severity}}】解決目標時刻を超過しエスカレーションしました: {{incident.title}}',
      `障害は解決目標時刻（{{incident.dueText}}）を過ぎても対応中です。{{#if incident.escalated}}設定されたエスカレーション経路でエスカレーションしました。{{else}}エスカレーション経路が未設定か、対応中の関連チケットがないため、エスカレーションしていません。{{/if}}

障害: {{incident.title}}
障害を開く: {{incident.url}}
`,
      `${heading('【{{incident.severity}}】解決目標時刻を超過しました: {{incident.title}}')}${para('解決目標時刻（{{incident.dueText}}）を過ぎました。{{#if incident.escalated}}設定されたエスカレーション経路でエスカレーションしました。{{else}}エスカレーション経路が未設定か、対応中の関連チケットがないため、エスカレーションしていません。{{/if}}')}<p>${button('{{incident.url}}', '障害を開く', true)}</p>`,
    ),
  },

  'escalation_path.review_due': {
    en: set(
      'en',
      'Path review due: {{path.name}}',
      `The periodic review of the escalation path "{{path.name}}" is due ({{path.dueText}}). Please look at its review report and mark the path reviewed.
{{#if path.lastReviewedText}}
Last reviewed: {{path.lastReviewedText}}
{{else}}
Not reviewed yet.
{{/if}}

Review report: {{path.reviewUrl}}
Path: {{path.url}}
`,
      `${heading('Path review due: {{path.name}}')}${para('The periodic review of this escalation path is due ({{path.dueText}}). Please look at its review report and mark the path reviewed.')}${para('{{#if path.lastReviewedText}}Last reviewed: {{path.lastReviewedText}}{{else}}Not reviewed yet.{{/if}}')}<p>${button('{{path.reviewUrl}}', 'Open the review report', true)}${button('{{path.url}}', 'Open the path', false)}</p>`,
    ),
    ja: set(
      'ja',
      'エスカレーションパスの見直し時期です: {{path.name}}',
      `エスカレーションパス「{{path.name}}」の定期見直しの時期です（期限: {{path.dueText}}）。見直しレポートを確認し、パスを見直し済みにしてください。
{{#if path.lastReviewedText}}
前回の見直し: {{path.lastReviewedText}}
{{else}}
まだ見直されていません。
{{/if}}

見直しレポート: {{path.reviewUrl}}
パス: {{path.url}}
`,
      `${heading('エスカレーションパスの見直し時期です: {{path.name}}')}${para('このエスカレーションパスの定期見直しの時期です（期限: {{path.dueText}}）。見直しレポートを確認し、パスを見直し済みにしてください。')}${para('{{#if path.lastReviewedText}}前回の見直し: {{path.lastReviewedText}}{{else}}まだ見直されていません。{{/if}}')}<p>${button('{{path.reviewUrl}}', '見直しレポートを開く', true)}${button('{{path.url}}', 'パスを開く', false)}</p>`,
    ),
  },

  digest: {
    en: set(
      'en',
      '[#{{ticket.number}}] {{count}} updates: {{ticket.subject}}',
      `{{count}} updates on ticket #{{ticket.number}} {{ticket.subject}}:

{{#each items}}
- {{atText}}  {{label}}{{#if actorName}} ({{actorName}}){{/if}}{{#if summary}}: {{summary}}{{/if}}
{{/each}}

Open: {{ticket.url}}
`,
      `${heading('{{count}} updates on ticket #{{ticket.number}}')}${para('{{ticket.subject}}')}
<ul style="margin:0 0 16px;padding-left:20px">
{{#each items}}<li><span style="color:#555">{{atText}}</span> <strong>{{label}}</strong>{{#if actorName}} ({{actorName}}){{/if}}{{#if summary}}: {{summary}}{{/if}}</li>
{{/each}}</ul>${ticketLinkHtml.en}`,
    ),
    ja: set(
      'ja',
      '[#{{ticket.number}}] {{count}}件の更新: {{ticket.subject}}',
      `チケット #{{ticket.number}} {{ticket.subject}} に{{count}}件の更新があります:

{{#each items}}
- {{atText}}  {{label}}{{#if actorName}}（{{actorName}}）{{/if}}{{#if summary}}: {{summary}}{{/if}}
{{/each}}

開く: {{ticket.url}}
`,
      `${heading('チケット #{{ticket.number}} に{{count}}件の更新があります')}${para('{{ticket.subject}}')}
<ul style="margin:0 0 16px;padding-left:20px">
{{#each items}}<li><span style="color:#555">{{atText}}</span> <strong>{{label}}</strong>{{#if actorName}}（{{actorName}}）{{/if}}{{#if summary}}: {{summary}}{{/if}}</li>
{{/each}}</ul>${ticketLinkHtml.ja}`,
    ),
  },
};
