import { createHash } from 'node:crypto';

/**
 * The public pages: an embeddable contact form (Japanese by default, ?lang=en for English)
 * and the requester's private ticket page. Self-contained HTML with one inline script allowed
 * by its hash (CSP); every value from the server is inserted with textContent, never as HTML.
 */
type Lang = 'ja' | 'en';

const T = {
  ja: {
    title: 'お問い合わせ',
    name: 'お名前',
    email: 'メールアドレス',
    subject: '件名',
    message: 'お問い合わせ内容',
    send: '送信',
    sending: '送信中…',
    website: 'ウェブサイト（入力しないでください）',
    thanks: 'お問い合わせを受け付けました。受付番号: ',
    checkEmail: 'ご入力のメールアドレスに、進捗の確認と返信ができる専用リンクをお送りしました。メールをご確認ください。',
    failed: '送信できませんでした: ',
    ticket: 'お問い合わせ',
    you: 'あなた',
    support: 'サポート',
    reply: '返信する',
    notFound: 'このリンクは無効です。',
    expiredTitle: 'このリンクは使えなくなりました',
    expired: 'このリンクは有効期限が切れたか、新しいリンクに置き換えられました。お問い合わせは、最新のメールへの返信で続けられます。',
    status: '状態: ',
  },
  en: {
    title: 'Contact us',
    name: 'Name',
    email: 'Email',
    subject: 'Subject',
    message: 'Message',
    send: 'Send',
    sending: 'Sending…',
    website: 'Website (leave empty)',
    thanks: 'Thank you. Your request number is ',
    checkEmail: 'We have sent a private link to follow your request and reply to the address you gave. Please check your email.',
    failed: 'Could not send: ',
    ticket: 'Your request',
    you: 'You',
    support: 'Support',
    reply: 'Reply',
    notFound: 'This link is not valid.',
    expiredTitle: 'This link no longer works',
    expired: 'This link has expired or was replaced by a newer one. You can still continue by replying to our latest mail.',
    status: 'Status: ',
  },
} as const;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:40rem;margin:1.5rem auto;padding:0 1rem;color:#1f2328}
label{display:block;margin:.8rem 0 .2rem;font-weight:600}input,textarea{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #8c959f;border-radius:6px}
textarea{min-height:9rem}button{margin-top:1rem;padding:.55rem 1.4rem;font:inherit;border:0;border-radius:6px;background:#0969da;color:#fff;cursor:pointer}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.msg{border:1px solid #d0d7de;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0;white-space:pre-wrap}
.meta{color:#57606a;font-size:.85rem}.you{background:#f6f8fa}#out{margin-top:1rem}`;

function page(lang: Lang, title: string, body: string, script: string): { html: string; csp: string } {
  const hash = createHash('sha256').update(script).digest('base64');
  const csp = `default-src 'none'; script-src 'sha256-${hash}'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'`;
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}<script>${script}</script></body></html>`;
  return { html, csp };
}

function build(lang: Lang) {
  const t = T[lang];
  const contactScript = `(function(){var T=${JSON.stringify(t)};var f=document.getElementById('f'),o=document.getElementById('out');
f.addEventListener('submit',function(e){e.preventDefault();var b=f.querySelector('button');b.disabled=true;b.textContent=T.sending;o.textContent='';
var d={name:f.name.value,email:f.email.value,subject:f.subject.value,message:f.message.value,locale:${JSON.stringify(lang)},website:f.website.value};
fetch('/api/v1/public/contact',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(d)}).then(function(r){return r.json().then(function(j){return{ok:r.ok,j:j}})}).then(function(x){
if(!x.ok){o.textContent=T.failed+((x.j&&x.j.error&&x.j.error.message)||'');return}
f.hidden=true;var p=document.createElement('p');p.textContent=T.thanks+(x.j.ticketNumber!=null?'#'+x.j.ticketNumber:'');o.appendChild(p);
if(x.j.checkEmail){var c=document.createElement('p');c.id='check-email';c.textContent=T.checkEmail;o.appendChild(c)}
}).catch(function(err){o.textContent=T.failed+String(err)}).finally(function(){b.disabled=false;b.textContent=T.send})});})();`;
  const contactBody = `<h1>${esc(t.title)}</h1><form id="f" novalidate>
<label for="name">${esc(t.name)}</label><input id="name" name="name" required maxlength="200" autocomplete="name">
<label for="email">${esc(t.email)}</label><input id="email" name="email" type="email" required maxlength="254" autocomplete="email">
<label for="subject">${esc(t.subject)}</label><input id="subject" name="subject" required maxlength="500">
<label for="message">${esc(t.message)}</label><textarea id="message" name="message" required maxlength="20000"></textarea>
<div class="hp" aria-hidden="true"><label for="website">${esc(t.website)}</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<button type="submit">${esc(t.send)}</button></form><div id="out" role="status"></div>`;

  const ticketScript = `(function(){var T=${JSON.stringify(t)};var tok=decodeURIComponent(location.pathname.split('/').pop()||'');
var h=document.getElementById('h'),s=document.getElementById('s'),l=document.getElementById('l'),f=document.getElementById('f'),o=document.getElementById('out');
var api='/api/v1/public/tickets/'+encodeURIComponent(tok);
function load(){fetch(api).then(function(r){if(r.status===410){var x=new Error(T.expiredTitle);x.detail=T.expired;throw x}if(!r.ok)throw new Error(T.notFound);return r.json()}).then(function(t){
h.textContent=T.ticket+' #'+t.number+': '+t.subject;s.textContent=T.status+t.status;l.textContent='';
t.messages.forEach(function(m){var d=document.createElement('div');d.className='msg'+(m.from==='you'?' you':'');var meta=document.createElement('div');meta.className='meta';
meta.textContent=(m.from==='you'?T.you:T.support)+' · '+new Date(m.createdAt).toLocaleString(${JSON.stringify(lang === 'ja' ? 'ja-JP' : 'en')});var b=document.createElement('div');b.textContent=m.body;d.appendChild(meta);d.appendChild(b);l.appendChild(d)});
f.hidden=false}).catch(function(e){h.textContent=e.message;s.textContent=e.detail||'';f.hidden=true})}
f.addEventListener('submit',function(e){e.preventDefault();var m=f.message.value;if(!m.trim())return;
fetch(api+'/replies',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({message:m})}).then(function(r){return r.json().then(function(j){if(!r.ok)throw new Error((j&&j.error&&j.error.message)||r.status);f.message.value='';o.textContent='';load()})}).catch(function(err){o.textContent=T.failed+err.message})});
load();})();`;
  const ticketBody = `<h1 id="h"></h1><p id="s" class="meta"></p><div id="l"></div><form id="f" hidden>
<label for="message">${esc(t.reply)}</label><textarea id="message" name="message" required maxlength="20000"></textarea>
<button type="submit">${esc(t.reply)}</button></form><div id="out" role="status"></div>`;
  return { contact: page(lang, t.title, contactBody, contactScript), ticket: page(lang, t.ticket, ticketBody, ticketScript) };
}

const PAGES = { ja: build('ja'), en: build('en') };

export const PAGE_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };

export const contactPage = (lang: Lang) => PAGES[lang].contact;
export const privateTicketPage = (lang: Lang) => PAGES[lang].ticket;
