/** The demo workspace: a Japanese/English support organisation with realistic inquiries. */
export const DEMO_PASSWORD = 'escalon-demo-2026';

export const demoTeams = [
  { key: 'front', name: '一次対応 / Front line', description: 'お客様窓口（電話・メール・チャット） / First contact for every channel', contactEmail: 'support@demo.example', contactPhone: '03-1234-5600' },
  { key: 'billing', name: '請求 / Billing', description: '請求・返金・契約 / Invoices, refunds, contracts', contactEmail: 'billing@demo.example', contactPhone: '03-1234-5610' },
  { key: 'tech', name: '技術サポート L2 / Technical support L2', description: '製品の技術的な問い合わせ / Product expertise', contactEmail: 'tech@demo.example', contactPhone: '03-1234-5620' },
  { key: 'eng', name: '開発 L3 / Engineering L3', description: '不具合調査と修正 / Defects and fixes', contactEmail: 'eng@demo.example', contactPhone: '03-1234-5630' },
  { key: 'legal', name: '法務 / Legal', description: '契約・苦情・法的リスク / Contracts, complaints, legal risk', contactEmail: 'legal@demo.example', contactPhone: '03-1234-5640' },
] as const;
export type DemoTeamKey = (typeof demoTeams)[number]['key'];

export const demoUsers = [
  { key: 'admin', email: 'admin@demo.example', name: '管理 太郎', role: 'admin', locale: 'ja', teams: [] },
  { key: 'manager', email: 'yamamoto@demo.example', name: '山本 部長', role: 'manager', locale: 'ja', teams: [['front', 'manager'], ['billing', 'manager']] },
  { key: 'sv', email: 'sato@demo.example', name: '佐藤 花子', role: 'supervisor', locale: 'ja', teams: [['front', 'supervisor']] },
  { key: 'sv_en', email: 'emily@demo.example', name: 'Emily Clark', role: 'supervisor', locale: 'en', teams: [['tech', 'supervisor'], ['eng', 'manager']] },
  { key: 'agent', email: 'tanaka@demo.example', name: '田中 一郎', role: 'agent', locale: 'ja', teams: [['front', 'member']] },
  { key: 'agent2', email: 'suzuki@demo.example', name: '鈴木 美咲', role: 'agent', locale: 'ja', teams: [['front', 'member']] },
  { key: 'agent_en', email: 'john@demo.example', name: 'John Miller', role: 'agent', locale: 'en', teams: [['front', 'member']] },
  { key: 'billing', email: 'takahashi@demo.example', name: '高橋 健', role: 'specialist', locale: 'ja', teams: [['billing', 'member']] },
  { key: 'tech', email: 'ito@demo.example', name: '伊藤 直子', role: 'specialist', locale: 'ja', teams: [['tech', 'member']] },
  { key: 'eng', email: 'raj@demo.example', name: 'Raj Patel', role: 'specialist', locale: 'en', teams: [['eng', 'member']] },
  { key: 'legal', email: 'watanabe@demo.example', name: '渡辺 法子', role: 'specialist', locale: 'ja', teams: [['legal', 'member'], ['billing', 'member']] },
] as const;

export const demoOrganizations = [
  { key: 'kaede', name: '株式会社かえで商事', tier: 'platinum' },
  { key: 'sakura', name: 'さくら総合病院', tier: 'gold' },
  { key: 'northwind', name: 'Northwind Traders', tier: 'gold' },
  { key: 'aozora', name: '青空カフェ', tier: 'standard' },
] as const;

export const demoCustomers = [
  { key: 'kobayashi', name: '小林 誠', email: 'kobayashi@kaede.example', org: 'kaede', locale: 'ja', phone: '090-1111-2222' },
  { key: 'kato', name: '加藤 由美', email: 'kato@kaede.example', org: 'kaede', locale: 'ja', phone: null },
  { key: 'yoshida', name: '吉田 看護師長', email: 'yoshida@sakura-hp.example', org: 'sakura', locale: 'ja', phone: '03-9999-0001' },
  { key: 'nakamura', name: '中村 翔', email: 'sho.nakamura@mail.example', org: null, locale: 'ja', phone: null },
  { key: 'yamada', name: '山田 花', email: 'hana@aozora.example', org: 'aozora', locale: 'ja', phone: '080-3333-4444' },
  { key: 'smith', name: 'Anna Smith', email: 'anna.smith@northwind.example', org: 'northwind', locale: 'en', phone: '+1 206 555 0134' },
  { key: 'brown', name: 'David Brown', email: 'dbrown@northwind.example', org: 'northwind', locale: 'en', phone: null },
  { key: 'garcia', name: 'Lucia Garcia', email: 'lucia@mail.example', org: null, locale: 'en', phone: null },
] as const;

