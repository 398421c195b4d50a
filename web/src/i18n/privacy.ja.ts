import type { privacyEn } from './privacy.en.js';

/** お客様データの開示・消去請求（個人情報保護法・GDPR）。'privacy.' の下。 */
export const privacyJa: Record<keyof typeof privacyEn, string> = {
  actions: 'データの開示・消去',
  exportJson: 'データを書き出す（JSON）',
  exportSummary: '読みやすい一覧',
  exportHint: 'このお客様について保有するすべてのデータです。書き出しは監査ログに記録されます。',
  erase: 'お客様を消去…',
  erasedName: '消去されたお客様',
  erasedOn: '{{date}} に消去',
  dialogTitle: '{{name}} を消去しますか？',
  dialogIntro: 'お客様からの請求（個人情報保護法・GDPR）に基づき、次の処理を行います。',
  willRedact: 'お問い合わせ（{{n}} 件）のメッセージ・社内メモ・件名を「[erased]」に置き換えます',
  willDelete: '添付ファイルと、お客様から届いたメールの原文を削除します',
  willAnonymise: '氏名・メールアドレス・電話番号を仮の値に置き換え、お客様用の確認リンクを無効にします',
  willKeep: 'お問い合わせ（番号・日時・状態）はレポートのために残し、誰がいつ消去したかを監査ログに残します',
  irreversible: '元に戻せません。お客様がデータの写しを求めている場合は、先に書き出してください。',
  typeToConfirm: '確認のため「{{word}}」と入力してください',
  confirmWord: '消去',
  cancel: 'キャンセル',
  confirm: '完全に消去する',
  erasing: '消去しています…',
  doneTitle: 'お客様を消去しました',
  done: '消去しました：お問い合わせ {{tickets}} 件、メッセージ {{messages}} 件、添付ファイル {{attachments}} 件、メール原文 {{rawMail}} 件、確認リンク {{publicLinks}} 件。',
  alreadyErased: 'このお客様はすでに消去されています。変更はありません。',
  close: '閉じる',
};
