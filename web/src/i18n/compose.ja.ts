import type { composeEn } from './compose.en.js';

/** 返信・メモの Markdown と添付ファイル、タイムライン上のファイル（issue 15 §2）。'compose.' の下。 */
export const composeJa: typeof composeEn = {
  write: '編集',
  preview: 'プレビュー',
  editorTabs: '編集またはプレビュー',
  markdownHint: 'Markdown が使えます: **太字**、*斜体*、- 箇条書き、1. 番号付きリスト、[リンク](https://…)、`コード`',
  previewEmpty: 'プレビューする内容がまだありません。',
  dropHere: 'ファイルをここにドロップ、画像を貼り付け、または',
  choose: 'ファイルを選択',
  dropping: 'ドロップして添付',
  limits: '{{count}} 個まで、1 ファイル {{size}} まで。添付できる種類: {{types}}。',
  anyType: 'すべての種類',
  typeNames: { images: '画像', text: 'テキスト', csv: 'CSV', pdf: 'PDF', zip: 'ZIP', office: 'Office 文書', mail: 'メール（.eml）' },
  pending: 'このメッセージと一緒に送るファイル',
  remove: '外す',
  removeNamed: '{{name}} を外す',
  pastedName: '貼り付け画像-{{stamp}}.png',
  uploading: 'アップロード中（{{done}} / {{count}}）…',
  problems: {
    tooLarge: '「{{name}}」は {{size}} です。添付できるのは 1 ファイル {{max}} までです。',
    typeNotAllowed: '「{{name}}」（{{type}}）は添付できません。添付できる種類: {{types}}。',
    tooMany: '1 件のメッセージに添付できるのは {{max}} 個までです。「{{name}}」は追加しませんでした。',
    empty: '「{{name}}」は空のファイルです。',
    uploadFailed: '「{{name}}」をアップロードできませんでした。',
  },
  attachments: '添付ファイル',
  download: 'ダウンロード',
  downloadNamed: '{{name}} をダウンロード',
  showLarger: '{{name}} を拡大表示',
  close: '閉じる',
  notKept: '「{{name}}」（{{size}}）はサイズの上限を超えているため保存されていません。',
};