type Cust = (typeof demoCustomers)[number]['key'];
type UserKey = (typeof demoUsers)[number]['key'];

export interface DemoTicket {
  customer: Cust;
  subject: string;
  body: string;
  category: string;
  product: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  temperature: 'calm' | 'concerned' | 'upset' | 'angry';
  channel: 'email' | 'web' | 'chat' | 'phone' | 'api';
  team: DemoTeamKey;
  assignee?: UserKey;
  status: 'new' | 'open' | 'pending' | 'on_hold' | 'solved' | 'closed';
  tags: string[];
  /** Follow-ups after creation: [who, visibility, text]. */
  thread?: [UserKey | 'customer', 'public' | 'internal', string][];
  hoursAgo: number;
}

export const demoTickets: DemoTicket[] = [
  { customer: 'kobayashi', subject: '請求書の金額が契約と異なります', body: '11月分の請求書が月額 120,000円 になっていますが、契約では 98,000円 のはずです。至急確認をお願いします。経理の締めが今週金曜です。', category: 'billing-dispute', product: 'Escalon Cloud', priority: 'high', temperature: 'upset', channel: 'email', team: 'front', assignee: 'agent', status: 'open', tags: ['請求', 'vip'], thread: [['agent', 'public', '小林様、ご連絡ありがとうございます。担当部署に確認し、本日中にご回答いたします。'], ['agent', 'internal', '契約書 PDF では 98,000円。11月に自動で上位プランに切り替わった可能性あり。請求チームに確認が必要。']], hoursAgo: 5 },
  { customer: 'yoshida', subject: '電子カルテ連携が朝から停止しています', body: '本日 8:30 頃から、受付端末から電子カルテへの連携ができません。エラーコード E-5012 が表示されます。外来の受付が止まっており、非常に困っています。', category: 'outage', product: 'Escalon Connect', priority: 'urgent', temperature: 'angry', channel: 'phone', team: 'tech', assignee: 'tech', status: 'open', tags: ['障害', '医療'], thread: [['tech', 'internal', 'E-5012 は API 認証エラー。昨夜の証明書更新が原因の可能性。L3 に確認依頼予定。']], hoursAgo: 2 },
  { customer: 'nakamura', subject: 'パスワードを再設定できません', body: 'パスワード再設定メールが届きません。迷惑メールフォルダも確認しました。', category: 'account', product: 'Escalon Cloud', priority: 'normal', temperature: 'concerned', channel: 'web', team: 'front', status: 'new', tags: ['ログイン'], hoursAgo: 1 },
  { customer: 'yamada', subject: 'レシートプリンターが印字しません', body: '昨日から POS のレシートが白紙で出てきます。用紙は入れ替えました。', category: 'hardware', product: 'Escalon POS', priority: 'high', temperature: 'concerned', channel: 'chat', team: 'front', assignee: 'agent2', status: 'pending', tags: ['ハードウェア'], thread: [['agent2', 'public', '山田様、感熱紙の表裏が逆になっていないかご確認いただけますか？'], ['agent2', 'internal', '写真待ち。返答なければ明日電話。']], hoursAgo: 20 },
  { customer: 'kato', subject: '解約時の返金について', body: '年間契約を途中解約した場合、残り期間分の返金はありますか？', category: 'billing', product: 'Escalon Cloud', priority: 'normal', temperature: 'calm', channel: 'email', team: 'billing', assignee: 'billing', status: 'open', tags: ['返金', '解約'], hoursAgo: 30 },
  { customer: 'kobayashi', subject: 'ユーザー追加の上限を教えてください', body: 'プラチナプランで追加できるユーザー数の上限はいくつですか？来月 50名 増員予定です。', category: 'question', product: 'Escalon Cloud', priority: 'low', temperature: 'calm', channel: 'email', team: 'front', assignee: 'agent', status: 'solved', tags: ['プラン'], thread: [['agent', 'public', 'プラチナプランは上限なしでご利用いただけます。追加分は月末締めで請求されます。']], hoursAgo: 72 },
  { customer: 'yoshida', subject: '夜間のバックアップが失敗しています', body: '管理画面に「バックアップ失敗」の警告が 3日 続けて表示されています。', category: 'defect', product: 'Escalon Connect', priority: 'high', temperature: 'concerned', channel: 'email', team: 'eng', assignee: 'eng', status: 'open', tags: ['バックアップ'], thread: [['eng', 'internal', 'Disk quota on the backup volume hit 100%. Rotating old snapshots; fix in next release.']], hoursAgo: 50 },
  { customer: 'nakamura', subject: '領収書の宛名を変更したい', body: '領収書の宛名を個人名から会社名に変更できますか？', category: 'billing', product: 'Escalon Cloud', priority: 'low', temperature: 'calm', channel: 'web', team: 'billing', status: 'new', tags: ['領収書'], hoursAgo: 8 },
  { customer: 'yamada', subject: '対応が遅すぎます。責任者と話をさせてください', body: '先週から 3回 問い合わせていますが、毎回違う部署に回されて何も解決していません。責任者から連絡をください。', category: 'complaint', product: 'Escalon POS', priority: 'urgent', temperature: 'angry', channel: 'phone', team: 'front', assignee: 'sv', status: 'open', tags: ['苦情', 'たらい回し'], thread: [['sv', 'internal', '過去 3件の履歴を確認中。部長への報告が必要。']], hoursAgo: 3 },
  { customer: 'kato', subject: 'CSV エクスポートの文字化け', body: 'レポートを CSV で出力して Excel で開くと日本語が文字化けします。', category: 'defect', product: 'Escalon Cloud', priority: 'normal', temperature: 'concerned', channel: 'email', team: 'tech', assignee: 'tech', status: 'pending', tags: ['csv', '文字コード'], thread: [['tech', 'public', 'Excel の「データ → テキストまたは CSV から」で UTF-8 を指定して開いていただけますか？次回リリースで BOM 付きに対応予定です。']], hoursAgo: 40 },
  { customer: 'kobayashi', subject: 'SSO 設定の手順を知りたい', body: 'Azure AD との SAML 連携の手順書はありますか？', category: 'question', product: 'Escalon Cloud', priority: 'normal', temperature: 'calm', channel: 'email', team: 'tech', status: 'new', tags: ['sso'], hoursAgo: 4 },
  { customer: 'yoshida', subject: '個人情報の削除依頼', body: '退職した職員のアカウントと個人情報を完全に削除してください。削除証明書も必要です。', category: 'privacy', product: 'Escalon Connect', priority: 'high', temperature: 'calm', channel: 'email', team: 'legal', assignee: 'legal', status: 'open', tags: ['個人情報'], hoursAgo: 26 },
  { customer: 'nakamura', subject: 'アプリが起動直後に落ちます', body: 'iPhone 15 / iOS 18.1 で、アプリを開くとすぐ終了します。再インストールしても同じです。', category: 'defect', product: 'Escalon Mobile', priority: 'normal', temperature: 'upset', channel: 'chat', team: 'front', assignee: 'agent2', status: 'open', tags: ['ios', 'クラッシュ'], hoursAgo: 6 },
  { customer: 'yamada', subject: '営業時間の設定方法', body: '年末年始の営業時間を変更したいのですが、どこで設定できますか？', category: 'question', product: 'Escalon POS', priority: 'low', temperature: 'calm', channel: 'web', team: 'front', status: 'closed', tags: ['設定'], thread: [['agent', 'public', '管理画面の「店舗設定 → 営業カレンダー」から変更できます。']], hoursAgo: 200 },
  { customer: 'kato', subject: 'ログイン履歴を確認したい', body: '不審なログインがないか、過去 30日 のログイン履歴を確認する方法を教えてください。', category: 'security', product: 'Escalon Cloud', priority: 'high', temperature: 'concerned', channel: 'email', team: 'tech', status: 'new', tags: ['セキュリティ'], hoursAgo: 2 },
  { customer: 'kobayashi', subject: '契約更新の見積もり依頼', body: '来年度の契約更新について、100ユーザー分の見積もりをお願いします。', category: 'sales', product: 'Escalon Cloud', priority: 'normal', temperature: 'calm', channel: 'email', team: 'billing', assignee: 'billing', status: 'on_hold', tags: ['見積'], hoursAgo: 96 },
  { customer: 'yoshida', subject: '操作研修の日程調整', body: '新人向けの操作研修を 12月 に実施したいです。候補日を教えてください。', category: 'question', product: 'Escalon Connect', priority: 'low', temperature: 'calm', channel: 'phone', team: 'front', assignee: 'agent', status: 'pending', tags: ['研修'], hoursAgo: 60 },
  { customer: 'yamada', subject: '二重課金されています', body: 'クレジットカードに同じ金額が 2回 請求されています。すぐに返金してください。', category: 'billing-dispute', product: 'Escalon POS', priority: 'high', temperature: 'angry', channel: 'phone', team: 'billing', status: 'new', tags: ['返金', '二重請求'], hoursAgo: 1 },
  { customer: 'nakamura', subject: '通知メールが多すぎる', body: '1日 に 50通 以上通知メールが届きます。まとめて受け取る設定はありますか？', category: 'question', product: 'Escalon Cloud', priority: 'low', temperature: 'concerned', channel: 'email', team: 'front', status: 'solved', tags: ['通知'], thread: [['agent2', 'public', '個人設定の「通知」からダイジェスト受信に変更できます。']], hoursAgo: 120 },
  { customer: 'kato', subject: 'API のレート制限に達します', body: '夜間バッチで 429 エラーが頻発します。上限を上げてもらえますか？', category: 'technical', product: 'Escalon API', priority: 'normal', temperature: 'concerned', channel: 'api', team: 'tech', assignee: 'tech', status: 'open', tags: ['api'], hoursAgo: 18 },
  { customer: 'yoshida', subject: '画面表示が遅い', body: '患者一覧の表示に 20秒 以上かかります。先月までは 2秒 程度でした。', category: 'performance', product: 'Escalon Connect', priority: 'high', temperature: 'upset', channel: 'email', team: 'eng', status: 'new', tags: ['性能'], hoursAgo: 7 },
  { customer: 'kobayashi', subject: '請求書の再発行', body: '10月分の請求書を紛失しました。再発行をお願いします。', category: 'billing', product: 'Escalon Cloud', priority: 'low', temperature: 'calm', channel: 'web', team: 'billing', status: 'closed', tags: ['請求書'], thread: [['billing', 'public', '再発行した請求書をメールでお送りしました。']], hoursAgo: 300 },
  { customer: 'yamada', subject: 'バーコードリーダーの接続方法', body: '新しく購入したバーコードリーダーが認識されません。', category: 'hardware', product: 'Escalon POS', priority: 'normal', temperature: 'calm', channel: 'chat', team: 'front', assignee: 'agent_en', status: 'open', tags: ['ハードウェア'], hoursAgo: 9 },
  { customer: 'nakamura', subject: '退会したい', body: 'サービスを退会したいです。データはどうなりますか？', category: 'account', product: 'Escalon Cloud', priority: 'normal', temperature: 'calm', channel: 'email', team: 'front', status: 'new', tags: ['解約'], hoursAgo: 12 },
  { customer: 'smith', subject: 'Refund for unused licences', body: 'We reduced our team from 40 to 25 seats in October but were charged for 40. Please refund the difference for October and November.', category: 'billing-dispute', product: 'Escalon Cloud', priority: 'high', temperature: 'upset', channel: 'email', team: 'billing', assignee: 'billing', status: 'open', tags: ['refund', 'vip'], thread: [['billing', 'internal', 'Seat change was requested on Oct 3 but applied Nov 1 — our mistake. Needs manager approval for a refund over ¥100,000.']], hoursAgo: 22 },
  { customer: 'brown', subject: 'Webhook deliveries failing with 401', body: 'Since yesterday every webhook to our endpoint fails with 401. We did not change anything on our side.', category: 'technical', product: 'Escalon API', priority: 'high', temperature: 'concerned', channel: 'email', team: 'tech', assignee: 'tech', status: 'open', tags: ['webhook', 'api'], hoursAgo: 16 },
  { customer: 'garcia', subject: 'How do I export my data?', body: 'I would like a full export of my account data in CSV or JSON.', category: 'question', product: 'Escalon Cloud', priority: 'low', temperature: 'calm', channel: 'web', team: 'front', assignee: 'agent_en', status: 'pending', tags: ['export'], thread: [['agent_en', 'public', 'Hi Lucia, you can export everything from Settings → Data export. Does that cover what you need?']], hoursAgo: 36 },
  { customer: 'smith', subject: 'Service outage — dashboards not loading', body: 'None of our 25 agents can load the dashboard. This is blocking our whole support operation.', category: 'outage', product: 'Escalon Cloud', priority: 'urgent', temperature: 'angry', channel: 'phone', team: 'eng', assignee: 'eng', status: 'open', tags: ['outage'], thread: [['eng', 'internal', 'CDN edge in us-west returns 502. Failing over.']], hoursAgo: 1 },
  { customer: 'brown', subject: 'Legal hold request', body: 'Our legal department requires a litigation hold on all tickets from account NW-2291. Please confirm.', category: 'legal', product: 'Escalon Cloud', priority: 'high', temperature: 'calm', channel: 'email', team: 'legal', assignee: 'legal', status: 'open', tags: ['legal'], hoursAgo: 28 },
  { customer: 'garcia', subject: 'Two-factor codes not arriving', body: 'SMS codes for two-factor authentication do not arrive on my phone (Spain, +34).', category: 'account', product: 'Escalon Cloud', priority: 'normal', temperature: 'concerned', channel: 'chat', team: 'front', status: 'new', tags: ['2fa'], hoursAgo: 3 },
  { customer: 'smith', subject: 'Feature request: Slack threads', body: 'Could escalation notifications post into a Slack thread per ticket?', category: 'feature-request', product: 'Escalon Cloud', priority: 'low', temperature: 'calm', channel: 'email', team: 'tech', status: 'on_hold', tags: ['slack', 'feature'], hoursAgo: 150 },
  { customer: 'brown', subject: 'Invoice currency is wrong', body: 'Our invoices show JPY but our contract is in USD.', category: 'billing', product: 'Escalon Cloud', priority: 'normal', temperature: 'concerned', channel: 'email', team: 'billing', status: 'new', tags: ['invoice'], hoursAgo: 10 },
  { customer: 'garcia', subject: 'Thank you!', body: 'Just wanted to say the support team was great last week.', category: 'feedback', product: 'Escalon Cloud', priority: 'low', temperature: 'calm', channel: 'email', team: 'front', assignee: 'agent_en', status: 'closed', tags: ['feedback'], hoursAgo: 240 },
  { customer: 'smith', subject: 'Data residency question', body: 'Where is our data stored? We need it to stay within the EU for GDPR.', category: 'privacy', product: 'Escalon Cloud', priority: 'normal', temperature: 'calm', channel: 'email', team: 'legal', status: 'new', tags: ['gdpr'], hoursAgo: 14 },
  { customer: 'brown', subject: 'Mobile app login loop', body: 'After the last update the Android app keeps returning to the login screen.', category: 'defect', product: 'Escalon Mobile', priority: 'normal', temperature: 'upset', channel: 'web', team: 'front', assignee: 'agent_en', status: 'open', tags: ['android'], hoursAgo: 5 },
  { customer: 'kobayashi', subject: '監査ログの保管期間', body: '監査ログは何年分保管されますか？内部監査で必要です。', category: 'security', product: 'Escalon Cloud', priority: 'normal', temperature: 'calm', channel: 'email', team: 'tech', status: 'new', tags: ['監査'], hoursAgo: 11 },
];
